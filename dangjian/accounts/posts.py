"""Accounts follow the post (issue 14): a secretary's account carries the branch's scope only while its
holder serves as the branch's 书记.

Who serves when comes from the apps that record posts (``core.extensions.secretary_posts``: the cadre
records); this app does not import them. ``reconcile_post_accounts`` is idempotent and runs daily
(``manage.py reconcile_post_accounts``) and at once after a change of posts (``posts_changed``, after the
cadres service's commit). Only organisations the post records speak for are touched (a branch with no
secretary record at all keeps its accounts as they are), and only secretary and member accounts.

On ``day`` (a post ending on ``ended_on`` serves up to the day before):
- a secretary account whose holder's post there has ended, or whose organisation has another 书记 serving,
  loses the scope that day: with a register record it becomes that member's own account (党员), without one
  it is 停用 (an account the records say nothing against — no post of its holder, nobody serving — is kept);
- a member account whose member serves as 书记 of a branch gets that branch's scope from the first day.
Each change is one audit row, inside one transaction.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Optional

from django.db import transaction

from dangjian.core import audit, extensions
from dangjian.core.actor import Actor
from dangjian.core.dates import today
from dangjian.core.models import AuditLog
from dangjian.register.models import Organization

from .models import User
from .services import ORG_TYPES_FOR_ROLE, _scope_path, _snapshot

SECRETARY_ORG_TYPES = ORG_TYPES_FOR_ROLE[User.Role.SECRETARY]


@dataclass
class Reconciled:
    lost: list = field(default_factory=list)  # [(user, organization name)]
    gained: list = field(default_factory=list)  # [(user, organization name)]

    @property
    def changed(self) -> int:
        return len(self.lost) + len(self.gained)


def _same_person(user: User, post: extensions.PostHolder) -> bool:
    if user.member_id and post.member_id:
        return user.member_id == post.member_id
    return (user.get_full_name() or "").strip() == post.name.strip()


def _record(actor: Actor, user: User, before: dict, note: str) -> None:
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=user,
                 object_repr=f"{user.get_full_name()}（{user.username}）", scope_path=_scope_path(user),
                 changes=audit.diff(before, _snapshot(user)), note=note)


@transaction.atomic(durable=True)
def reconcile_post_accounts(*, actor: Actor, day: Optional[datetime.date] = None,
                            organization_ids: Optional[Iterable[int]] = None) -> Reconciled:
    """Make the secretary accounts agree with the secretary posts on ``day`` (default today)."""
    day = day or today()
    result = Reconciled()
    posts = extensions.secretary_posts()
    if posts is None:
        return result
    orgs = Organization.objects.filter(pk__in={p.organization_id for p in posts}, org_type__in=SECRETARY_ORG_TYPES,
                                       is_active=True)
    if organization_ids is not None:
        orgs = orgs.filter(pk__in=list(organization_ids))
    orgs = {o.pk: o for o in orgs}
    if not orgs:
        return result
    serving, recorded = defaultdict(list), defaultdict(list)
    for p in posts:
        if p.organization_id in orgs:
            recorded[p.organization_id].append(p)
            if p.serves_on(day):
                serving[p.organization_id].append(p)

    # Secretaries whose post has ended, or who were replaced: the branch's scope goes today. An account the
    # records say nothing against (no post of theirs ended, nobody else serving) keeps it.
    for user in (User.objects.select_for_update(of=("self",)).select_related("organization", "member")
                 .filter(role=User.Role.SECRETARY, is_active=True, organization_id__in=list(orgs)).order_by("pk")):
        if any(_same_person(user, p) for p in serving[user.organization_id]):
            continue
        ended = any(_same_person(user, p) and p.ended_on is not None and p.ended_on <= day
                    for p in recorded[user.organization_id])
        if not ended and not serving[user.organization_id]:
            continue
        org = user.organization
        before = _snapshot(user)
        if user.member_id:
            user.role, user.organization = User.Role.MEMBER, user.member.organization
            user.save(update_fields=["role", "organization"])
            note = f"随职务调整：{day:%Y年%m月%d日}起不再担任{org.name}书记，账号改为党员本人账号"
        else:
            user.is_active = False
            user.save(update_fields=["is_active"])
            note = f"随职务调整：{day:%Y年%m月%d日}起不再担任{org.name}书记，账号停用（未关联党员）"
        _record(actor, user, before, note)
        result.lost.append((user, org.name))

    # Members serving as 书记: their own account gets the branch's scope from the first day.
    holders = {p.member_id: p for org_id in sorted(serving, key=lambda i: orgs[i].path)
               for p in serving[org_id] if p.member_id}
    if holders:
        for user in (User.objects.select_for_update(of=("self",)).select_related("organization", "member")
                     .filter(member_id__in=list(holders), is_active=True, role=User.Role.MEMBER).order_by("pk")):
            org = orgs[holders[user.member_id].organization_id]
            before = _snapshot(user)
            user.role, user.organization = User.Role.SECRETARY, org
            user.save(update_fields=["role", "organization"])
            _record(actor, user, before, f"随职务调整：{day:%Y年%m月%d日}起担任{org.name}书记，账号取得该组织的管理范围")
            result.gained.append((user, org.name))
    return result


def reconcile_after_posts_changed(organization_ids, *, actor: Actor) -> None:
    """The receiver of ``core.extensions.posts_changed`` (registered in AppConfig.ready)."""
    reconcile_post_accounts(actor=actor, organization_ids=organization_ids)
