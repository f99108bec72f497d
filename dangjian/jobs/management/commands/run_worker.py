"""``manage.py run_worker``: one task worker (``db_worker`` of django-tasks-db) with a heartbeat.

The heartbeat thread refreshes this process's ``WorkerHeartbeat`` row (what ``/healthz`` reports)
and marks failed the jobs whose own heartbeat has expired (a worker killed mid-job). Run as many
as the machine allows: each is one process taking one job at a time.
"""
from __future__ import annotations

import os
import socket
import threading
import uuid

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone


class Command(BaseCommand):
    help = "运行一个后台任务进程（带心跳）"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="队列为空时的轮询间隔（秒）")
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument("--batch", action="store_true", help="队列清空后退出")

    def handle(self, *args, interval, max_tasks, batch, **options):
        from dangjian.jobs.models import WorkerHeartbeat
        from dangjian.jobs.runner import expire_stale_jobs

        worker_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"[:64]
        stop = threading.Event()
        started = timezone.now()

        def beat_once():
            try:
                now = timezone.now()
                WorkerHeartbeat.objects.update_or_create(
                    worker_id=worker_id,
                    defaults={"hostname": socket.gethostname()[:100], "pid": os.getpid(), "started_at": started,
                              "seen_at": now})
                expire_stale_jobs(now)
            except DatabaseError:
                pass  # the database is busy (an import's write lock on SQLite): next beat
            finally:
                connection.close()

        def beat():
            while not stop.wait(float(settings.DANGJIAN_JOB_HEARTBEAT_SECONDS)):
                beat_once()

        beat_once()
        threading.Thread(target=beat, name="worker-heartbeat", daemon=True).start()
        worker_args = ["db_worker", "--worker-id", worker_id[:64], "--interval", str(interval), "--no-startup-delay"]
        if max_tasks:
            worker_args += ["--max-tasks", str(max_tasks)]
        if batch:
            worker_args.append("--batch")
        try:
            close_old_connections()
            call_command(*worker_args)
        finally:
            stop.set()
            try:
                WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
            except DatabaseError:
                pass
