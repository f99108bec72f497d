"""The one export helper: the ``exported`` audit row of a file the platform hands out.

``AuditExportsMiddleware`` calls ``record_export`` for every .xlsx/.docx answer, so every export of
every app is logged whether or not its view remembers to. A view that exported full numbers marks
the response with ``mark_full(response)``; the row then says so.
"""
from __future__ import annotations

from urllib.parse import unquote

from django.urls import Resolver404, resolve

from . import audit
from .actor import Actor
from .models import AuditLog


def mark_full(response):
    response.pii_full = True
    return response


def _filename(response) -> str:
    disposition = response.get("Content-Disposition", "")
    if "filename*=UTF-8''" in disposition:
        return unquote(disposition.split("filename*=UTF-8''", 1)[1].split(";")[0])
    if "filename=" in disposition:
        return disposition.split("filename=", 1)[1].split(";")[0].strip('"')
    return ""


def record_export(request, response) -> AuditLog:
    try:
        match = resolve(request.path_info)
        object_type = f"export:{match.view_name}"[:50]
    except Resolver404:
        object_type = "export"
    full = getattr(response, "pii_full", False)
    query = request.META.get("QUERY_STRING", "")
    note = ("含完整号码" if full else "号码已遮蔽") + f"；{request.path}" + (f"?{query}" if query else "")
    user = request.user
    return audit.record(actor=Actor.from_request(request), action=AuditLog.Action.EXPORTED,
                        object_type=object_type, object_repr=(_filename(response) or request.path)[:255],
                        scope_path=getattr(user, "scope_path", "") or "", note=note[:2000])
