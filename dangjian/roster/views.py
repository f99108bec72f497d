"""名册导入导出: upload → 预检 (dry run) → 导入, fault table and fault workbook, export, template.

The uploaded file waits between the two steps in a per-user file under VAR_DIR/uploads (never
in the session), with the 预检's faults beside it; it is deleted after a successful import.
"""
from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core import roles
from dangjian.core.actor import Actor
from dangjian.core.excel import xlsx_response
from dangjian.core.scope import get_for_user_or_404
from dangjian.core.views_helpers import htmx_redirect
from dangjian.jobs.progress import jobs_dir
from dangjian.jobs.runner import submit

from . import jobs as roster_jobs

from .engine import export_workbook, faults_workbook, import_workbook, template_workbook
from .forms import RosterUploadForm
from .sheets import Fault, scope_model

IMPORT_ROLES = roles.SUPERVISOR_ROLES
EXPORT_ROLES = roles.STAFF_ROLES
FAULTS_PER_PAGE = 50


def import_scope(user):
    """The subtree an importing user writes into: None (everywhere) for the county administrator."""
    if not roles.has_role(user, IMPORT_ROLES):
        raise PermissionDenied("只有县委组织部管理员和乡镇（街道）组织员可以导入名册")
    if roles.is_county_admin(user):
        return None
    if user.organization_id is None:
        raise PermissionDenied("您的账号没有设置管理范围，不能导入名册")
    return user.organization


# --- the per-user pending upload ----------------------------------------------------------------

def _upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "uploads"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _private_write(path: Path, data_chunks) -> None:
    """Write a file only its owner may read (0600), whatever the umask; it holds full ID numbers."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in data_chunks:
            out.write(chunk)


def purge_expired_uploads(now: float | None = None) -> int:
    """Delete pending uploads (and their check results) older than the rule setting
    ``roster.pending_upload_minutes``: a roster that failed its check or was never confirmed does not
    stay on disk. Runs on every visit of the import pages and from ``purge_pending_uploads``."""
    from dangjian.core.rules import get_setting

    from .rules import PENDING_MINUTES_KEY

    limit = (now or time.time()) - get_setting(PENDING_MINUTES_KEY) * 60
    removed = 0
    for path in _upload_dir().glob("roster-user*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def _pending_paths(user) -> tuple[Path, Path]:
    base = _upload_dir() / f"roster-user{user.pk}"
    return base.with_suffix(".xlsx"), base.with_suffix(".json")


def _save_pending(user, uploaded) -> None:
    xlsx, meta = _pending_paths(user)
    _private_write(xlsx, uploaded.chunks())
    meta.unlink(missing_ok=True)


def _write_meta(user, **data) -> None:
    _, meta = _pending_paths(user)
    _private_write(meta, [json.dumps(data, ensure_ascii=False).encode()])


def _read_meta(user) -> dict | None:
    xlsx, meta = _pending_paths(user)
    if not xlsx.exists() or not meta.exists():
        return None
    try:
        return json.loads(meta.read_text())
    except ValueError:
        return None


def _discard_pending(user) -> None:
    for p in _pending_paths(user):
        p.unlink(missing_ok=True)


# --- views ------------------------------------------------------------------------------------

def _render_result(request, context):
    template = "roster/partials/result.html" if request.htmx else "roster/import.html"
    if not request.htmx:
        context.setdefault("form", RosterUploadForm())
        context.update(_page_context(request))
    return render(request, template, context)


def _page_context(request) -> dict:
    scope = import_scope(request.user)
    return {"scope_org": scope, "limit_mb": settings.DANGJIAN_UPLOAD_MAX_BYTES // (1024 * 1024)}


def _fault_context(request, meta: dict) -> dict:
    faults = [Fault(**f) for f in meta.get("faults", [])]
    file_faults = [f for f in faults if not f.sheet]
    cell_faults = [f for f in faults if f.sheet]
    # Row by row within each sheet (checks across rows, such as unknown organisations, come last
    # from the engine); sheets stay in the order the engine met them.
    sheet_order = {name: i for i, name in reversed(list(enumerate(f.sheet for f in cell_faults)))}
    cell_faults.sort(key=lambda f: (sheet_order[f.sheet], f.row))
    page = Paginator(cell_faults, FAULTS_PER_PAGE).get_page(request.GET.get("page"))
    return {"filename": meta.get("filename", ""), "file_faults": file_faults, "fault_page": page,
            "fault_total": len(cell_faults), "counts": meta.get("counts", {}), "checked": True,
            "warnings": [Fault(**w) for w in meta.get("warnings", [])]}


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    scope_org = import_scope(request.user)
    purge_expired_uploads()
    if request.method == "GET":
        meta = _read_meta(request.user)
        if request.htmx and request.GET.get("page") and meta:
            return render(request, "roster/partials/result.html", _fault_context(request, meta))
        context = {"form": RosterUploadForm(), **_page_context(request)}
        if meta and meta.get("faults"):
            context.update(_fault_context(request, meta))
        return render(request, "roster/import.html", context)

    if request.POST.get("step") == "import":
        return _run_import(request, scope_org)

    # Refuse a far too large upload from its declared length, before Django spools it to disk.
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > settings.DANGJIAN_UPLOAD_MAX_BYTES + 1024 * 1024:
        limit = settings.DANGJIAN_UPLOAD_MAX_BYTES // (1024 * 1024)
        return _render_result(request, {"form_errors": [
            f"文件太大，超过上限 {limit} MB。请把名册拆成几个工作簿分批导入。"]})
    form = RosterUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        # 200 with the message (htmx swaps only successful responses into the page).
        return _render_result(request, {"form": form, "form_errors": form.errors.get("file", [])})
    uploaded = form.cleaned_data["file"]
    _save_pending(request.user, uploaded)
    xlsx, _ = _pending_paths(request.user)
    result = import_workbook(xlsx, actor=Actor.from_request(request), scope_org=scope_org, dry_run=True,
                             filename=uploaded.name)
    meta = {"filename": uploaded.name, "faults": [asdict(f) for f in result.faults], "counts": result.counts,
            "warnings": [asdict(w) for w in result.warnings],
            "checked_at": timezone.now().isoformat()}
    _write_meta(request.user, **meta)
    if not result.ok and all(not f.sheet for f in result.faults):
        # The file itself is unusable (no sheets, no data): nothing to correct row by row.
        _discard_pending(request.user)
    return _render_result(request, _fault_context(request, meta) | {"ready": result.ok})


def _run_import(request, scope_org):
    """确认导入: the checked upload becomes a background job (``roster.jobs``); the user follows
    its progress on the job's page, which survives a reload."""
    meta = _read_meta(request.user)
    if meta is None or meta.get("faults"):
        messages.error(request, "请先上传名册并通过预检，再点“导入”")
        return _redirect(request)
    xlsx, _ = _pending_paths(request.user)
    filename = meta.get("filename", "")
    job_input = f"roster-import-{uuid.uuid4().hex}.xlsx"
    shutil.move(str(xlsx), str(jobs_dir() / job_input))
    _discard_pending(request.user)
    job = submit(owner=request.user, kind=roster_jobs.KIND, label=f"导入名册“{filename}”",
                 handler=roster_jobs.HANDLER,
                 params={"input": job_input, "filename": filename, "ip": Actor.from_request(request).ip_address})
    if job.status == job.Status.SUCCEEDED:
        messages.success(request, job.message)
    elif job.status == job.Status.FAILED:
        messages.error(request, job.message)
    else:
        messages.info(request, f"已提交后台导入“{filename}”，进度显示在下面；也可以离开本页，稍后在“我的任务”中查看。")
    return htmx_redirect(request, reverse("jobs:detail", args=[job.pk]))


def _redirect(request):
    return htmx_redirect(request, reverse("roster:import"))


@login_required
@require_GET
def faults_xlsx(request):
    import_scope(request.user)
    purge_expired_uploads()
    meta = _read_meta(request.user)
    if not meta or not meta.get("faults"):
        raise Http404("没有待处理的错误清单")
    xlsx, _ = _pending_paths(request.user)
    content = faults_workbook(xlsx, [Fault(**f) for f in meta["faults"]])
    stem = Path(meta.get("filename") or "名册").stem
    return xlsx_response(content, f"{stem}-错误说明.xlsx")


@login_required
@require_GET
def export(request):
    if not roles.has_role(request.user, EXPORT_ROLES):
        raise PermissionDenied("党员账号不能导出名册")
    scope_org = None
    if request.GET.get("org"):
        try:
            pk = int(request.GET["org"])
        except ValueError:
            raise Http404("党组织不存在") from None
        scope_org = get_for_user_or_404(scope_model().objects, request.user, pk=pk)
    content = export_workbook(request.user, scope_org, actor=Actor.from_request(request))
    label = scope_org.name if scope_org else (request.user.organization.name if request.user.organization_id else "名册")
    response = xlsx_response(content, f"党建基础信息表-{label}-{timezone.localdate():%Y%m%d}.xlsx")
    response.audited = True  # export_workbook wrote the exported row
    return response


@login_required
@require_POST
def export_job(request):
    """导出名册 in the background (a large county's roster): the file waits on the job's page."""
    if not roles.has_role(request.user, EXPORT_ROLES):
        raise PermissionDenied("党员账号不能导出名册")
    job = submit(owner=request.user, kind=roster_jobs.EXPORT_KIND, label="导出名册（管理范围内全部）",
                 handler=roster_jobs.EXPORT_HANDLER, params={"ip": Actor.from_request(request).ip_address})
    return htmx_redirect(request, reverse("jobs:detail", args=[job.pk]))


@login_required
@require_GET
def template(request):
    import_scope(request.user)
    return xlsx_response(template_workbook(), "党建基础信息表-空白模板.xlsx")
