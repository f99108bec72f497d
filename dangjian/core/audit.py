"""Writing the audit trail. Called by services inside their transaction, never by signals."""
from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Iterable

from django.db import models

from .actor import Actor
from .models import AuditLog


def plain(value: Any) -> Any:
    """A value as the audit trail stores it (JSON): objects by their name, dates ISO, decimals as text."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The audited fields of an object as plain JSON values (foreign keys by their name)."""
    return {name: plain(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value differs."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: Any = "",
    object_repr: str = "",
    scope_path: str = "",
    changes: dict | None = None,
    note: str = "",
) -> AuditLog:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk
        object_repr = object_repr or str(obj)
        scope_path = scope_path or getattr(obj, "audit_scope_path", "") or ""
    return AuditLog.objects.create(
        actor=actor.user,
        actor_name=actor.display_name,
        ip_address=actor.ip_address,
        via=actor.via,
        action=action,
        object_type=object_type or "",
        object_id=str(object_id or ""),
        object_repr=object_repr[:255],
        scope_path=scope_path,
        changes={k: [plain(v[0]), plain(v[1])] for k, v in (changes or {}).items()},
        note=note,
    )


def audit_entry(**kwargs) -> AuditLog:
    """An unsaved row, for bulk writers such as the roster import."""
    actor: Actor = kwargs.pop("actor")
    return AuditLog(
        actor=actor.user, actor_name=actor.display_name, ip_address=actor.ip_address, via=actor.via, **kwargs
    )
