#!/usr/bin/env python
"""`make test`: the import-layer contract (`lint-imports`, .importlinter), the suite on SQLite, then
again on PostgreSQL when one answers on 127.0.0.1:5432. Any failure makes the run fail.

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


def lint_imports() -> int:
    """The layers of .importlinter (core at the bottom, domain apps independent, no cycles)."""
    print("\n===== 依赖分层检查：lint-imports =====", flush=True)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    exe = os.path.join(os.path.dirname(sys.executable), "lint-imports")
    return subprocess.call([exe, "--no-cache"], cwd=root)


def main() -> int:
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    status = lint_imports()
    status = run("SQLite", base) or status
    if postgres_answers():
        name = f"dangjian_{uuid.uuid4().hex[:10]}"
        env = dict(base, DATABASE_URL=f"postgres://postgres@{PG_HOST}:{PG_PORT}/{name}")
        status = run("PostgreSQL", env) or status
    else:
        print("\nPostgreSQL 未在 127.0.0.1:5432 应答，跳过 PostgreSQL 测试。", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
