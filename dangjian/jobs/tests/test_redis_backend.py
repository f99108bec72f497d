"""The Redis-backed task backend (django-tasks-rq): switching ``TASKS`` to ``django_tasks_rq.RQBackend``
puts a submitted job on a Redis queue, an RQ worker takes it from there and runs it, and the job's
progress, result and file are where the pages look for them. Skipped when no Redis answers at
127.0.0.1:6379. The test uses Redis database 11 and removes every key it created."""
import io
import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from openpyxl import load_workbook

REDIS_URL = "redis://127.0.0.1:6379/11"


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(not _redis_answers(), reason="Redis at 127.0.0.1:6379 unreachable")


@pytest.fixture
def rq_backend(settings):
    import redis

    conn = redis.Redis.from_url(REDIS_URL)
    before = set(conn.keys("*"))
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    yield conn
    created = set(conn.keys("*")) - before
    if created:
        conn.delete(*created)
    conn.close()


def test_a_job_waits_in_redis_until_a_worker_runs_it(rq_backend, users, county, make_member):
    import django_rq
    from django_tasks_rq import Job as TaskJob
    from rq import SimpleWorker

    from dangjian.jobs.models import Job
    from dangjian.jobs.runner import submit

    make_member(county["village_branch"], name="队列党员")
    job = submit(owner=users["organiser"], kind="export", label="导出", handler="dangjian.jobs.exports.run_export",
                 params={"path": reverse("register:member_export"), "query": "", "ip": "127.0.0.1"})
    job.refresh_from_db()
    queue = django_rq.get_queue("default")
    # Enqueued, not run: the job waits on the Redis queue under the task's id.
    assert job.status == Job.Status.QUEUED and job.task_id and queue.count == 1
    assert job.task_id in queue.job_ids

    # As `manage.py rqworker --job-class django_tasks_rq.Job` on a worker machine, in this process
    # (SimpleWorker: no fork), so that it sees the test's database.
    worker = SimpleWorker([queue], connection=queue.connection, job_class=TaskJob)
    assert worker.work(burst=True) is True  # the worker did take work

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert queue.count == 0
    # What 我的任务 shows and offers: the outcome, the counts, the file.
    assert job.message == "导出完成，请下载。" and job.result_name.startswith("党员名册")
    rows = list(load_workbook(io.BytesIO((django_settings.DANGJIAN_JOBS_DIR / job.result_file).read_bytes()),
                              read_only=True).worksheets[0].iter_rows(values_only=True))
    assert {"李党员", "队列党员"} <= {row[0] for row in rows[1:]}
    # The backend reads the task's own result back from Redis.
    from dangjian.jobs.runner import run_job

    result = run_job.get_backend().get_result(job.task_id)
    assert result.status == "SUCCESSFUL" and result.return_value == {"job": job.pk, "status": "succeeded"}


def test_switching_the_setting_gives_the_rq_worker_command(tmp_path):
    """One environment variable switches the backend; `manage.py rqworker` is then there to run on
    each machine (the command's own help, without connecting)."""
    env = dict(os.environ, DANGJIAN_TASKS_BACKEND="django_tasks_rq.RQBackend", DANGJIAN_REDIS_URL=REDIS_URL,
               DANGJIAN_JOBS_DIR=str(tmp_path))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run([sys.executable, "manage.py", "rqworker", "--help"], env=env, cwd=django_settings.BASE_DIR,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "--burst" in done.stdout and "--job-class" in done.stdout
    without = subprocess.run([sys.executable, "manage.py", "rqworker", "--help"],
                             env={k: v for k, v in env.items() if k != "DANGJIAN_TASKS_BACKEND"},
                             cwd=django_settings.BASE_DIR, capture_output=True, text=True, timeout=120)
    assert without.returncode != 0  # the database backend needs no RQ worker
