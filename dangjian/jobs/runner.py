"""Submitting a job and running it: the one task every kind of job goes through.

``submit(owner=..., kind=..., label=..., handler="dotted.path", params={...})`` records a ``Job`` and
enqueues the ``run_job`` task on the configured task backend (``settings.TASKS``). The worker calls
the handler as ``handler(job, reporter)``; it returns a ``JobOutcome`` or raises ``JobFailed`` with a
Chinese reason. Any other exception fails the job with a generic Chinese reason (the traceback goes
to the log). A handler must write in one durable transaction, so that a failure — or a killed
worker — leaves nothing half-written.
"""
from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from . import progress
from .models import Job

logger = logging.getLogger("dangjian.jobs")

LOST_WORKER_MESSAGE = ("后台进程意外停止（超过 {lease} 秒没有心跳），任务没有完成，没有写入任何数据。"
                       "请重新提交；如多次出现，请联系系统管理员检查后台进程。")
UNEXPECTED_MESSAGE = "任务执行时出现意外错误，没有写入任何数据。请联系系统管理员（任务编号 {id}）。"


class JobFailed(Exception):
    """A handler's refusal: ``message`` (Chinese) is shown to the owner; ``result`` kept on the job."""

    def __init__(self, message: str, *, result: dict | None = None, file: bytes | None = None,
                 file_name: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.result = result or {}
        self.file = file
        self.file_name = file_name


@dataclass
class JobOutcome:
    message: str
    result: dict[str, Any] = field(default_factory=dict)
    file: bytes | None = None
    file_name: str = ""
    written: int | None = None


def submit(*, owner, kind: str, label: str, handler: str, params: dict | None = None) -> Job:
    job = Job.objects.create(owner=owner, kind=kind, label=label[:200], handler=handler, params=params or {})
    try:
        task_result = run_job.enqueue(job.pk)
    except Exception:
        logger.exception("could not enqueue job %s", job.pk)
        _finish(job, Job.Status.FAILED, "任务无法提交到后台队列，请稍后重试或联系系统管理员。")
        return job
    Job.objects.filter(pk=job.pk, task_id="").update(task_id=str(task_result.id))
    job.refresh_from_db()
    return job


def _save_file(job: Job, content: bytes, name: str) -> None:
    path = progress.jobs_dir() / f"job{job.pk}.result"
    path.write_bytes(content)
    job.result_file = path.name
    job.result_name = name[:200]


def _finish(job: Job, status: str, message: str, *, result=None, file=None, file_name="", written=None) -> None:
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    if result is not None:
        job.result = result
    if written is not None:
        job.written = written
    if file is not None:
        _save_file(job, file, file_name)
    job.save()


@task()
def run_job(job_id: int) -> dict:
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.status != Job.Status.QUEUED:
        return {"skipped": True}
    job.status = Job.Status.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    reporter = progress.Reporter(job.pk).start()
    try:
        outcome = import_string(job.handler)(job, reporter)
    except JobFailed as err:
        _keep_counts(job, reporter)
        _finish(job, Job.Status.FAILED, err.message, result=err.result, file=err.file, file_name=err.file_name)
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _keep_counts(job, reporter)
        _finish(job, Job.Status.FAILED, UNEXPECTED_MESSAGE.format(id=job.pk))
    else:
        _keep_counts(job, reporter)
        _finish(job, Job.Status.SUCCEEDED, outcome.message, result=outcome.result, file=outcome.file,
                file_name=outcome.file_name, written=outcome.written)
    finally:
        reporter.stop()
        _discard_input(job)
    return {"job": job.pk, "status": job.status}


def _discard_input(job: Job) -> None:
    """A job's uploaded input (``params["input"]``, a file name in the jobs directory) is not kept."""
    name = (job.params or {}).get("input")
    if name:
        (progress.jobs_dir() / str(name).replace("/", "").replace("\\", "")).unlink(missing_ok=True)


def _keep_counts(job: Job, reporter: progress.Reporter) -> None:
    job.total = reporter.state.get("total", 0)
    job.checked = reporter.state.get("checked", 0)
    job.written = reporter.state.get("written", 0)


def lease_seconds() -> int:
    return int(settings.DANGJIAN_JOB_LEASE_SECONDS)


def expire_stale_jobs(now: datetime.datetime | None = None) -> int:
    """Mark failed every running job whose heartbeat is older than the lease. Returns how many.

    A running job without a progress file is judged by its start time (its worker died before it
    wrote the first line). Called by the job pages, ``/healthz`` and every worker's heartbeat.
    """
    now = now or timezone.now()
    lease = lease_seconds()
    expired = 0
    for job in Job.objects.filter(status=Job.Status.RUNNING).only("pk", "started_at"):
        live = progress.read(job.pk)
        if live is not None:
            stale = live["age"] > lease
        else:
            stale = job.started_at is None or (now - job.started_at).total_seconds() > lease
        if not stale:
            continue
        updated = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
            status=Job.Status.FAILED, finished_at=now, message=LOST_WORKER_MESSAGE.format(lease=lease))
        if updated:
            expired += 1
            progress.progress_path(job.pk).unlink(missing_ok=True)
            _fail_task_row(job.pk)
            _discard_input(Job.objects.get(pk=job.pk))
    return expired


def _fail_task_row(job_id: int) -> None:
    """The database backend's own row of a lost job stays RUNNING forever; mark it failed too."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another backend
        return
    task_id = Job.objects.filter(pk=job_id).values_list("task_id", flat=True).first()
    if task_id:
        DBTaskResult.objects.filter(pk=task_id, status="RUNNING").update(
            status="FAILED", finished_at=timezone.now(), exception_class_path="dangjian.jobs.LostWorker",
            traceback="worker lost (heartbeat lease expired)")


def live_state(job: Job) -> dict:
    """What the progress bar shows: the file while running, else the job's final counts."""
    state = {"stage": job.get_status_display(), "total": job.total, "checked": job.checked, "written": job.written}
    if job.status == Job.Status.RUNNING:
        live = progress.read(job.pk)
        if live:
            state.update({k: live[k] for k in ("stage", "total", "checked", "written") if k in live})
    total = state["total"] or 0
    if job.status == Job.Status.SUCCEEDED:
        percent = 100
    elif total:
        # Checking is the first half of the bar, writing the second.
        percent = int(50 * min(state["checked"], total) / total + 50 * min(state["written"], total) / total)
    else:
        percent = 0
    state["percent"] = min(percent, 100)
    return state
