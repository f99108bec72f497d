"""The 账号 sheet of the roster workbook (issue 14): a county opens its accounts from a sheet.

Columns: 用户名, 姓名, 角色 (the role's name as the user list shows it), 所在党组织 (for every role but 党员:
the organisation whose scope the account carries), 公民身份号码 (links the account to that member; required
for 党员, whose organisation is the member's own). Checked with the other sheets (all or nothing, faults
naming the cell): the county administrator (or the command line) imports it; a user name is matched
case-insensitively; a row for an existing account that agrees with it is "unchanged", one that differs is
a fault (change an account on the user-management page). New accounts get one-time passwords (forced
change at the first login) kept in a ``OneTimeSheet`` for one download from the user list; the import
says so in its warnings. The export lists the administrator's accounts, re-importing unchanged.
"""
from __future__ import annotations

from typing import Any, Optional

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

from dangjian.core import audit, crypto
from dangjian.core.models import AuditLog
from dangjian.register import rules as register_rules
from dangjian.register.models import Member, Organization
from dangjian.roster.cells import CellError, RowReader, parse_text
from dangjian.roster.sheets import (
    SHARED_WORKBOOK_MEMBERS, SHARED_WORKBOOK_ORGS, Column, ImportContext, Row, SheetHandler,
)

from .models import User
from .onetime import generate_password, hash_one_time, keep_sheet
from .services import ORG_TYPES_FOR_ROLE, ROLE_ORG_HINT, _snapshot

SHEET = "账号"
ROLE_BY_LABEL = {label: value for value, label in User.Role.choices}


def parse_username(value: Any) -> str:
    text = parse_text(value)
    try:
        UnicodeUsernameValidator()(text)
    except ValidationError:
        raise CellError(f"用户名“{text}”只能包含字母、数字和 @ . + - _") from None
    if len(text) > 150:
        raise CellError("用户名最多150个字符")
    return text


def parse_role(value: Any) -> str:
    text = parse_text(value)
    if text in ROLE_BY_LABEL:
        return ROLE_BY_LABEL[text]
    if text in User.Role.values:
        return text
    raise CellError(f"角色“{text}”不是规定的取值：{'、'.join(ROLE_BY_LABEL)}")


class AccountSheet(SheetHandler):
    sheet_name = SHEET
    order = 90  # after the organisations and members it names
    columns = [
        Column("用户名", required=True, width=18, text=True),
        Column("姓名", required=True, width=10),
        Column("角色", required=True, width=16),
        Column("所在党组织", width=34),
        Column("公民身份号码", width=22, text=True),
    ]

    def __init__(self):
        self.items: list[dict] = []

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        user = getattr(ctx.actor, "user", None)
        if ctx.scope_org is not None or (user is not None and not user.is_county_admin):
            if rows:
                ctx.fault(SHEET, rows[0].number, "", "账号由县委组织部管理员统一导入（组织员、书记请勿在工作簿中填写“账号”表）")
            return
        workbook_orgs = ctx.shared.get(SHARED_WORKBOOK_ORGS, {})
        workbook_members = ctx.shared.get(SHARED_WORKBOOK_MEMBERS, {})
        parsed, seen = [], {}
        for row in rows:
            r = RowReader(ctx, SHEET, row)
            item = {"_row": row.number,
                    "username": r.get("用户名", parse_username, required=True),
                    "name": r.get("姓名", required=True),
                    "role": r.get("角色", parse_role, required=True),
                    "org": r.get("所在党组织"), "id_number": "", "_hash": ""}
            raw_id = r.get("公民身份号码")
            if raw_id:
                if "*" in raw_id:
                    r.fault("公民身份号码", f"公民身份号码“{raw_id}”是脱敏显示的号码（含*），请填写完整号码")
                else:
                    number = register_rules.normalise_id_number(raw_id)
                    problems = register_rules.check_id_number(number, None, None)
                    if problems:
                        r.faults("公民身份号码", problems)
                    else:
                        item["id_number"], item["_hash"] = number, crypto.lookup_hash(number)
            key = (item["username"] or "").lower()
            if key and key in seen:
                r.fault("用户名", f"用户名与第{seen[key]}行重复")
            elif key:
                seen[key] = row.number
            item["_ok"] = not r.faulty
            parsed.append(item)
        # The organisations (this workbook's or the database's) and the members the rows name.
        names = {i["org"] for i in parsed if i["org"]}
        db_orgs = {o.name: o for o in Organization.objects.filter(name__in=names)}
        hashes = {i["_hash"] for i in parsed if i["_hash"]}
        members = {m.id_number_hash: m for m in Member.objects.filter(id_number_hash__in=hashes).select_related("organization")}
        existing = {u.username.lower(): u for u in User.objects.filter(
            username__in=[i["username"] for i in parsed if i["username"]]).select_related("organization", "member")}
        by_member = dict(User.objects.filter(member__in=list(members.values())).values_list("member_id", "username"))
        for item in parsed:
            if not item["_ok"] or not item["role"]:
                continue
            fault = lambda column, message: (ctx.fault(SHEET, item["_row"], column, message),  # noqa: E731
                                             item.update(_ok=False))
            role, org = item["role"], item["org"]
            member = members.get(item["_hash"])
            in_workbook = item["_hash"] in workbook_members
            account = existing.get(item["username"].lower())
            if item["_hash"] and member is None and not in_workbook:
                fault("公民身份号码", "名册（本工作簿和系统）中没有该公民身份号码的党员")
            if role == User.Role.MEMBER:
                if not item["_hash"] and account is None:
                    fault("公民身份号码", "党员账号必须填写本人的公民身份号码（关联名册中的党员）")
                org = member.organization.name if member is not None else workbook_members.get(item["_hash"], org)
                item["org"] = org
            elif not org:
                fault("所在党组织", f"{User.Role(role).label}必须填写所在党组织（{ROLE_ORG_HINT[role]}）")
            else:
                org_type = db_orgs[org].org_type if org in db_orgs else (workbook_orgs.get(org) or (None,))[0]
                if org not in db_orgs and org not in workbook_orgs:
                    fault("所在党组织", f"党组织“{org}”在本工作簿和系统中都不存在")
                elif org_type and org_type not in ORG_TYPES_FOR_ROLE[role]:
                    fault("所在党组织", f"{User.Role(role).label}的所在党组织应为{ROLE_ORG_HINT[role]}，“{org}”是{org_type}")
            if account is not None:
                # A member's account carries the member's organisation: compared through the member.
                same_org = role == User.Role.MEMBER or (
                    (account.organization.name if account.organization_id else None) == (org or None))
                differs = [column for column, same in (
                    ("姓名", account.get_full_name() == item["name"]),
                    ("角色", account.role == role),
                    ("所在党组织", same_org),
                    ("公民身份号码", account.member_id == getattr(member, "pk", None)),
                ) if not same]
                if differs:
                    fault(differs[0], f"账号“{account.username}”已存在，与本行的{'、'.join(differs)}不同："
                                      "修改已有账号请在“用户管理”中操作")
                item["_existing"] = True
            elif member is not None and member.pk in by_member:
                fault("公民身份号码", f"党员“{member.name}”已有账号“{by_member[member.pk]}”")
        self.items = [i for i in parsed if i["_ok"]]

    def preview(self, ctx: ImportContext) -> Optional[dict[str, int]]:
        unchanged = sum(1 for i in self.items if i.get("_existing"))
        return {"created": len(self.items) - unchanged, "updated": 0, "unchanged": unchanged}

    def write(self, ctx: ImportContext) -> dict[str, int]:
        new = [i for i in self.items if not i.get("_existing")]
        orgs = {o.name: o for o in Organization.objects.filter(name__in={i["org"] for i in new if i["org"]})}
        members = {m.id_number_hash: m for m in Member.objects.filter(
            id_number_hash__in={i["_hash"] for i in new if i["_hash"]})}
        rows = []
        for i in new:
            member = members.get(i["_hash"])
            org = member.organization if i["role"] == User.Role.MEMBER and member else orgs.get(i["org"])
            password = generate_password(i["username"])
            user = User(username=i["username"], last_name=i["name"], first_name="", role=i["role"], organization=org,
                        member=member, is_active=True, must_change_password=True, password=hash_one_time(password))
            user.save()
            audit.record(actor=ctx.actor, action=AuditLog.Action.CREATED, obj=user,
                         object_repr=f"{i['name']}（{i['username']}）", scope_path=org.path if org else "",
                         changes=audit.diff({}, _snapshot(user)), note="名册工作簿“账号”表导入，初始密码一次性下发")
            rows.append([org.name if org else "", i["name"], i["username"], password])
        if rows:
            keep_sheet(actor=ctx.actor, label=f"“账号”表导入 {ctx.today:%Y-%m-%d}", rows=rows)
            ctx.warn(SHEET, 0, "", f"已开通{len(rows)}个账号：初始密码表请到“用户管理”页下载（只能下载一次），"
                                   "分发给本人，首次登录须修改密码")
        return {"created": len(rows), "updated": 0, "unchanged": len(self.items) - len(rows)}

    def export_rows(self, user, scope_org, **options):
        if user is not None and not user.is_county_admin:
            return None  # accounts are the county administrator's
        if scope_org is not None:
            return None
        qs = (User.objects.all() if user is None else User.objects.for_user(user, "view"))
        return ([u.username, u.get_full_name(), u.get_role_display(), u.organization.name if u.organization_id else "",
                 u.member.id_number if u.member_id else ""]
                for u in qs.select_related("organization", "member").order_by("username"))


SHEETS = [AccountSheet]
