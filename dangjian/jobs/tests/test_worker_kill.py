"""A real worker killed (SIGKILL) in the middle of an import's write: nothing written, job failed.

How a dead worker's job becomes "failed": a running job's heartbeat (its progress file, touched
every DANGJIAN_JOB_HEARTBEAT_SECONDS by a thread of the worker) stops; once it is older than
DANGJIAN_JOB_LEASE_SECONDS, ``expire_stale_jobs`` (run by every live worker's heartbeat, the job
pages and /healthz) marks the job failed with a Chinese reason, and the task backend's row too.
The import's transaction died with the process, so the database holds none of its rows.

The scenario runs in a separate process (kill_driver) against a database both processes can open:
on PostgreSQL the test database itself, on SQLite a file copy of the in-memory test database.
"""
import json
import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_writes_nothing_and_its_job_fails(users, tmp_path):
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "kill.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        url = f"sqlite:///{path}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = dict(os.environ, DATABASE_URL=url, DANGJIAN_JOBS_DIR=str(tmp_path / "jobs"),
               DANGJIAN_JOB_HEARTBEAT_SECONDS="1", DANGJIAN_JOB_LEASE_SECONDS="3",
               DANGJIAN_TASKS_BACKEND="django_tasks_db.DatabaseBackend")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run([sys.executable, "-m", "dangjian.jobs.tests.kill_driver", str(tmp_path)], env=env,
                          cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])

    # While stalled inside the write, the job was running and its progress showed the first sheet written.
    assert report["status_while_stalled"] == "running"
    assert report["progress_while_stalled"]["written"] == 1
    assert report["progress_while_stalled"]["checked"] == 4 == report["progress_while_stalled"]["total"]
    assert report["killed_returncode"] == -9
    # After the lease: failed, said why in Chinese, and nothing of the workbook is in the database.
    assert report["status"] == "failed"
    assert "后台进程意外停止" in report["message"] and "没有写入任何数据" in report["message"]
    assert report["task_status"] == "FAILED"
    assert report["orgs_written"] == 0 and report["members_written"] == 0
    assert report["input_left"] is False
