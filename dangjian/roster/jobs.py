"""The roster import as a background job (``dangjian.jobs``): the web upload's 确认导入.

The uploaded workbook has passed its 预检; the job checks it again (the register may have changed
in between) and writes it in the engine's one durable transaction, reporting rows checked and rows
written. Faults: nothing is written, the job fails with the count, and its result file is the fault
workbook (错误说明). A killed worker leaves nothing either: its transaction dies with it.
"""
from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied

from dangjian.core.actor import Actor
from dangjian.jobs.progress import jobs_dir
from dangjian.jobs.runner import JobFailed, JobOutcome

from .engine import faults_workbook, import_workbook

HANDLER = "dangjian.roster.jobs.import_job"
KIND = "roster_import"


def import_job(job, reporter) -> JobOutcome:
    from .views import import_scope

    params = job.params
    path = jobs_dir() / Path(params.get("input", "")).name
    filename = params.get("filename", "")
    if not params.get("input") or not path.exists():
        raise JobFailed("上传的名册文件已不存在（可能已被清理），没有导入任何数据。请重新上传。")
    try:
        scope_org = import_scope(job.owner)
    except PermissionDenied as err:
        raise JobFailed(f"{err}，没有导入任何数据。") from None
    actor = Actor(user=job.owner, ip_address=params.get("ip"), via="web")
    result = import_workbook(path, actor=actor, scope_org=scope_org, filename=filename,
                             progress=reporter.roster_callback)
    if not result.ok:
        content = faults_workbook(path, result.faults)
        first = result.faults[0]
        where = "，".join(filter(None, [first.sheet, f"第{first.row}行" if first.row else "", first.column]))
        raise JobFailed(
            f"发现 {len(result.faults)} 处错误，没有导入任何数据。第一处：{where + '：' if where else ''}{first.message}"
            "。请下载错误清单改正后重新上传。",
            result={"faults": [f.__dict__ for f in result.faults[:200]], "fault_total": len(result.faults)},
            file=content, file_name=f"{Path(filename or '名册').stem}-错误说明.xlsx")
    written = sum(result.rows_read.values())
    note = ""
    if result.warnings:
        note = f"。另有 {len(result.warnings)} 条提示（不影响导入）：" + "；".join(
            f"{w.sheet}第{w.row}行 {w.message}" for w in result.warnings[:10]) + ("……" if len(result.warnings) > 10 else "")
    return JobOutcome(message=f"导入完成（{filename}）：{result.summary()}{note}",
                      result={"counts": result.counts, "warnings": [w.__dict__ for w in result.warnings[:200]]},
                      written=written)


EXPORT_HANDLER = "dangjian.roster.jobs.export_job"
EXPORT_KIND = "roster_export"


def export_job(job, reporter) -> JobOutcome:
    """The whole roster of the owner's scope, as the download of 导出名册 would give it (masked
    numbers unless the owner may see them in full), written in the background for a large county."""
    from django.utils import timezone

    from .engine import export_workbook

    user = job.owner
    reporter.update("导出中")
    actor = Actor(user=user, ip_address=job.params.get("ip"), via="web")
    content = export_workbook(user, None, actor=actor)
    label = user.organization.name if user.organization_id else "名册"
    return JobOutcome(message="导出完成，请下载。", file=content,
                      file_name=f"党建基础信息表-{label}-{timezone.localdate():%Y%m%d}.xlsx")
