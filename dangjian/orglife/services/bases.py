"""Bases of open organisational life."""
from __future__ import annotations

from typing import Any

from django.db import transaction

from dangjian.core import audit
from dangjian.core.actor import Actor
from dangjian.core.validation import raise_if as _raise_if
from dangjian.core.models import AuditLog
from dangjian.register.models import Organization

from .. import rules
from ..models import Base
from .common import _check_user_may_change, snapshot


# --- Bases -----------------------------------------------------------------------------------

BASE_FIELDS = ("kind", "name", "address", "capacity", "opens_at", "closes_at", "open_days", "theme", "contact_name",
               "contact_phone", "manager", "has_venue", "has_facilities", "has_sign", "has_flag", "has_materials",
               "has_rules", "is_active")


def check_base(fields: dict[str, Any], instance: Base | None = None) -> None:
    errors: dict[str, list[str]] = {"name": [], "capacity": [], "closes_at": [], "open_days": [], "address": []}
    name = fields.get("name") or ""
    if not name:
        errors["name"].append("名称不能为空")
    elif Base.objects.filter(name=name).exclude(pk=getattr(instance, "pk", None)).exists():
        errors["name"].append(f"基地“{name}”已登记")
    if not fields.get("address"):
        errors["address"].append("地址不能为空")
    if not fields.get("capacity") or fields["capacity"] < 1:
        errors["capacity"].append("可容纳人数须大于0")
    errors["closes_at"] += rules.check_times(fields.get("opens_at"), fields.get("closes_at"))
    days = fields.get("open_days") or ""
    if not days or any(d not in "1234567" for d in days):
        errors["open_days"].append("请至少选择一个开放日")
    _raise_if(errors)


@transaction.atomic(durable=True)
def create_base(*, actor: Actor, organization: Organization, **fields: Any) -> Base:
    fields = {k: fields[k] for k in BASE_FIELDS if k in fields}
    fields["open_days"] = "".join(sorted(set(fields.get("open_days") or "")))
    check_base(fields)
    base = Base.objects.create(organization=organization, **fields)
    _check_user_may_change(base, actor)
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=base,
                 changes=audit.diff({}, snapshot(base, Base.AUDITED_FIELDS)))
    return base


@transaction.atomic(durable=True)
def update_base(base: Base, *, actor: Actor, **fields: Any) -> Base:
    base = Base.objects.select_for_update().get(pk=base.pk)
    merged = {k: fields.get(k, getattr(base, k)) for k in BASE_FIELDS}
    merged["open_days"] = "".join(sorted(set(merged.get("open_days") or "")))
    check_base(merged, instance=base)
    before = snapshot(base, Base.AUDITED_FIELDS)
    for k, v in merged.items():
        setattr(base, k, v)
    base.save()
    changes = audit.diff(before, snapshot(base, Base.AUDITED_FIELDS))
    if changes:
        audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=base, changes=changes)
    return base
