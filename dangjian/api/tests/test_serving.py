"""/healthz and the JSON log lines."""
import json
import logging

from django.test import Client
from django.utils import timezone

from dangjian.api.jsonlog import JsonFormatter
from dangjian.jobs.models import WorkerHeartbeat


def test_healthz_reports_database_worker_and_outbox(db):
    body = Client().get("/healthz").json()
    assert body["database"]["ok"] and body["status"] == "degraded" and body["worker"]["ok"] is False
    WorkerHeartbeat.objects.create(worker_id="w1", started_at=timezone.now(), seen_at=timezone.now())
    response = Client().get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok" and body["worker"]["alive"] == 1
    assert body["outbox"] == {"ok": True, "pending": 0, "limit": 1000}


def test_log_lines_are_json():
    record = logging.LogRecord("dangjian.jobs", logging.WARNING, __file__, 1, "任务 %s 失败", ("7",), None)
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "WARNING" and line["message"] == "任务 7 失败" and line["logger"] == "dangjian.jobs"
