"""Structured logs: one JSON object per line (``DANGJIAN_LOG_FORMAT=json``, as ``make serve`` sets).

Fields: time (ISO 8601, UTC), level, logger, message, process, and for request logs the method,
path and status; an exception's traceback as ``exc``. Never personal numbers: the platform logs
none (they are masked or encrypted before any log line could see them).
"""
from __future__ import annotations

import datetime
import json
import logging


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        request = getattr(record, "request", None)
        if request is not None:
            data["method"] = getattr(request, "method", None)
            data["path"] = getattr(request, "path", None)
        status = getattr(record, "status_code", None)
        if status is not None:
            data["status"] = status
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)
