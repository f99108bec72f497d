"""Live progress and heartbeat of a running job, as a small file beside the job.

Why a file and not the job's row: an import writes in one long transaction, and on SQLite any other
write (a progress update from the same worker, through a second connection) would wait for that
transaction to end. The file is rewritten atomically (write, then rename) on every progress step,
and its modification time is refreshed by a heartbeat thread every ``DANGJIAN_JOB_HEARTBEAT_SECONDS``.

A job whose file has not been touched for ``DANGJIAN_JOB_LEASE_SECONDS`` has lost its worker (the
process was killed, the machine stopped): ``expire_stale_jobs`` marks it failed. Its transaction
died with the process, so nothing it was writing is in the database.

Workers on other machines (see README, Redis backend) need ``DANGJIAN_JOBS_DIR`` on shared storage,
as they need the uploaded workbooks.
"""
from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from django.conf import settings


def jobs_dir() -> Path:
    path = Path(settings.DANGJIAN_JOBS_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def progress_path(job_id: int) -> Path:
    return jobs_dir() / f"job{job_id}.progress.json"


def read(job_id: int) -> dict | None:
    """The live progress ({"stage", "total", "checked", "written"}) and ``age`` in seconds since the
    last heartbeat, or None when the job has no progress file (queued, finished or never started)."""
    path = progress_path(job_id)
    try:
        age = time.time() - path.stat().st_mtime
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    data["age"] = max(age, 0.0)
    return data


class Reporter:
    """What a job handler gets to report its progress; also keeps the heartbeat going."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.path = progress_path(job_id)
        self.state = {"stage": "开始", "total": 0, "checked": 0, "written": 0}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- progress ---------------------------------------------------------------------------
    def update(self, stage: str | None = None, **counts: int) -> None:
        if stage is not None:
            self.state["stage"] = stage
        self.state.update({k: int(v) for k, v in counts.items()})
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state, ensure_ascii=False))
        os.replace(tmp, self.path)

    def roster_callback(self, stage: str, done: int, total: int) -> None:
        """The roster engine's ``progress(stage, done, total)``: stage "checked" or "written"."""
        label = {"read": "读取工作簿", "checked": "检查中", "written": "写入中"}.get(stage, stage)
        if stage == "read":
            self.update(label, total=total)
        else:
            self.update(label, **{stage: done}, total=total)

    # -- heartbeat --------------------------------------------------------------------------
    def start(self) -> "Reporter":
        self.update()
        interval = float(settings.DANGJIAN_JOB_HEARTBEAT_SECONDS)

        def beat():
            while not self._stop.wait(interval):
                try:
                    os.utime(self.path)
                except OSError:
                    pass

        self._thread = threading.Thread(target=beat, name=f"job{self.job_id}-heartbeat", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.path.unlink(missing_ok=True)
