#!/usr/bin/env python
"""`make test`: the suite on SQLite, then again on PostgreSQL when one answers on 127.0.0.1:5432.

Each PostgreSQL run uses a database name of its own (pytest-django creates it as test_<name> and
drops it afterwards), so concurrent or crashed runs never share state.
"""
import os
import socket
import subprocess
import sys
import uuid

PG_HOST, PG_PORT = os.environ.get("PGHOST_FOR_TESTS", "127.0.0.1"), 5432


def postgres_answers() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=2):
            return True
    except OSError:
        return False


def run(label: str, env: dict) -> int:
    print(f"\n===== 测试：{label} =====", flush=True)
    return subprocess.call([sys.executable, "-m", "pytest", "-q", *sys.argv[1:]], env=env)


def main() -> int:
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    status = run("SQLite", base)
    if postgres_answers():
        name = f"dangjian_{uuid.uuid4().hex[:10]}"
        env = dict(base, DATABASE_URL=f"postgres://postgres@{PG_HOST}:{PG_PORT}/{name}")
        status = run("PostgreSQL", env) or status
    else:
        print("\nPostgreSQL 未在 127.0.0.1:5432 应答，跳过 PostgreSQL 测试。", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
