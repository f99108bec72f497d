"""Party groups (党小组)."""
from __future__ import annotations

from typing import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.core import audit
from dangjian.core.actor import Actor
from dangjian.core.validation import raise_if as _raise_if
from dangjian.core.models import AuditLog
from dangjian.register.models import Member, Organization
from dangjian.register.vocab import BRANCH_TYPES

from ..models import PartyGroup
from .common import _check_user_may_change


# --- Party groups ----------------------------------------------------------------------------

def check_party_group(*, branch: Organization, name: str, members: list[Member], leader: Member | None,
                      instance: PartyGroup | None = None) -> None:
    errors: dict[str, list[str]] = {"branch": [], "name": [], "members": [], "leader": []}
    if branch.org_type not in BRANCH_TYPES:
        errors["branch"].append(f"党小组只能设在党支部或联合党支部之下，“{branch.name}”是{branch.org_type}")
    if not name:
        errors["name"].append("党小组名称不能为空")
    elif PartyGroup.objects.filter(branch=branch, name=name).exclude(pk=getattr(instance, "pk", None)).exists():
        errors["name"].append(f"本支部已有党小组“{name}”")
    outsiders = [m.name for m in members if m.organization_id != branch.pk]
    if outsiders:
        errors["members"].append(f"以下人员不是本支部党员：{'、'.join(outsiders)}")
    taken = (PartyGroup.members.through.objects.filter(member__in=members, partygroup__branch=branch)
             .exclude(partygroup=getattr(instance, "pk", None)).select_related("member", "partygroup"))
    for row in taken:
        errors["members"].append(f"{row.member.name}已编入党小组“{row.partygroup.name}”，一名党员只编入一个党小组")
    if leader is not None and leader not in members:
        errors["leader"].append("党小组组长须是本小组成员")
    _raise_if(errors)


@transaction.atomic(durable=True)
def create_party_group(*, actor: Actor, branch: Organization, name: str, members: Iterable[Member] = (),
                       leader: Member | None = None) -> PartyGroup:
    members = list(members)
    check_party_group(branch=branch, name=name, members=members, leader=leader)
    group = PartyGroup.objects.create(branch=branch, name=name, leader=leader)
    group.members.set(members)
    _check_user_may_change(group, actor)
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=group,
                 changes={"name": [None, name], "members": [None, sorted(m.name for m in members)],
                          "leader": [None, str(leader) if leader else None]})
    return group


@transaction.atomic(durable=True)
def update_party_group(group: PartyGroup, *, actor: Actor, name: str, members: Iterable[Member],
                       leader: Member | None = None) -> PartyGroup:
    group = PartyGroup.objects.select_for_update().get(pk=group.pk)
    members = list(members)
    check_party_group(branch=group.branch, name=name, members=members, leader=leader, instance=group)
    before = {"name": group.name, "members": sorted(m.name for m in group.members.all()),
              "leader": str(group.leader) if group.leader else None}
    group.name, group.leader = name, leader
    group.save()
    group.members.set(members)
    after = {"name": name, "members": sorted(m.name for m in members), "leader": str(leader) if leader else None}
    changes = audit.diff(before, after)
    if changes:
        audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=group, changes=changes)
    return group


@transaction.atomic(durable=True)
def delete_party_group(group: PartyGroup, *, actor: Actor) -> None:
    group = PartyGroup.objects.select_for_update().get(pk=group.pk)
    if group.activities.exists():
        raise ValidationError({"__all__": [f"党小组“{group.name}”已有活动记录，不能删除"]})
    audit.record(actor=actor, action=AuditLog.Action.DELETED, obj=group, changes={"name": [group.name, None]})
    group.delete()
