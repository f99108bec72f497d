"""``/healthz``: database, task workers' heartbeat, notification outbox backlog — for nginx,
a monitoring system or a person. No login; it names no person and no organisation.

HTTP 503 only when the database does not answer (nothing works then); a missing worker or a large
backlog is ``"status": "degraded"`` with HTTP 200, so that a load balancer keeps the pages served.
"""
from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as err:  # noqa: BLE001 - any failure means "down"
        return {"ok": False, "error": type(err).__name__}
    return {"ok": True, "vendor": connection.vendor, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _workers(now) -> dict:
    from dangjian.jobs.models import Job, WorkerHeartbeat
    from dangjian.jobs.runner import expire_stale_jobs

    fresh_after = now - datetime.timedelta(seconds=max(3 * settings.DANGJIAN_JOB_HEARTBEAT_SECONDS, 15))
    alive = WorkerHeartbeat.objects.filter(seen_at__gte=fresh_after)
    last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    expire_stale_jobs(now)
    return {"ok": alive.exists(), "alive": alive.count(),
            "last_seen_seconds": round((now - last).total_seconds(), 1) if last else None,
            "queued_jobs": Job.objects.filter(status=Job.Status.QUEUED).count(),
            "running_jobs": Job.objects.filter(status=Job.Status.RUNNING).count()}


def _outbox(now) -> dict:
    from dangjian.notifications.models import Message, MessageStatus

    pending = Message.objects.filter(status__in=[MessageStatus.PENDING, MessageStatus.SENDING])
    count = pending.count()
    limit = settings.DANGJIAN_HEALTH_OUTBOX_MAX
    return {"ok": count <= limit, "pending": count, "limit": limit}


@never_cache
@require_GET
def healthz(request):
    now = timezone.now()
    database = _database()
    checks = {"database": database}
    if database["ok"]:
        checks["worker"] = _workers(now)
        checks["outbox"] = _outbox(now)
    if not database["ok"]:
        status, code = "fail", 503
    elif all(c["ok"] for c in checks.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    return JsonResponse({"status": status, "time": now.isoformat(), **checks}, status=code,
                        json_dumps_params={"ensure_ascii": False})
