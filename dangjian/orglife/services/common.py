"""Helpers shared by the services of organisational life."""
from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied

from dangjian.core import audit
from dangjian.core.actor import Actor
from dangjian.core.scope import ACT_FOR, ensure_in_scope
from dangjian.register.models import Organization


def snapshot(obj, fields) -> dict[str, Any]:
    """audit.snapshot, with times as HH:MM (JSON has no time type)."""
    snap = audit.snapshot(obj, fields)
    return {k: v.strftime("%H:%M") if isinstance(v, datetime.time) else v for k, v in snap.items()}


def _ensure_branch_in_scope(branch: Organization, actor: Actor) -> None:
    """The branch's own staff and the staff above it act for the branch."""
    user = actor.user
    if user is None:
        return
    if not Organization.objects.for_user(user, ACT_FOR).filter(pk=branch.pk).exists():
        raise PermissionDenied("只能以本人管理范围内党支部的名义操作")


def _check_user_may_change(obj, actor: Actor) -> None:
    if actor.user is not None:
        ensure_in_scope(obj, actor.user)


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)
