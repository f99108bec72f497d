"""Full ID and phone numbers: masked everywhere, unmasked only through ``reveal``, which logs it.

Pages, prints, Word forms, letters and exports show ``crypto.mask_id_number``/``mask_phone`` by
default. Where the county's organisation department needs the whole number, the page offers the same
"显示完整号码" button as the member page (``core/partials/reveal.html`` posting to a view that calls
``reveal_response``), and documents and exports take ``?full=1`` (``wants_full``); either way the
number passes through ``reveal``, which writes the ``viewed_pii`` audit row in the same transaction.
Nothing else in the code base returns a full number to a user.
"""
from __future__ import annotations

from typing import Any, Optional

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.html import format_html

from . import audit
from .actor import Actor
from .models import AuditLog

LABELS = {"id_number": "公民身份号码", "phone": "手机号码", "contact": "联系电话"}


def may_unmask(user) -> bool:
    return bool(getattr(user, "may_view_full_pii", False))


@transaction.atomic
def reveal(value: Optional[str], *, actor: Actor, obj: Optional[models.Model] = None, field: str = "id_number",
           where: str = "", object_type: str = "", object_repr: str = "", scope_path: str = "",
           count: int = 1) -> Optional[str]:
    """Return ``value`` (a full number) and write that ``actor`` saw it: the one way a full number
    leaves the platform. ``where`` names the page, form or export; ``count`` the numbers in an export."""
    label = LABELS.get(field, field)
    note = f"查看完整{label}" + (f"（{where}）" if where else "") + (f"，共 {count} 条" if count != 1 else "")
    audit.record(actor=actor, action=AuditLog.Action.VIEWED_PII, obj=obj, object_type=object_type or None,
                 object_repr=object_repr, scope_path=scope_path, note=note)
    return value


def wants_full(request) -> bool:
    """``?full=1`` on a document or export, from a user who may see full numbers (403 for others)."""
    if request.GET.get("full") != "1":
        return False
    if not may_unmask(request.user):
        raise PermissionDenied("仅县委组织部管理员可以查看完整号码")
    return True


def reveal_response(request, *, value: Optional[str], obj: models.Model, field: str, where: str,
                    back_url: str = "") -> HttpResponse:
    """The POST answer of a "显示完整号码" button: the full number (htmx swaps it in), audited."""
    if not may_unmask(request.user):
        raise PermissionDenied("仅县委组织部管理员可以查看完整号码")
    value = reveal(value, actor=Actor.from_request(request), obj=obj, field=field, where=where)
    if request.htmx:
        return HttpResponse(format_html('<span class="font-monospace fw-bold" id="pii-{}-{}">{}</span>',
                                        field, obj.pk, value or "（未登记）"))
    return render(request, "core/reveal.html", {"obj": obj, "value": value, "label": LABELS.get(field, field),
                                                "back_url": back_url})


def masked_or_full(value: Any, masked: Any, full: bool) -> Any:
    return value if full else masked
