"""Writes of the reports app: the county's sentence template (one audited row per changed section)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from dangjian.core import audit, roles
from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog

from . import templating
from .models import ReportTemplate


def _is_county_admin(user) -> bool:
    return user is None or roles.is_county_admin(user)  # None: a command run by the system


@transaction.atomic(durable=True)
def update_template(texts: dict[str, str], *, actor: Actor) -> list[str]:
    """Save the sections whose text changed; returns their keys. Unknown placeholders are refused
    (ValidationError naming the section); a text equal to the default removes the county's row."""
    if not _is_county_admin(actor.user):
        raise PermissionDenied("只有县委组织部管理员可以修改工作汇报模板")
    texts = {k: (v or "").replace("\r\n", "\n").strip() for k, v in texts.items() if k in templating.SECTION_KEYS}
    templating.validate(texts)
    rows = {r.key: r for r in ReportTemplate.objects.select_for_update().filter(key__in=list(texts))}
    changed = []
    for key, text in texts.items():
        row = rows.get(key)
        old = row.text if row else templating.DEFAULTS[key]
        if old == text:
            continue
        if text == templating.DEFAULTS[key]:
            row.delete()
            obj_repr = next(s.label for s in templating.SECTIONS if s.key == key)
            audit.record(actor=actor, action=AuditLog.Action.CHANGED, object_type="reports.reporttemplate",
                         object_id=key, object_repr=f"工作汇报模板：{obj_repr}", changes={"text": [old, text]},
                         note="恢复默认内容")
        else:
            if row is None:
                row = ReportTemplate(key=key)
            row.text = text
            row.save()
            audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=row,
                         object_repr=f"工作汇报模板：{row}", changes={"text": [old, text]})
        changed.append(key)
    return changed
