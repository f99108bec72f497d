"""Driver of the killed-worker scenario, run in its own process against DATABASE_URL.

Submits a roster import as a job on the database task backend, starts a real worker
(``stall_worker``), waits until the worker is inside the import's write transaction, kills it with
SIGKILL, then waits for the heartbeat lease to expire and reports, as JSON on stdout, what the
database holds. The test (test_worker_kill) asserts on that report.

    python -m dangjian.jobs.tests.kill_driver WORKDIR
"""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

import django  # noqa: E402

django.setup()

from dangjian.accounts.models import User  # noqa: E402
from dangjian.jobs.models import Job  # noqa: E402
from dangjian.jobs.progress import jobs_dir, read  # noqa: E402
from dangjian.jobs.runner import expire_stale_jobs, submit  # noqa: E402
from dangjian.register.models import Member, Organization  # noqa: E402
from dangjian.roster import jobs as roster_jobs  # noqa: E402
from dangjian.roster.tests.helpers import ORG, MEM, member, rows, xlsx  # noqa: E402

WAIT = 90  # seconds: a bound, not an expectation


def wait_for(predicate, what):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def main(workdir: Path) -> dict:
    admin = User.objects.get(username="admin")
    content = xlsx({
        "党组织": [ORG, ["甲镇杀进程支部", "党支部", "中共甲镇委员会", "村", "一村", "2020-01-01", None, None]],
        "党员": rows(MEM, [member(name=f"杀进程{i}", org="甲镇杀进程支部", serial=700 + i) for i in range(3)]),
    })
    (jobs_dir() / "kill-input.xlsx").write_bytes(content)
    job = submit(owner=admin, kind=roster_jobs.KIND, label="导入名册“杀进程.xlsx”", handler=roster_jobs.HANDLER,
                 params={"input": "kill-input.xlsx", "filename": "杀进程.xlsx"})
    marker = workdir / "stalled"
    worker = subprocess.Popen([sys.executable, "-m", "dangjian.jobs.tests.stall_worker", str(marker)],
                              env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: marker.exists() or worker.poll() is not None, "the worker to reach the write")
        if worker.poll() is not None:
            raise SystemExit("worker exited: " + worker.stderr.read().decode()[-2000:])
        running = Job.objects.get(pk=job.pk)
        live = read(job.pk)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    wait_for(lambda: expire_stale_jobs() or Job.objects.get(pk=job.pk).status == Job.Status.FAILED,
             "the lease to expire")
    job.refresh_from_db()
    from django_tasks_db.models import DBTaskResult

    return {
        "status_while_stalled": running.status,
        "progress_while_stalled": live,
        "killed_returncode": worker.returncode,
        "status": job.status,
        "message": job.message,
        "task_status": DBTaskResult.objects.get(pk=job.task_id).status,
        "orgs_written": Organization.objects.filter(name="甲镇杀进程支部").count(),
        "members_written": Member.objects.filter(name__startswith="杀进程").count(),
        "input_left": (jobs_dir() / "kill-input.xlsx").exists(),
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1])), ensure_ascii=False))
