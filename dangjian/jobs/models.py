"""A background job as its owner sees it: what, whose, how far, and how it ended.

The task itself runs through Django's task API (``django_tasks``; the database backend
``django_tasks_db`` by default). This row is the platform's own record of it: the owner, a Chinese
label, the final counts, the result file and, when it failed, why — in Chinese. While a job runs its
live progress and heartbeat are a small file beside it (``dangjian.jobs.progress``), so that a
progress update never waits for the import's write transaction.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models

from dangjian.core.scope import ScopedQuerySet


class JobQuerySet(ScopedQuerySet):
    def scope_filter(self, user, action: str):
        # A job is its owner's; the county administrator (whose scope is the whole county) may also
        # open anyone's, e.g. to help an organiser with a failed import.
        if getattr(user, "role", "") == "county_admin":
            return self
        return self.filter(owner=user)


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        SUCCEEDED = "succeeded", "已完成"
        FAILED = "failed", "失败"

    FINISHED = (Status.SUCCEEDED, Status.FAILED)

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs",
                              verbose_name="提交人")
    kind = models.CharField("类型", max_length=40)
    label = models.CharField("任务", max_length=200)
    handler = models.CharField("处理函数", max_length=200)
    params = models.JSONField("参数", default=dict)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.QUEUED)
    task_id = models.CharField("任务编号", max_length=64, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    total = models.PositiveIntegerField("总行数", default=0)
    checked = models.PositiveIntegerField("已检查", default=0)
    written = models.PositiveIntegerField("已写入", default=0)
    message = models.TextField("结果说明", blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    result_file = models.CharField("结果文件", max_length=200, blank=True)
    result_name = models.CharField("结果文件名", max_length=200, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        indexes = [models.Index(fields=["owner", "-created_at"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.label

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED


class WorkerHeartbeat(models.Model):
    """One row per task worker process, refreshed every few seconds (``manage.py run_worker``)."""

    worker_id = models.CharField("进程", max_length=100, unique=True)
    hostname = models.CharField("主机", max_length=100, blank=True)
    pid = models.PositiveIntegerField("进程号", default=0)
    started_at = models.DateTimeField("启动时间")
    seen_at = models.DateTimeField("最近心跳")

    class Meta:
        verbose_name = "后台进程心跳"
        verbose_name_plural = verbose_name
