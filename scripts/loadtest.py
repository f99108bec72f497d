#!/usr/bin/env python
"""Load test: 50 concurrent users (locust, headless, bounded in time, loopback only) over the main
pages and API calls, against `make serve`'s processes (gunicorn + task worker) on PostgreSQL.

It creates a fresh PostgreSQL database, migrates it, loads the 演示县 (LOADTEST_MEMBERS, default
5000 members), issues an API key, starts gunicorn + worker on a free loopback port, runs locust
(LOADTEST_USERS=50 for LOADTEST_SECONDS=40) and prints, per request kind, the count, failures,
median and p95 (ms), then stops the server and drops the database. Exit code 0 unless it could not
run; the figures are printed, never asserted. Also as JSON on the last line (for bench.py).

    scripts/loadtest.py
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
USERS = int(os.environ.get("LOADTEST_USERS", 50))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", 40))
MEMBERS = int(os.environ.get("LOADTEST_MEMBERS", 5000))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG_URL}/postgres", "-q", "-c", sql], check=True, capture_output=True)


def manage(env, *args, capture=False):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                          capture_output=capture, text=True)


def main() -> int:
    name = f"dangjian_load_{uuid.uuid4().hex[:8]}"
    psql(f'CREATE DATABASE "{name}"')
    tmp = Path(tempfile.mkdtemp(prefix="dangjian-load-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DATABASE_URL=f"{PG_URL}/{name}", DANGJIAN_VAR_DIR=str(tmp), DANGJIAN_LOG_LEVEL="ERROR",
               DANGJIAN_LOG_FORMAT="json", DANGJIAN_API_KEY_RATE="1000000/min", DANGJIAN_API_USER_RATE="1000000/min",
               DANGJIAN_BIND=f"127.0.0.1:{port}", DATABASE_CONN_MAX_AGE="60")
    server = None
    try:
        print(f"负载测试：新建数据库 {name}，载入演示县（{MEMBERS} 名党员）……", flush=True)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_demo", "--members", str(MEMBERS), capture=True)
        manage(env, "collectstatic", "--noinput", "-v0")
        key = manage(env, "shell", "-c", (
            "from dangjian.api.services import issue_key; from dangjian.core.actor import Actor; "
            "from dangjian.accounts.models import User; u=User.objects.get(username='demo_admin'); "
            "print(issue_key(actor=Actor.command(u), name='负载测试', organization=u.organization, access='read')[1])"),
            capture=True).stdout.strip().splitlines()[-1]
        server = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "supervise.py"),
                                   f"{BIN / 'gunicorn'} -c scripts/gunicorn.conf.py",
                                   f"{sys.executable} manage.py run_worker"],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                print("服务未能启动", file=sys.stderr)
                return 1
            time.sleep(0.5)
        print(f"gunicorn + 后台进程已在 127.0.0.1:{port} 启动；locust {USERS} 个并发用户，{SECONDS} 秒……", flush=True)
        csv_prefix = tmp / "locust"
        subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "scripts" / "locustfile.py"), "--headless",
                        "-u", str(USERS), "-r", str(max(USERS // 5, 1)), "-t", f"{SECONDS}s",
                        "--host", f"http://127.0.0.1:{port}", "--csv", str(csv_prefix), "--only-summary",
                        "--stop-timeout", "5", "--loglevel", "ERROR"],
                       cwd=ROOT, env=dict(env, LOADTEST_API_KEY=key), check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        rows = list(csv.DictReader(open(f"{csv_prefix}_stats.csv", encoding="utf-8")))
        summary = []
        print(f"\n{'请求':<24}{'次数':>8}{'失败':>6}{'中位数ms':>10}{'p95 ms':>8}")
        for row in rows:
            label = row["Name"] if row["Name"] != "Aggregated" else "全部"
            item = {"name": label, "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                    "median_ms": float(row["Median Response Time"] or 0), "p95_ms": float(row["95%"] or 0)}
            summary.append(item)
            print(f"{label:<24}{item['requests']:>8}{item['failures']:>6}{item['median_ms']:>10.0f}{item['p95_ms']:>8.0f}")
        failures_csv = Path(f"{csv_prefix}_failures.csv")
        if failures_csv.exists():  # what failed, so that a failure can be looked into, not only counted
            for row in csv.DictReader(open(failures_csv, encoding="utf-8")):
                print(f"失败：{row.get('Method', '')} {row.get('Name', '')} ×{row.get('Occurrences', '')}：{row.get('Error', '')[:300]}")
        print(json.dumps({"users": USERS, "seconds": SECONDS, "members": MEMBERS, "rows": summary}, ensure_ascii=False))
        return 0
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        try:
            psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
