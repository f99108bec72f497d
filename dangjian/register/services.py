"""Every write to the register: one transaction, the acting user explicit, the audit row inside.

Views, the API and commands call these. The one other writer is the roster import
(``register.roster_sheets``), which writes a whole workbook in bulk for speed (100,000 members in one
transaction, one audit row per object) and judges every row by the same ``register.rules`` functions
these services call, so a rule and its message live once. ``check_*`` functions validate and raise
``ValidationError`` with field-keyed Chinese messages; ``create_*``/``update_*``/``move_*`` validate then act.
"""
from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.core import audit, roles
from dangjian.core.actor import Actor
from dangjian.core.dates import today  # one today(); tests and demos patch services.today
from dangjian.core.validation import raise_if as _raise_if
from dangjian.core.models import AuditLog
from dangjian.core.scope import ensure_in_scope

from . import figures, rules
from .models import Division, Member, Organization
from .vocab import MemberStatus

DIVISION_FIELDS = ("name", "category", "parent")




# --- Divisions -------------------------------------------------------------------------------

def check_division(*, name: str, category: str, parent: Division | None, instance: Division | None = None) -> None:
    errors: dict[str, list[str]] = {"name": [], "category": [], "parent": []}
    if not name:
        errors["name"].append("名称不能为空")
    elif Division.objects.filter(name=name).exclude(pk=getattr(instance, "pk", None)).exists():
        errors["name"].append(f"行政区划“{name}”已存在")
    errors["parent"] += rules.check_division_parent(category, parent.category if parent is not None else None,
                                                    has_parent=parent is not None)
    if instance is not None and parent is not None and instance.pk and parent.is_descendant_of(instance, include_self=True):
        errors["parent"] += rules.check_not_below_itself("行政区划")
    _raise_if(errors)


@transaction.atomic(durable=True)
def create_division(*, actor: Actor, name: str, category: str, parent: Division | None) -> Division:
    check_division(name=name, category=category, parent=parent)
    division = Division(name=name, category=category)
    division.assign_path(parent)
    division.save()
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=division,
                 changes=audit.diff({}, audit.snapshot(division, DIVISION_FIELDS)))
    return division


@transaction.atomic(durable=True)
def update_division(division: Division, *, actor: Actor, name: str, category: str, parent: Division | None) -> Division:
    division = Division.objects.select_for_update().get(pk=division.pk)
    check_division(name=name, category=category, parent=parent, instance=division)
    before = audit.snapshot(division, DIVISION_FIELDS)
    if (parent.pk if parent else None) != division.parent_id:
        division.move_subtree(parent)
    division.name, division.category = name, category
    division.save(update_fields=["name", "category"])
    division.refresh_from_db()
    changes = audit.diff(before, audit.snapshot(division, DIVISION_FIELDS))
    if changes:
        action = AuditLog.Action.MOVED if "parent" in changes else AuditLog.Action.CHANGED
        audit.record(actor=actor, action=action, obj=division, changes=changes)
    return division


# --- Organisations ---------------------------------------------------------------------------

def check_organization(
    *, name: str, org_type: str, parent: Organization | None, instance: Organization | None = None,
    founded_on: datetime.date | None = None, term_ends_on: datetime.date | None = None,
) -> None:
    errors: dict[str, list[str]] = {"name": [], "parent": [], "founded_on": [], "term_ends_on": []}
    if not name:
        errors["name"].append("组织名称不能为空")
    elif Organization.objects.filter(name=name).exclude(pk=getattr(instance, "pk", None)).exists():
        errors["name"].append(f"党组织“{name}”已存在")
    errors["parent"] += rules.check_org_parent(org_type, parent.org_type if parent else None)
    if instance is not None and instance.pk and parent is not None and parent.is_descendant_of(instance, include_self=True):
        errors["parent"] += rules.check_not_below_itself("党组织")
    if parent is not None:
        errors["parent"] += rules.check_parent_organization_active(parent.name, parent.is_active)
    errors["founded_on"] += rules.check_not_future("成立日期", founded_on, today())
    errors["term_ends_on"] += rules.check_term_dates(founded_on, term_ends_on)
    if instance is not None and instance.pk and instance.org_type != org_type:
        errors["org_type"] = rules.check_org_type_change(
            org_type, instance.children.order_by("path").values_list("name", "org_type"))
    _raise_if(errors)


ORG_EDITABLE = ("name", "org_type", "unit_type", "division", "founded_on", "term_ends_on", "secretary_name")


@transaction.atomic(durable=True)
def create_organization(*, actor: Actor, parent: Organization | None, **fields: Any) -> Organization:
    check_organization(name=fields.get("name", ""), org_type=fields["org_type"], parent=parent,
                       founded_on=fields.get("founded_on"), term_ends_on=fields.get("term_ends_on"))
    org = Organization(**fields)
    org.assign_path(parent)
    org.save()
    if actor.user is not None:
        ensure_in_scope(org, actor.user)
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=org,
                 changes=audit.diff({}, audit.snapshot(org, Organization.AUDITED_FIELDS + ("parent",))))
    return org


@transaction.atomic(durable=True)
def update_organization(org: Organization, *, actor: Actor, **fields: Any) -> Organization:
    org = Organization.objects.select_for_update().get(pk=org.pk)
    merged = {name: fields.get(name, getattr(org, name)) for name in ORG_EDITABLE}
    check_organization(name=merged["name"], org_type=merged["org_type"], parent=org.parent, instance=org,
                       founded_on=merged["founded_on"], term_ends_on=merged["term_ends_on"])
    before = audit.snapshot(org, Organization.AUDITED_FIELDS)
    for name, value in merged.items():
        setattr(org, name, value)
    org.save()
    changes = audit.diff(before, audit.snapshot(org, Organization.AUDITED_FIELDS))
    if changes:
        audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=org, changes=changes)
    return org


@transaction.atomic(durable=True)
def move_organization(org: Organization, *, actor: Actor, new_parent: Organization) -> Organization:
    org = Organization.objects.select_for_update().get(pk=org.pk)
    if org.parent_id == new_parent.pk:
        return org
    check_organization(name=org.name, org_type=org.org_type, parent=new_parent, instance=org)
    old_parent, old_path = org.parent, org.path
    org.move_subtree(new_parent)
    org.refresh_from_db()
    figures.subtree_moved(old_path, org.path)
    if actor.user is not None:
        ensure_in_scope(org, actor.user)
    audit.record(actor=actor, action=AuditLog.Action.MOVED, obj=org,
                 changes={"parent": [str(old_parent) if old_parent else None, str(new_parent)]})
    return org


@transaction.atomic(durable=True)
def set_organization_active(org: Organization, *, actor: Actor, active: bool, reason: str = "") -> Organization:
    org = Organization.objects.select_for_update().get(pk=org.pk)
    if org.is_active == active:
        return org
    if not active:
        if Member.objects.filter(organization=org, status=MemberStatus.NORMAL).exists():
            raise ValidationError({"is_active": ["该组织仍有党员，请先将党员转出再停用"]})
        if Organization.objects.filter(parent=org, is_active=True).exists():
            raise ValidationError({"is_active": ["该组织仍有正常运行的下级党组织，不能停用"]})
    org.is_active = active
    org.save(update_fields=["is_active", "updated_at"])
    audit.record(actor=actor, action=AuditLog.Action.RESTORED if active else AuditLog.Action.SUSPENDED, obj=org,
                 changes={"is_active": [not active, active]}, note=reason)
    return org


@transaction.atomic(durable=True)
def delete_organization(org: Organization, *, actor: Actor) -> None:
    org = Organization.objects.select_for_update().get(pk=org.pk)
    errors = []
    if Member.objects.filter(organization=org).exists():
        errors.append("该组织仍有党员（含停止党籍人员），不能删除")
    if Organization.objects.filter(parent=org).exists():
        errors.append("该组织仍有下级党组织，不能删除")
    if org.users.exists():
        errors.append("该组织仍有关联的用户账号，不能删除")
    if errors:
        raise ValidationError({"__all__": errors})
    audit.record(actor=actor, action=AuditLog.Action.DELETED, obj=org,
                 changes=audit.diff(audit.snapshot(org, Organization.AUDITED_FIELDS), {}))
    from django.db.models import ProtectedError

    try:
        org.delete()
    except ProtectedError as exc:
        # Other records (a transfer, a ledger row, a cadre) still name it: it stays, and may be suspended.
        kinds = sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects})
        raise ValidationError({"__all__": [f"该组织仍被其他业务记录引用（{'、'.join(kinds)}），不能删除；可改为停用"]}) from None


# --- Members ---------------------------------------------------------------------------------

MEMBER_EDITABLE = (
    "name", "sex", "ethnicity", "birth_date", "education", "occupation", "organization", "joined_on", "full_on",
    "is_floating", "under_party_probation",
)


def check_member(data: dict[str, Any], *, instance: Member | None = None, on: datetime.date | None = None) -> None:
    """Validate a member's fields as a whole; raises ValidationError keyed by model field name."""
    on = on or today()
    errors: dict[str, list[str]] = {}

    def add(field, messages):
        if messages:
            errors.setdefault(field, []).extend(messages)

    id_number = rules.normalise_id_number(data.get("id_number", ""))
    if not data.get("name"):
        add("name", ["姓名不能为空"])
    add("id_number", rules.check_id_number(id_number, data.get("birth_date"), data.get("sex")))
    if id_number and "id_number" not in errors:
        clash = Member.objects.with_id_number(id_number).exclude(pk=getattr(instance, "pk", None))
        add("id_number", rules.check_id_number_free(clash.exists()))
    add("phone", rules.check_mobile(data.get("phone") or ""))
    add("birth_date", rules.check_not_future("出生日期", data.get("birth_date"), on))
    add("joined_on", rules.check_not_future("入党日期", data.get("joined_on"), on))
    add("full_on", rules.check_not_future("转正日期", data.get("full_on"), on))
    if data.get("birth_date") and data.get("joined_on"):
        add("joined_on", rules.check_joining_age(data["birth_date"], data["joined_on"]))
    if data.get("joined_on"):
        add("full_on", rules.check_probation(data["joined_on"], data.get("full_on")))
    org = data.get("organization")
    if org is not None:
        add("organization", rules.check_member_organization(org.name, org.org_type, org.is_active))
    if errors:
        raise ValidationError(errors)


def _member_snapshot(member: Member) -> dict[str, Any]:
    snap = audit.snapshot(member, Member.AUDITED_FIELDS)
    # Audit the fact that a number changed without writing the number itself into the log.
    snap["id_number"] = member.id_number_masked
    snap["phone"] = member.phone_masked
    return snap


@transaction.atomic(durable=True)
def create_member(*, actor: Actor, **data: Any) -> Member:
    """A member entered by hand. A branch secretary enters full members only: a 预备党员 comes from the
    发展党员纪实 (step ⑮, ``create_member_in_transaction``) or is entered by an organiser or the county (the override)."""
    if actor.user is not None and roles.role_of(actor.user) == roles.SECRETARY:
        full_on = data.get("full_on")
        if full_on is None or full_on > today():
            raise ValidationError({"full_on": [
                "党支部不能直接登记预备党员：预备党员应经发展党员纪实（⑮支部大会讨论）产生；"
                "确需补登的，请由乡镇（街道）党（工）委组织员登记"]})
    _check_overdue(data.get("joined_on"), data.get("full_on"), data.get("status", MemberStatus.NORMAL))
    return create_member_in_transaction(actor=actor, **data)


def _check_overdue(joined_on, full_on, status) -> None:
    """Entered by hand (form, API): a probation over two years is an error (issue 14). The recruitment
    record's own steps (⑮ adds the member, extension, ㉔ 转正, cancellation) go through the
    *_in_transaction functions: the record governs the probation there."""
    if status == MemberStatus.NORMAL and joined_on:
        errors = rules.check_probation_overdue(joined_on, full_on, today())
        if errors:
            raise ValidationError({"full_on": errors})


def create_member_in_transaction(*, actor: Actor, **data: Any) -> Member:
    """create_member inside the caller's transaction (the public door for services that already hold one:
    e.g. recruitment step ⑮ 支部大会讨论 adds the new 预备党员 inside its own transaction)."""
    check_member(data)
    member = Member(**{k: v for k, v in data.items() if k in MEMBER_EDITABLE})
    member.id_number = rules.normalise_id_number(data["id_number"])
    member.phone = data.get("phone") or ""
    member.save()
    if actor.user is not None:
        ensure_in_scope(member, actor.user)
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=member, changes=audit.diff({}, _member_snapshot(member)))
    figures.organizations_changed([member.organization_id])
    return member


@transaction.atomic(durable=True)
def update_member(member: Member, *, actor: Actor, **data: Any) -> Member:
    _check_overdue(data.get("joined_on", member.joined_on), data["full_on"] if "full_on" in data else member.full_on,
                   data.get("status", member.status))
    return update_member_in_transaction(member, actor=actor, **data)


def update_member_in_transaction(member: Member, *, actor: Actor, **data: Any) -> Member:
    """update_member's body without its own transaction (e.g. recruitment step ㉔ sets 转正日期)."""
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    old_organization_id = member.organization_id
    merged = {name: data.get(name, getattr(member, name)) for name in MEMBER_EDITABLE}
    merged["id_number"] = data.get("id_number") or member.id_number
    merged["phone"] = data["phone"] if "phone" in data else member.phone
    check_member(merged, instance=member)
    before = _member_snapshot(member)
    for name in MEMBER_EDITABLE:
        setattr(member, name, merged[name])
    if rules.normalise_id_number(merged["id_number"]) != member.id_number:
        member.id_number = rules.normalise_id_number(merged["id_number"])
    if (merged["phone"] or "") != member.phone:
        member.phone = merged["phone"] or ""
    member.save()
    if actor.user is not None:
        ensure_in_scope(member, actor.user)
    changes = audit.diff(before, _member_snapshot(member))
    if changes:
        action = AuditLog.Action.MOVED if set(changes) == {"organization"} else AuditLog.Action.CHANGED
        audit.record(actor=actor, action=action, obj=member, changes=changes)
        figures.organizations_changed([old_organization_id, member.organization_id])
    return member


def delete_member_in_transaction(member: Member, *, actor: Actor, note: str = "") -> None:
    """Remove a member from the register inside the caller's transaction, with the audit row.

    Used when a 预备党员's membership is cancelled (取消预备党员资格): the person never became a
    member, and the recruitment file keeps the record of what happened.
    """
    from django.db.models import ProtectedError

    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    audit.record(actor=actor, action=AuditLog.Action.DELETED, obj=member,
                 changes=audit.diff(_member_snapshot(member), {}), note=note)
    figures.organizations_changed([member.organization_id])
    try:
        member.delete()
    except ProtectedError:
        raise ValidationError({"__all__": [f"党员“{member.name}”仍有其他业务记录引用，不能从党员名册中删除"]}) from None


@transaction.atomic(durable=True)
def move_member(member: Member, *, actor: Actor, organization: Organization, reason: str = "") -> Member:
    """A correction of the register; a real transfer between organisations is its own procedure."""
    return move_member_in_transaction(member, actor=actor, organization=organization, reason=reason)


def move_member_in_transaction(member: Member, *, actor: Actor, organization: Organization, reason: str = "") -> Member:
    """move_member inside the caller's transaction (the public door for services that already hold one:
    e.g. transfers: accepting a letter moves the member inside the transfer's transaction)."""
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    if member.organization_id == organization.pk:
        raise ValidationError({"organization": ["党员已在该党组织"]})
    refused = rules.check_member_organization(organization.name, organization.org_type, organization.is_active)
    if refused:
        raise ValidationError({"organization": refused})
    old = member.organization
    member.organization = organization
    member.save(update_fields=["organization", "updated_at"])
    if actor.user is not None:
        ensure_in_scope(member, actor.user)
    audit.record(actor=actor, action=AuditLog.Action.MOVED, obj=member,
                 changes={"organization": [str(old), str(organization)]}, note=reason)
    figures.organizations_changed([old.pk, organization.pk])
    return member


@transaction.atomic(durable=True)
def set_member_status(member: Member, *, actor: Actor, status: str, reason: str) -> Member:
    """停止党籍 or its restoration (恢复党籍), with the reason in the audit trail."""
    return set_member_status_in_transaction(member, actor=actor, status=status, reason=reason)


def set_member_status_in_transaction(member: Member, *, actor: Actor, status: str, reason: str) -> Member:
    """set_member_status's body without its own transaction (e.g. recruitment: 取消预备党员资格)."""
    if not reason:
        raise ValidationError({"reason": ["请填写原因"]})
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    if member.status == status:
        raise ValidationError({"status": [f"该党员党籍状态已是“{status}”"]})
    old = member.status
    member.status = status
    member.save(update_fields=["status", "updated_at"])
    action = AuditLog.Action.SUSPENDED if status == MemberStatus.SUSPENDED else AuditLog.Action.RESTORED
    audit.record(actor=actor, action=action, obj=member, changes={"status": [old, status]}, note=reason)
    figures.organizations_changed([member.organization_id])
    return member


@transaction.atomic(durable=True)
def reveal_member_pii(member: Member, *, actor: Actor, field: str) -> str:
    """Return the full number and write that it was seen: each full view is audited."""
    from dangjian.core import pii

    value = member.id_number if field == "id_number" else member.phone
    return pii.reveal(value, actor=actor, obj=member, field=field)
