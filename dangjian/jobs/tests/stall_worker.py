"""A real task worker (``manage.py run_worker``) that stops dead inside an import's write.

Used by test_worker_kill: the roster engine reports each written sheet; after the first one (the
transaction still open, later sheets not yet written) this worker writes a marker file and hangs,
so the test can SIGKILL it at that exact point. Nothing else differs from the production worker.

    python -m dangjian.jobs.tests.stall_worker MARKER_PATH
"""
import os
import sys
import threading

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from dangjian.jobs import progress  # noqa: E402

MARKER = sys.argv[1]
_original = progress.Reporter.roster_callback


def stalling_callback(self, stage, done, total):
    _original(self, stage, done, total)
    if stage == "written" and done > 0:
        with open(MARKER, "w") as out:
            out.write(f"{done}/{total}")
        threading.Event().wait()  # hang here, inside the open transaction, until killed


progress.Reporter.roster_callback = stalling_callback
call_command("run_worker", "--interval", "0.1")
