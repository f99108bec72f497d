"""The cadres app's ledger sheets (ledger-sheets.md): 干部, 报酬标准, 社区经费, 阵地投入, 培训.

Checked with every other sheet before anything is written (all or nothing), faults by sheet, row
and column; each sheet's key identifies a row, so importing the same workbook twice changes
nothing and a changed non-key cell updates the record; the export re-imports to the same data.
A 培训 row naming a person the organisation has not registered is a warning, not a fault.
An ID number exported masked (4199**********0019) reads back as "unchanged".
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any, Iterable, Optional

from dangjian.core import audit, crypto, roles
from dangjian.core.scope import is_in_subtree
from dangjian.core.tree import STEP
from dangjian.core.models import AuditLog
from dangjian.register import rules as register_rules
from dangjian.register.models import Division, Member, Organization
from dangjian.roster.cells import CellError, RowReader, number_as_text, parse_choice, parse_date, parse_text, parse_yes_no
from dangjian.roster.sheets import (
    SHARED_WORKBOOK_DIVISIONS, SHARED_WORKBOOK_ORGS, Column, ImportContext, Row, SheetHandler,
)

from . import rules
from .models import Cadre, CommunityFund, PayStandard, TrainingAttendance, TrainingClass, VenueInvestment
from .vocab import PAY_POSTS, CommunityCategory, FundCategory, Post, TraineeRole

OUT_OF_SCOPE = "不在您的管理范围内"
COMMUNITY_CATEGORIES = ("城市社区", "村改居社区")
# {所在党组织: {姓名}} of the 干部 sheet's rows, for the 培训 sheet's warnings.
SHARED_WORKBOOK_CADRE_NAMES = "cadres.workbook_cadre_names"
CHUNK = 900


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def parse_amount(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError("金额应为数字（元）")
    if isinstance(value, (int, float)):
        text = number_as_text(round(value, 6))
    else:
        text = parse_text(value).replace(",", "").replace("，", "")
    try:
        return rules.parse_amount(text)
    except ValueError as err:
        raise CellError(str(err)) from None


def parse_year(value: Any) -> int:
    text = parse_text(value)
    if text and text.isdigit() and len(text) == 4 and 1949 <= int(text) <= 2100:
        return int(text)
    raise CellError(f"年度“{text}”应为四位年份，例如 2025")


def parse_hours(value: Any) -> Decimal:
    amount = parse_amount(value)
    if amount <= 0:
        raise CellError("学时应大于0")
    return amount


def read_id(reader: RowReader, column: str = "公民身份号码") -> tuple[Optional[str], bool]:
    """(the number, whether the cell was given). A masked number (an export for a user who does not
    see whole numbers) is (None, False): the record keeps the number it has."""
    raw = reader.raw(column)
    if raw is None:
        return "", reader.has(column)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        reader.fault(column, "公民身份号码必须是文本格式单元格（数字格式会丢失末几位），请把该列设为文本后重新输入")
        return None, False
    text = register_rules.normalise_id_number(parse_text(raw))
    if "*" in text:
        return None, False
    problems = rules.check_id_number(text)
    if problems:
        reader.faults(column, problems)
        return None, False
    return text, True


def _plain(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _amount_float(value: Optional[Decimal]):
    if value is None:
        return None
    return int(value) if value == value.to_integral() else float(value)


class _OrgResolver:
    """Party organisations named by rows: of this workbook (checked by the 党组织 sheet) or the database."""

    def __init__(self, ctx: ImportContext, names: Iterable[str]) -> None:
        self.ctx = ctx
        self.workbook = ctx.shared.get(SHARED_WORKBOOK_ORGS, {}) or {}
        self.db = {}
        wanted = sorted(set(n for n in names if n) - set(self.workbook))
        for chunk in _chunks(wanted):
            for o in Organization.objects.filter(name__in=chunk).only("pk", "name", "path", "is_active", "org_type"):
                self.db[o.name] = o

    def problem(self, name: str) -> Optional[str]:
        if name in self.workbook:
            return None  # the 党组织 sheet judged its scope
        org = self.db.get(name)
        if org is None:
            return f"党组织“{name}”在本工作簿和系统中都不存在"
        if self.ctx.scope_org is not None and not is_in_subtree(org, self.ctx.scope_org):
            return f"党组织“{name}”{OUT_OF_SCOPE}"
        return None


class _DivisionResolver:
    def __init__(self, ctx: ImportContext, names: Iterable[str]) -> None:
        self.ctx = ctx
        self.workbook = ctx.shared.get(SHARED_WORKBOOK_DIVISIONS, {}) or {}
        self.db = {}
        wanted = sorted(set(n for n in names if n) - set(self.workbook))
        for chunk in _chunks(wanted):
            for d in Division.objects.filter(name__in=chunk).only("pk", "name", "path", "category"):
                self.db[d.name] = d

    def category(self, name: str) -> Optional[str]:
        if name in self.workbook:
            return self.workbook[name]
        d = self.db.get(name)
        return d.category if d else None

    def problem(self, name: str, *, communities_only: bool = False) -> Optional[str]:
        if name not in self.workbook and name not in self.db:
            return f"行政区划“{name}”在本工作簿和系统中都不存在"
        scope = self.ctx.scope_org
        if scope is not None and name in self.db and not is_in_subtree(self.db[name], scope.division):
            return f"行政区划“{name}”{OUT_OF_SCOPE}"
        if communities_only and self.category(name) not in COMMUNITY_CATEGORIES:
            return f"社区经费按城市社区或村改居社区登记，“{name}”是{self.category(name) or '未知类别'}"
        return None


def _by_name(model, names) -> dict:
    out = {}
    for chunk in _chunks(sorted(set(names))):
        for obj in model.objects.filter(name__in=chunk):
            out[obj.name] = obj
    return out


def _members_by_hash(hashes) -> dict:
    out = {}
    for chunk in _chunks(sorted(h for h in set(hashes) if h)):
        for m in Member.objects.filter(id_number_hash__in=chunk).only("pk", "sex", "birth_date", "education",
                                                                      "id_number_hash"):
            out[m.id_number_hash] = m
    return out


def _apply_person(obj, id_number: Optional[str], members: dict) -> None:
    """Set the encrypted number and what it links to (None: keep the record's number)."""
    if id_number is not None:
        obj.id_number = id_number
    member = members.get(obj.id_number_hash) if obj.id_number_hash else None
    obj.member = member
    if member is not None:
        obj.sex, obj.birth_date = member.sex, member.birth_date
        obj.education = obj.education or member.education
    elif obj.id_number_hash:
        birth, sex = rules.person_facts(obj.id_number)
        obj.birth_date, obj.sex = birth, sex or ""
    else:
        obj.birth_date, obj.sex = None, ""


def _may_export(user) -> bool:
    return user is None or roles.has_role(user, roles.STAFF_ROLES)


def _full_numbers(user) -> bool:
    return user is None or user.may_view_full_pii


class _KeyedSheet(SheetHandler):
    """A sheet whose rows are identified by a key; subclasses parse rows and write in bulk."""

    object_type = ""
    key_columns: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def _dedupe(self, parsed: list[dict], ctx: ImportContext, column: str) -> None:
        seen: dict[tuple, int] = {}
        for item in parsed:
            if not item["_ok"]:
                continue
            key = item["_key"]
            if key in seen:
                ctx.fault(self.sheet_name, item["_row"], column,
                          f"与第{seen[key]}行重复（{'、'.join(self.key_columns)}相同）")
                item["_ok"] = False
            else:
                seen[key] = item["_row"]

    def preview(self, ctx: ImportContext) -> Optional[dict[str, int]]:
        create, update, unchanged = self._plan(ctx)
        return {"created": len(create), "updated": len(update), "unchanged": unchanged}

    def _audit(self, ctx, entries, action, obj, scope_path, changes, repr_=None):
        changes = {k: [_plain(v[0]), _plain(v[1])] for k, v in changes.items()}
        entries.append(audit.audit_entry(
            actor=ctx.actor, action=action, object_type=self.object_type, object_id=str(obj.pk),
            object_repr=(repr_ or str(obj))[:255], scope_path=scope_path, changes=changes, note="台账导入"))


# --- 干部 ----------------------------------------------------------------------------------------

class CadreSheet(_KeyedSheet):
    sheet_name = "干部"
    order = 60
    object_type = "cadres.cadre"
    key_columns = ("所在党组织", "姓名", "职务", "任职日期")
    columns = [
        Column("姓名", required=True, width=10),
        Column("公民身份号码", width=22, text=True),
        Column("所在党组织", required=True, width=30),
        Column("职务", required=True, width=12),
        Column("任职日期", required=True, width=12),
        Column("离任日期", width=12),
        Column("一肩挑", width=8),
    ]

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        parsed = []
        for row in rows:
            r = RowReader(ctx, self.sheet_name, row)
            item = {
                "_row": row.number,
                "name": r.get("姓名", parse_text, required=True, max_length=50),
                "org": r.get("所在党组织", parse_text, required=True, max_length=200),
                "post": r.get("职务", parse_choice, Post, required=True),
                "started_on": r.get("任职日期", parse_date, required=True),
                "ended_on": r.get("离任日期", parse_date),
                "one_shoulder": r.get("一肩挑", parse_yes_no, default=False),
            }
            item["id_number"], item["id_given"] = read_id(r)
            r.faults("离任日期", rules.check_service_dates(item["started_on"], item["ended_on"]))
            r.faults("任职日期", rules.check_not_future("任职日期", item["started_on"], ctx.today))
            r.faults("离任日期", rules.check_not_future("离任日期", item["ended_on"], ctx.today))
            if item["one_shoulder"] and item["post"] and item["post"] != Post.SECRETARY:
                r.fault("一肩挑", "“一肩挑”只适用于书记")
            item["_ok"] = not r.faulty
            item["_key"] = (item["org"], item["name"], item["post"], item["started_on"])
            parsed.append(item)
        orgs = _OrgResolver(ctx, [i["org"] for i in parsed])
        for item in parsed:
            if item["org"]:
                problem = orgs.problem(item["org"])
                if problem:
                    ctx.fault(self.sheet_name, item["_row"], "所在党组织", problem)
                    item["_ok"] = False
        self._dedupe(parsed, ctx, "任职日期")
        self.items = [i for i in parsed if i["_ok"]]
        names = defaultdict(set)
        for i in parsed:
            if i["org"] and i["name"]:
                names[i["org"]].add(i["name"])
        ctx.shared[SHARED_WORKBOOK_CADRE_NAMES] = names
        self._check_secretaries(ctx)

    def _existing(self, org_names) -> dict[tuple, Cadre]:
        out = {}
        for chunk in _chunks(sorted(org_names)):
            for c in Cadre.objects.filter(organization__name__in=chunk).select_related("organization"):
                out[(c.organization.name, c.name, c.post, c.started_on)] = c
        return out

    def _check_secretaries(self, ctx: ImportContext) -> None:
        """At most one serving 书记 per organisation, over the records as they will be after the import."""
        rows = [i for i in self.items if i["post"] == Post.SECRETARY]
        if not rows:
            return
        existing = self._existing({i["org"] for i in rows})
        by_org: dict[str, dict[tuple, tuple]] = defaultdict(dict)
        for key, c in existing.items():
            if c.post == Post.SECRETARY:
                by_org[key[0]][key] = (c.name, c.started_on, c.ended_on, None)
        for i in rows:
            by_org[i["org"]][i["_key"]] = (i["name"], i["started_on"], i["ended_on"], i)
        for org, records in by_org.items():
            items = sorted(records.values(), key=lambda t: t[1])
            for a, b in zip(items, items[1:]):
                if rules.overlaps(a[1], a[2], b[1], b[2]):
                    row = b[3] or a[3]
                    if row is None:
                        continue
                    other = a if row is b[3] else b
                    until = f"{other[2]:%Y-%m-%d}离任" if other[2] else "至今在任"
                    ctx.fault(self.sheet_name, row["_row"], "任职日期",
                              f"{org}同一时期只能有一名书记：{other[0]}自{other[1]:%Y-%m-%d}任书记（{until}），任职时间重叠")
                    row["_ok"] = False
        self.items = [i for i in self.items if i["_ok"]]

    def _plan(self, ctx):
        existing = self._existing({i["org"] for i in self.items})
        create, update, unchanged = [], [], 0
        for i in self.items:
            c = existing.get(i["_key"])
            if c is None:
                create.append(i)
                continue
            changes = {}
            if c.ended_on != i["ended_on"]:
                changes["ended_on"] = [c.ended_on, i["ended_on"]]
            if c.one_shoulder != bool(i["one_shoulder"]):
                changes["one_shoulder"] = [c.one_shoulder, bool(i["one_shoulder"])]
            if i["id_number"] is not None and i["id_given"] and crypto.lookup_hash(i["id_number"]) != c.id_number_hash:
                changes["id_number"] = [crypto.mask_id_number(c.id_number), crypto.mask_id_number(i["id_number"])]
            if changes:
                update.append((c, i, changes))
            else:
                unchanged += 1
        return create, update, unchanged

    def write(self, ctx: ImportContext) -> dict[str, int]:
        create, update, unchanged = self._plan(ctx)
        orgs = _by_name(Organization, [i["org"] for i in create])
        hashes = [crypto.lookup_hash(i["id_number"]) for i in create + [u[1] for u in update] if i["id_number"]]
        members = _members_by_hash(hashes)
        # Records ending first, so that the one-open-secretary index never sees two at once.
        changed = []
        entries: list[AuditLog] = []
        for c, i, changes in update:
            c.ended_on, c.one_shoulder = i["ended_on"], bool(i["one_shoulder"])
            if "id_number" in changes:
                _apply_person(c, i["id_number"], members)
            changed.append(c)
            self._audit(ctx, entries, AuditLog.Action.CHANGED, c, c.organization.path, changes)
        Cadre.objects.bulk_update(changed, ["ended_on", "one_shoulder", "id_number_encrypted", "id_number_hash",
                                            "member", "sex", "birth_date", "education"], batch_size=500)
        new = []
        for i in create:
            c = Cadre(organization=orgs[i["org"]], name=i["name"], post=i["post"], started_on=i["started_on"],
                      ended_on=i["ended_on"], one_shoulder=bool(i["one_shoulder"]))
            _apply_person(c, i["id_number"] or "", members)
            new.append(c)
        Cadre.objects.bulk_create(new, batch_size=500)
        for c in new:
            self._audit(ctx, entries, AuditLog.Action.CREATED, c, c.organization.path,
                        {"post": [None, c.post], "started_on": [None, c.started_on.isoformat()]})
        AuditLog.objects.bulk_create(entries, batch_size=2000)
        # Accounts follow the secretary posts (issue 14): reconciled once the import has committed.
        secretary_orgs = {c.organization_id for c in changed + new if c.post == Post.SECRETARY}
        if secretary_orgs:
            from django.db import transaction

            from dangjian.core import extensions

            transaction.on_commit(lambda: extensions.posts_changed(secretary_orgs, actor=ctx.actor), robust=True)
        return {"created": len(new), "updated": len(changed), "unchanged": unchanged}

    def export_rows(self, user, scope_org, **options) -> Optional[Iterable[list[Any]]]:
        if not _may_export(user):
            return None
        qs = Cadre.objects.all() if user is None else Cadre.objects.for_user(user)
        if scope_org is not None:
            qs = qs.in_subtree(scope_org)
        full = _full_numbers(user)
        qs = qs.select_related("organization").order_by("organization__path", "post", "started_on", "id")
        return ([c.name, (c.id_number if full else c.id_number_masked) or None, c.organization.name, c.post,
                 c.started_on, c.ended_on, ("是" if c.one_shoulder else None) if c.post == Post.SECRETARY else None]
                for c in qs.iterator(chunk_size=2000))


# --- 报酬标准 ------------------------------------------------------------------------------------

class PayStandardSheet(_KeyedSheet):
    sheet_name = "报酬标准"
    order = 61
    object_type = "cadres.paystandard"
    key_columns = ("社区类别", "职务", "执行日期")
    columns = [
        Column("社区类别", required=True, width=12),
        Column("职务", required=True, width=12),
        Column("月标准", required=True, width=10),
        Column("执行日期", required=True, width=12),
    ]

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        user = getattr(ctx.actor, "user", None)
        if ctx.scope_org is not None or (user is not None and not user.is_county_admin):
            if rows:
                ctx.fault(self.sheet_name, 0, "", "报酬标准由县委组织部统一导入")
            return
        parsed = []
        for row in rows:
            r = RowReader(ctx, self.sheet_name, row)
            item = {
                "_row": row.number,
                "category": r.get("社区类别", parse_choice, CommunityCategory, required=True),
                "post": r.get("职务", parse_choice, list(PAY_POSTS), required=True),
                "amount": r.get("月标准", parse_amount, required=True),
                "effective_on": r.get("执行日期", parse_date, required=True),
            }
            item["_ok"] = not r.faulty
            item["_key"] = (item["category"], item["post"], item["effective_on"])
            parsed.append(item)
        self._dedupe(parsed, ctx, "执行日期")
        self.items = [i for i in parsed if i["_ok"]]

    def _plan(self, ctx):
        existing = {(p.category, p.post, p.effective_on): p for p in PayStandard.objects.all()}
        create, update, unchanged = [], [], 0
        for i in self.items:
            p = existing.get(i["_key"])
            if p is None:
                create.append(i)
            elif p.amount != i["amount"]:
                update.append((p, i, {"amount": [str(p.amount), str(i["amount"])]}))
            else:
                unchanged += 1
        return create, update, unchanged

    def write(self, ctx: ImportContext) -> dict[str, int]:
        create, update, unchanged = self._plan(ctx)
        entries: list[AuditLog] = []
        for p, i, changes in update:
            p.amount = i["amount"]
            self._audit(ctx, entries, AuditLog.Action.CHANGED, p, "", changes)
        PayStandard.objects.bulk_update([u[0] for u in update], ["amount"])
        new = PayStandard.objects.bulk_create([PayStandard(category=i["category"], post=i["post"], amount=i["amount"],
                                                           effective_on=i["effective_on"]) for i in create])
        for p in new:
            self._audit(ctx, entries, AuditLog.Action.CREATED, p, "", {"amount": [None, str(p.amount)]})
        AuditLog.objects.bulk_create(entries)
        return {"created": len(new), "updated": len(update), "unchanged": unchanged}

    def export_rows(self, user, scope_org, **options):
        if user is not None and not user.is_county_admin:
            return None  # the county's table: imported by the county only (the page lists it for everyone)
        return ([p.category, p.post, _amount_float(p.amount), p.effective_on]
                for p in PayStandard.objects.order_by("category", "post", "effective_on"))


# --- 社区经费 and 阵地投入 -----------------------------------------------------------------------

class _DivisionAmountSheet(_KeyedSheet):
    model = CommunityFund
    communities_only = False

    def _divisions(self, names):
        return _by_name(Division, names)

    def _check_divisions(self, parsed, ctx):
        divisions = _DivisionResolver(ctx, [i["division"] for i in parsed])
        for item in parsed:
            if item["division"]:
                problem = divisions.problem(item["division"], communities_only=self.communities_only)
                if problem:
                    ctx.fault(self.sheet_name, item["_row"], "所在行政区划", problem)
                    item["_ok"] = False

    def _existing(self):
        raise NotImplementedError

    def _plan(self, ctx):
        existing = self._existing()
        create, update, unchanged = [], [], 0
        for i in self.items:
            obj = existing.get(i["_key"])
            if obj is None:
                create.append(i)
            elif obj.amount != i["amount"]:
                update.append((obj, i, {"amount": [str(obj.amount), str(i["amount"])]}))
            else:
                unchanged += 1
        return create, update, unchanged

    def write(self, ctx: ImportContext) -> dict[str, int]:
        create, update, unchanged = self._plan(ctx)
        divisions = self._divisions([i["division"] for i in create])
        entries: list[AuditLog] = []
        for obj, i, changes in update:
            obj.amount = i["amount"]
            self._audit(ctx, entries, AuditLog.Action.CHANGED, obj, "", changes)
        self.model.objects.bulk_update([u[0] for u in update], ["amount"], batch_size=500)
        new = self.model.objects.bulk_create([self.build(i, divisions[i["division"]]) for i in create], batch_size=500)
        for obj in new:
            self._audit(ctx, entries, AuditLog.Action.CREATED, obj, "", {"amount": [None, str(obj.amount)]})
        AuditLog.objects.bulk_create(entries, batch_size=2000)
        return {"created": len(new), "updated": len(update), "unchanged": unchanged}

    def build(self, item, division):
        raise NotImplementedError

    def _export_qs(self, user, scope_org):
        qs = self.model.objects.all() if user is None else self.model.objects.for_user(user)
        if scope_org is not None:
            qs = qs.in_division(scope_org.division)
        return qs.select_related("division")


class CommunityFundSheet(_DivisionAmountSheet):
    sheet_name = "社区经费"
    order = 62
    object_type = "cadres.communityfund"
    key_columns = ("所在行政区划", "年度", "经费类别")
    model = CommunityFund
    communities_only = True
    columns = [
        Column("所在行政区划", required=True, width=20),
        Column("年度", required=True, width=8),
        Column("经费类别", required=True, width=18),
        Column("金额", required=True, width=14),
    ]

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        parsed = []
        for row in rows:
            r = RowReader(ctx, self.sheet_name, row)
            item = {
                "_row": row.number,
                "division": r.get("所在行政区划", parse_text, required=True, max_length=100),
                "year": r.get("年度", parse_year, required=True),
                "category": r.get("经费类别", parse_choice, FundCategory, required=True),
                "amount": r.get("金额", parse_amount, required=True),
            }
            if item["year"] and item["year"] > ctx.today.year:
                r.fault("年度", f"年度{item['year']}在将来")
            item["_ok"] = not r.faulty
            item["_key"] = (item["division"], item["year"], item["category"])
            parsed.append(item)
        self._check_divisions(parsed, ctx)
        self._dedupe(parsed, ctx, "经费类别")
        self.items = [i for i in parsed if i["_ok"]]

    def _existing(self):
        names = sorted({i["division"] for i in self.items})
        out = {}
        for chunk in _chunks(names):
            for f in CommunityFund.objects.filter(division__name__in=chunk).select_related("division"):
                out[(f.division.name, f.year, f.category)] = f
        return out

    def build(self, i, division):
        return CommunityFund(division=division, year=i["year"], category=i["category"], amount=i["amount"])

    def export_rows(self, user, scope_org, **options):
        if not _may_export(user):
            return None
        qs = self._export_qs(user, scope_org).order_by("division__path", "year", "category")
        return ([f.division.name, f.year, f.category, _amount_float(f.amount)] for f in qs.iterator(chunk_size=2000))


class VenueInvestmentSheet(_DivisionAmountSheet):
    sheet_name = "阵地投入"
    order = 63
    object_type = "cadres.venueinvestment"
    key_columns = ("所在行政区划", "项目名称", "投入日期")
    model = VenueInvestment
    columns = [
        Column("所在行政区划", required=True, width=20),
        Column("项目名称", required=True, width=30),
        Column("投入日期", required=True, width=12),
        Column("金额", required=True, width=14),
    ]

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        parsed = []
        for row in rows:
            r = RowReader(ctx, self.sheet_name, row)
            item = {
                "_row": row.number,
                "division": r.get("所在行政区划", parse_text, required=True, max_length=100),
                "project": r.get("项目名称", parse_text, required=True, max_length=100),
                "invested_on": r.get("投入日期", parse_date, required=True),
                "amount": r.get("金额", parse_amount, required=True),
            }
            r.faults("投入日期", rules.check_not_future("投入日期", item["invested_on"], ctx.today))
            item["_ok"] = not r.faulty
            item["_key"] = (item["division"], item["project"], item["invested_on"])
            parsed.append(item)
        self._check_divisions(parsed, ctx)
        self._dedupe(parsed, ctx, "投入日期")
        self.items = [i for i in parsed if i["_ok"]]

    def _existing(self):
        names = sorted({i["division"] for i in self.items})
        out = {}
        for chunk in _chunks(names):
            for v in VenueInvestment.objects.filter(division__name__in=chunk).select_related("division"):
                out[(v.division.name, v.project, v.invested_on)] = v
        return out

    def build(self, i, division):
        return VenueInvestment(division=division, project=i["project"], invested_on=i["invested_on"],
                               amount=i["amount"])

    def export_rows(self, user, scope_org, **options):
        if not _may_export(user):
            return None
        qs = self._export_qs(user, scope_org).order_by("division__path", "invested_on", "project")
        return ([v.division.name, v.project, v.invested_on, _amount_float(v.amount)] for v in qs.iterator(chunk_size=2000))


# --- 培训 ----------------------------------------------------------------------------------------

class TrainingSheet(_KeyedSheet):
    sheet_name = "培训"
    order = 64
    object_type = "cadres.trainingattendance"
    key_columns = ("培训班名称", "开始日期", "姓名", "所在党组织")
    columns = [
        Column("培训班名称", required=True, width=24),
        Column("开始日期", required=True, width=12),
        Column("结束日期", required=True, width=12),
        Column("学时", required=True, width=8),
        Column("姓名", required=True, width=10),
        Column("公民身份号码", width=22, text=True),
        Column("所在党组织", required=True, width=30),
        Column("参训身份", required=True, width=10),
    ]

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        parsed = []
        for row in rows:
            r = RowReader(ctx, self.sheet_name, row)
            item = {
                "_row": row.number,
                "class_name": r.get("培训班名称", parse_text, required=True, max_length=100),
                "started_on": r.get("开始日期", parse_date, required=True),
                "ended_on": r.get("结束日期", parse_date, required=True),
                "hours": r.get("学时", parse_hours, required=True),
                "name": r.get("姓名", parse_text, required=True, max_length=50),
                "org": r.get("所在党组织", parse_text, required=True, max_length=200),
                "role": r.get("参训身份", parse_choice, TraineeRole, required=True),
            }
            item["id_number"], item["id_given"] = read_id(r)
            r.faults("结束日期", rules.check_class_dates(item["started_on"], item["ended_on"]))
            r.faults("开始日期", rules.check_not_future("开始日期", item["started_on"], ctx.today))
            item["_ok"] = not r.faulty
            item["_key"] = (item["class_name"], item["started_on"], item["name"], item["org"])
            parsed.append(item)
        orgs = _OrgResolver(ctx, [i["org"] for i in parsed])
        for item in parsed:
            if item["org"]:
                problem = orgs.problem(item["org"])
                if problem:
                    ctx.fault(self.sheet_name, item["_row"], "所在党组织", problem)
                    item["_ok"] = False
        # One class, one set of dates and hours.
        classes: dict[tuple, dict] = {}
        for item in parsed:
            if not item["_ok"]:
                continue
            ck = (item["class_name"], item["started_on"])
            first = classes.setdefault(ck, item)
            for field, column in (("ended_on", "结束日期"), ("hours", "学时")):
                if first is not item and first[field] != item[field]:
                    ctx.fault(self.sheet_name, item["_row"], column,
                              f"同一培训班“{item['class_name']}”的{column}与第{first['_row']}行不一致")
                    item["_ok"] = False
        self._dedupe(parsed, ctx, "姓名")
        self.items = [i for i in parsed if i["_ok"]]
        self._warn_unknown(ctx)

    def _warn_unknown(self, ctx: ImportContext) -> None:
        """A person not registered in the organisation named: a warning, the row is still imported."""
        workbook_names = ctx.shared.get(SHARED_WORKBOOK_CADRE_NAMES, {}) or {}
        org_names = sorted({i["org"] for i in self.items})
        known: dict[str, set] = defaultdict(set)
        for chunk in _chunks(org_names):
            for org, name in Cadre.objects.filter(organization__name__in=chunk).values_list("organization__name", "name"):
                known[org].add(name)
            for org, name in Member.objects.filter(organization__name__in=chunk).values_list("organization__name", "name"):
                known[org].add(name)
            for org, name in (TrainingAttendance.objects.filter(organization__name__in=chunk)
                              .values_list("organization__name", "name")):
                known[org].add(name)  # already imported once: not new any more
        for i in self.items:
            if i["name"] in known[i["org"]] or i["name"] in workbook_names.get(i["org"], ()):
                continue
            ctx.warn(self.sheet_name, i["_row"], "姓名",
                     f"“{i['name']}”不是“{i['org']}”登记的干部或党员，将按新姓名登记，请核对")

    def _existing(self) -> tuple[dict, dict]:
        class_keys = {(i["class_name"], i["started_on"]) for i in self.items}
        names = sorted({k[0] for k in class_keys})
        classes = {}
        for chunk in _chunks(names):
            for tc in TrainingClass.objects.filter(name__in=chunk):
                if (tc.name, tc.started_on) in class_keys:
                    classes[(tc.name, tc.started_on)] = tc
        attendances = {}
        for a in (TrainingAttendance.objects.filter(training__in=list(classes.values()))
                  .select_related("training", "organization")):
            attendances[(a.training.name, a.training.started_on, a.name, a.organization.name)] = a
        return classes, attendances

    def _plan(self, ctx):
        classes, existing = self._existing()
        create, update, unchanged = [], [], 0
        for i in self.items:
            a = existing.get(i["_key"])
            tc = classes.get((i["class_name"], i["started_on"]))
            class_changed = tc is not None and (tc.ended_on != i["ended_on"] or tc.hours != i["hours"])
            if a is None:
                create.append(i)
                continue
            changes = {}
            if a.role != i["role"]:
                changes["role"] = [a.role, i["role"]]
            if i["id_number"] is not None and i["id_given"] and crypto.lookup_hash(i["id_number"]) != a.id_number_hash:
                changes["id_number"] = [crypto.mask_id_number(a.id_number), crypto.mask_id_number(i["id_number"])]
            if class_changed:
                changes["training"] = [f"{tc.ended_on} {tc.hours}学时", f"{i['ended_on']} {i['hours']}学时"]
            if changes:
                update.append((a, i, changes))
            else:
                unchanged += 1
        return create, update, unchanged

    def _host(self, ctx: ImportContext, org: Organization) -> Organization:
        if ctx.scope_org is not None:
            return ctx.scope_org
        return Organization.objects.filter(path=org.path[:STEP]).first() or org

    def write(self, ctx: ImportContext) -> dict[str, int]:
        create, update, unchanged = self._plan(ctx)
        classes, _ = self._existing()
        orgs = _by_name(Organization, [i["org"] for i in self.items])
        hashes = [crypto.lookup_hash(i["id_number"]) for i in self.items if i["id_number"]]
        members = _members_by_hash(hashes)
        entries: list[AuditLog] = []
        for i in self.items:
            ck = (i["class_name"], i["started_on"])
            tc = classes.get(ck)
            if tc is None:
                tc = TrainingClass.objects.create(name=i["class_name"], started_on=i["started_on"],
                                                  ended_on=i["ended_on"], hours=i["hours"],
                                                  organization=self._host(ctx, orgs[i["org"]]))
                classes[ck] = tc
                self._audit(ctx, entries, AuditLog.Action.CREATED, tc, tc.organization.path,
                            {"name": [None, tc.name], "started_on": [None, tc.started_on.isoformat()]})
                entries[-1].object_type = "cadres.trainingclass"
            elif tc.ended_on != i["ended_on"] or tc.hours != i["hours"]:
                tc.ended_on, tc.hours = i["ended_on"], i["hours"]
                tc.save(update_fields=["ended_on", "hours"])
        cadre_index = self._cadres(orgs.values())
        changed = []
        for a, i, changes in update:
            a.role = i["role"]
            if "id_number" in changes:
                _apply_person(a, i["id_number"], members)
                a.cadre = self._match(cadre_index, a, i)
            changed.append(a)
            self._audit(ctx, entries, AuditLog.Action.CHANGED, a, a.organization.path, changes,
                        f"{i['class_name']} {a.name}")
        TrainingAttendance.objects.bulk_update(changed, ["role", "id_number_encrypted", "id_number_hash", "member",
                                                         "sex", "birth_date", "education", "cadre"], batch_size=500)
        new = []
        for i in create:
            a = TrainingAttendance(training=classes[(i["class_name"], i["started_on"])], name=i["name"],
                                   organization=orgs[i["org"]], role=i["role"])
            _apply_person(a, i["id_number"] or "", members)
            a.cadre = self._match(cadre_index, a, i)
            new.append(a)
        TrainingAttendance.objects.bulk_create(new, batch_size=500)
        for a in new:
            self._audit(ctx, entries, AuditLog.Action.CREATED, a, a.organization.path,
                        {"name": [None, a.name], "role": [None, a.role]}, f"{a.training.name} {a.name}")
        AuditLog.objects.bulk_create(entries, batch_size=2000)
        return {"created": len(new), "updated": len(changed), "unchanged": unchanged}

    @staticmethod
    def _cadres(orgs) -> dict:
        index: dict = {"hash": {}, "name": defaultdict(list)}
        for c in Cadre.objects.filter(organization__in=list(orgs)).order_by("-started_on"):
            if c.id_number_hash:
                index["hash"].setdefault(c.id_number_hash, c)
            index["name"][(c.name, c.organization_id)].append(c)
        return index

    @staticmethod
    def _match(index, a, i):
        if a.id_number_hash and a.id_number_hash in index["hash"]:
            return index["hash"][a.id_number_hash]
        found = index["name"].get((a.name, a.organization_id), [])
        serving = [c for c in found if c.serves_on(i["started_on"])]
        return (serving or found or [None])[0]

    def export_rows(self, user, scope_org, **options):
        if not _may_export(user):
            return None
        qs = TrainingAttendance.objects.all() if user is None else TrainingAttendance.objects.for_user(user)
        if scope_org is not None:
            qs = qs.in_subtree(scope_org)
        full = _full_numbers(user)
        qs = qs.select_related("training", "organization").order_by("training__started_on", "training__name",
                                                                   "organization__path", "name")
        return ([a.training.name, a.training.started_on, a.training.ended_on, _amount_float(a.training.hours), a.name,
                 (a.id_number if full else a.id_number_masked) or None, a.organization.name, a.role]
                for a in qs.iterator(chunk_size=2000))


SHEETS = [CadreSheet, PayStandardSheet, CommunityFundSheet, VenueInvestmentSheet, TrainingSheet]
