"""`make bench`: the load test (scripts/loadtest.py — locust, 50 concurrent users over the main pages
and API calls, gunicorn + task worker as under `make serve`, a database of its own), on PostgreSQL
only. Figures are printed (p95 per request kind), never asserted."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection


def run(report) -> None:
    if connection.vendor != "postgresql":
        report("负载测试（locust）", "—", unit="", note="只在 PostgreSQL 上运行")
        return
    script = Path(settings.BASE_DIR) / "scripts" / "loadtest.py"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=1800)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"负载测试失败：{done.stderr[-1000:]}")
    result = json.loads(lines[-1])
    for row in result["rows"]:
        report(f"负载测试 p95：{row['name']}", row["p95_ms"],
               note=f"{result['users']} 并发 {result['seconds']} 秒，{row['requests']} 次，失败 {row['failures']}，"
                    f"中位数 {row['median_ms']:.0f} ms")
