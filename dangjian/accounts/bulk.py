"""Accounts for a whole county at once (issue 14): every branch secretary named in the register.

``plan_register_accounts(admin)`` lists, per branch (党支部、联合党支部、党总支) in the administrator's
scope, its secretary: the 书记 serving today in the post records (``core.extensions.secretary_posts``,
the cadres app), else the 书记 named on the organisation's record. Each is one of
- ``new``: gets an account (user name from the name's pinyin and the ID number's last four digits);
- ``has_account``: already has one (their member's account, or a secretary account of the branch
  under the same name);
- ``lacking``: cannot be opened — no register record (so no phone or ID number) or the record lacks one.
``create_register_accounts`` opens the ``new`` ones in one transaction (planned again inside it), each a
secretary account with a one-time password and the forced change at first login, one audit row each, and
keeps the passwords in a ``OneTimeSheet`` for one download.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Iterable, Optional

from django.db import transaction

from dangjian.core import audit, extensions
from dangjian.core.actor import Actor
from dangjian.core.dates import today
from dangjian.core.models import AuditLog
from dangjian.register.models import Member, Organization
from dangjian.register.vocab import MemberStatus

from .models import User
from .onetime import generate_password, hash_one_time, keep_sheet
from .services import ORG_TYPES_FOR_ROLE, _snapshot

NEW, HAS_ACCOUNT, LACKING = "new", "has_account", "lacking"
STATUS_LABELS = {NEW: "将开通", HAS_ACCOUNT: "已有账号", LACKING: "缺少手机号或身份证号"}
SOURCE_POSTS = "干部任职记录（今日在任书记）"
SOURCE_ORG = "组织信息（书记）"


@dataclass
class Candidate:
    organization: Organization
    name: str
    source: str
    member: Optional[Member]
    status: str
    username: str = ""
    note: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def username_for(name: str, id_number: str, taken: set[str]) -> str:
    """The name's pinyin and the ID number's last four digits (张三, …1234 → zhangsan1234), made unique."""
    from pypinyin import lazy_pinyin

    letters = "".join(c for c in "".join(lazy_pinyin(name)) if c.isascii() and c.isalnum()).lower() or "user"
    base = f"{letters}{id_number[-4:].lower()}"
    username, n = base, 1
    while username.lower() in taken:
        n += 1
        username = f"{base}{n}"
    taken.add(username.lower())
    return username


def plan_register_accounts(admin, day: Optional[datetime.date] = None) -> list[Candidate]:
    day = day or today()
    orgs = list(Organization.objects.for_user(admin, "view")
                .filter(org_type__in=ORG_TYPES_FOR_ROLE[User.Role.SECRETARY], is_active=True).order_by("path"))
    by_id = {o.pk: o for o in orgs}
    holders: dict[int, extensions.PostHolder] = {}
    for p in extensions.secretary_posts() or []:
        if p.organization_id in by_id and p.serves_on(day):
            holders[p.organization_id] = p
    wanted: dict[int, tuple[str, str, Optional[int]]] = {}
    for o in orgs:
        if o.pk in holders:
            wanted[o.pk] = (holders[o.pk].name.strip(), SOURCE_POSTS, holders[o.pk].member_id)
        elif o.secretary_name.strip():
            wanted[o.pk] = (o.secretary_name.strip(), SOURCE_ORG, None)
    # The register records: linked by the post record, else the member of that name in the branch.
    members = {m.pk: m for m in Member.objects.filter(pk__in=[mid for _n, _s, mid in wanted.values() if mid])}
    by_name: dict[tuple[int, str], list[Member]] = {}
    names = {name for name, _s, mid in wanted.values() if not mid}
    for m in Member.objects.filter(organization_id__in=list(wanted), name__in=names, status=MemberStatus.NORMAL):
        by_name.setdefault((m.organization_id, m.name), []).append(m)
    accounts_by_member = dict(User.objects.filter(member__isnull=False).values_list("member_id", "username"))
    secretary_accounts = {(org_id, (last + first).strip()): username for org_id, last, first, username in
                          User.objects.filter(role=User.Role.SECRETARY, organization_id__in=list(wanted))
                          .values_list("organization_id", "last_name", "first_name", "username")}
    taken = {u.lower() for u in User.objects.values_list("username", flat=True)}
    plan, planned_members = [], {}
    for org_id, (name, source, member_id) in wanted.items():
        org = by_id[org_id]
        if member_id:
            member = members.get(member_id)
        else:
            found = by_name.get((org_id, name), [])
            member = found[0] if len(found) == 1 else None
        c = Candidate(organization=org, name=name, source=source, member=member, status=NEW)
        existing = (accounts_by_member.get(member.pk) if member is not None else None) or \
            secretary_accounts.get((org_id, name))
        if existing:
            c.status, c.username = HAS_ACCOUNT, existing
        elif member is not None and member.pk in planned_members:
            # One person, one account: the secretary of two organisations gets the first one's.
            c.status, c.username = HAS_ACCOUNT, planned_members[member.pk]
            c.note = "同一人担任多个组织的书记，只开通一个账号"
        elif member is None:
            c.status = LACKING
            c.note = ("名册中有多名同名党员，无法确定本人" if len(by_name.get((org_id, name), [])) > 1
                      else "名册中找不到此人（本支部没有该姓名的党员），没有手机号和身份证号")
        else:
            missing = [label for label, value in (("手机号", member.phone), ("身份证号", member.id_number)) if not value]
            if missing:
                c.status, c.note = LACKING, f"名册中缺少{'和'.join(missing)}"
            else:
                c.username = username_for(name, member.id_number, taken)
                planned_members[member.pk] = c.username
        plan.append(c)
    return plan


@dataclass
class BulkResult:
    created: list  # [User]
    sheet: object  # OneTimeSheet or None
    skipped: int


@transaction.atomic(durable=True)
def create_register_accounts(*, actor: Actor, day: Optional[datetime.date] = None,
                             organization_ids: Optional[Iterable[int]] = None) -> BulkResult:
    """Open the accounts the plan marks ``new`` (only for ``organization_ids`` when given)."""
    if actor.user is None or not actor.user.is_county_admin:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只有县委组织部管理员可以批量开通账号")
    # Serialise two administrators opening accounts at once (the plan's user names stay unique).
    list(User.objects.select_for_update().filter(pk=actor.user.pk).values_list("pk", flat=True))
    plan = plan_register_accounts(actor.user, day)
    chosen = set(organization_ids) if organization_ids is not None else None
    todo = [c for c in plan if c.status == NEW and (chosen is None or c.organization.pk in chosen)]
    created, rows = [], []
    for c in todo:
        password = generate_password(c.username)
        user = User(username=c.username, last_name=c.name, first_name="", role=User.Role.SECRETARY,
                    organization=c.organization, member=c.member, is_active=True, must_change_password=True,
                    password=hash_one_time(password))
        user.save()
        audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=user, object_repr=f"{c.name}（{c.username}）",
                     scope_path=c.organization.path, changes=audit.diff({}, _snapshot(user)),
                     note=f"按名册批量开通（{c.source}），初始密码一次性下发，首次登录须修改")
        created.append(user)
        rows.append([c.organization.name, c.name, c.username, password])
    sheet = keep_sheet(actor=actor, label=f"批量开通书记账号 {today():%Y-%m-%d}", rows=rows)
    return BulkResult(created=created, sheet=sheet, skipped=len(plan) - len(todo))
