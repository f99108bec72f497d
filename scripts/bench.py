#!/usr/bin/env python
"""`make bench [BENCH=roster,stats]`: every app's performance figures, on SQLite and on PostgreSQL.

For each database — a fresh temporary SQLite file, and, when PostgreSQL answers on 127.0.0.1:5432,
a fresh PostgreSQL database (created here and dropped at the end) — it runs ``migrate`` and then,
in a subprocess of its own (Django settings are per process), ``scripts/bench.py --inner``, which
calls each app's ``<app>/bench.py`` ``run(report)`` in INSTALLED_APPS order, one after the other
in the same database; ``report(label, value, unit="ms", note="")`` records one figure. A bench
creates the data it needs under names of its own (so benches never clash); the portal's runs last
and times loading the 演示县 (``BENCH_DEMO_MEMBERS``, default 30,000 members) next to that data,
then the home page.

A failing bench prints its traceback, the others still run, and the exit code is non-zero at the
end. Select apps with ``make bench BENCH=roster,stats`` or ``scripts/bench.py roster stats``.
Environment: ``BENCH`` (apps), ``BENCH_PG_URL`` (server, default postgres://postgres@127.0.0.1:5432),
``BENCH_DEMO_MEMBERS``, ``BENCH_SKIP_POSTGRES=1``, ``BENCH_PG_DB_PREFIX`` (the temporary database's
name prefix, default dangjian_bench_); for ``scale`` alone ``BENCH_SCALE_DB`` (keep that
database between runs) and ``BENCH_SCALE_VAR_DIR``.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
import unicodedata
import uuid
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
MARK = "@@BENCH@@ "
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")


# --- Inside one database (a subprocess with DATABASE_URL set) ----------------------------------

def _emit(row: dict) -> None:
    print(MARK + json.dumps(row, ensure_ascii=False), flush=True)


def inner(apps: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    import warnings

    import django

    # WhiteNoise's note about a missing STATIC_ROOT (the benches need no collectstatic).
    warnings.filterwarnings("ignore", message="No directory at")

    django.setup()
    from dangjian.core.extensions import app_modules

    modules = {m.__name__.split(".")[1]: m for m in app_modules("bench")}
    # Targets run only when named (``make bench-scale``): the million-member city (PostgreSQL only).
    if "scale" in apps:
        import importlib

        modules["scale"] = importlib.import_module("dangjian.stats.scale")
    # The portal goes last: it adds the 演示县 to whatever the others left, and some benches (the
    # roster import) expect the empty, freshly migrated database they are given.
    if "portal" in modules:
        modules["portal"] = modules.pop("portal")
    unknown = [a for a in apps if a not in modules]
    if unknown:
        print(f"没有这些应用的性能测试：{'、'.join(unknown)}（可选：{'、'.join(modules)}）", file=sys.stderr)
        for app in unknown:
            _emit({"app": app, "label": "（无此性能测试）", "error": "没有 bench.py"})
        return 2
    failed = False
    for app, module in modules.items():
        if apps and app not in apps:
            continue

        def report(label, value, unit="ms", note="", _app=app):
            _emit({"app": _app, "label": str(label), "value": value, "unit": unit, "note": str(note)})

        print(f"  … {app}", flush=True)
        started = time.perf_counter()
        try:
            module.run(report)
        except Exception as exc:
            failed = True
            traceback.print_exc()
            sys.stderr.flush()
            _emit({"app": app, "label": "（性能测试出错）", "error": f"{type(exc).__name__}: {exc}".splitlines()[0]})
        else:
            print(f"  ✓ {app}（{time.perf_counter() - started:.1f} 秒）", flush=True)
    return 1 if failed else 0


# --- The runner ------------------------------------------------------------------------------

def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _format_value(row: dict) -> str:
    if "error" in row:
        return "失败"
    value = row["value"]
    if isinstance(value, float):
        return f"{value:,.2f}" if row.get("unit") == "s" or abs(value) < 10 else f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def print_table(rows: list[dict]) -> None:
    headers = ["数据库", "应用", "项目", "数值", "单位", "说明"]
    table = [[r["db"], r["app"], r["label"], _format_value(r), r.get("unit", ""), r.get("error") or r.get("note", "")]
             for r in rows]
    widths = [max(_width(str(x[i])) for x in [headers, *table]) for i in range(len(headers))]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    print(line)
    print("| " + " | ".join(_pad(h, w) for h, w in zip(headers, widths)) + " |")
    print(line)
    for r in table:
        cells = [_pad(str(c), w) if i != 3 else " " * (w - _width(str(c))) + str(c) for i, (c, w) in enumerate(zip(r, widths))]
        print("| " + " | ".join(cells) + " |")
    print(line)


def postgres_answers() -> bool:
    if os.environ.get("BENCH_SKIP_POSTGRES") == "1":
        return False
    parts = urlsplit(PG_URL)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), timeout=2):
            return True
    except OSError:
        return False


def _pg_admin():
    import psycopg

    return psycopg.connect(f"{PG_URL}/postgres", autocommit=True, connect_timeout=5)


def machine_lines(pg_version: str | None) -> list[str]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"，内存 {kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return [
        f"日期：{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}",
        f"机器：{platform.platform()}，{os.cpu_count()} 个 CPU（{cpu or '型号未知'}）{memory}",
        f"Python：{platform.python_version()}；SQLite：{sqlite3.sqlite_version}；"
        f"PostgreSQL：{pg_version or ('已跳过（BENCH_SKIP_POSTGRES=1）' if os.environ.get('BENCH_SKIP_POSTGRES') == '1' else '未应答，跳过')}",
    ]


def run_database(db_label: str, url: str, env_base: dict, apps: list[str], rows: list[dict]) -> bool:
    """Migrate, then the benches in a subprocess. True when everything succeeded."""
    env = dict(env_base, DATABASE_URL=url)
    print(f"\n===== {db_label}：migrate =====", flush=True)
    started = time.perf_counter()
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env)
    seconds = time.perf_counter() - started
    if migrate.returncode != 0:
        rows.append({"db": db_label, "app": "migrate", "label": "全部迁移", "error": f"migrate 退出码 {migrate.returncode}"})
        return False
    rows.append({"db": db_label, "app": "migrate", "label": "全部迁移（空库）", "value": seconds, "unit": "s", "note": ""})
    print(f"===== {db_label}：性能测试 =====", flush=True)
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--inner", *apps], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, text=True, bufsize=1)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(MARK):
            row = dict(json.loads(line[len(MARK):]), db=db_label)
            rows.append(row)
            shown = f"{_format_value(row)} {row.get('unit', '')}".strip()
            print(f"    {row['app']}：{row['label']} = {shown} {row.get('error') or row.get('note', '')}", flush=True)
        else:
            print(line, end="", flush=True)
    return proc.wait() == 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("apps", nargs="*", help="只运行这些应用的性能测试（如 roster stats 或 roster,stats）")
    args = parser.parse_args(argv)
    apps = [a.strip() for part in (args.apps or [os.environ.get("BENCH", "")]) for a in part.split(",") if a.strip()]
    if args.inner:
        return inner(apps)

    env_base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    pg_version, pg_name = None, None
    if postgres_answers():
        try:
            with _pg_admin() as conn:
                pg_version = conn.execute("SHOW server_version").fetchone()[0]
        except Exception as exc:  # a server that answers but refuses us: say so, bench SQLite only
            print(f"PostgreSQL 无法连接（{exc}），只测 SQLite。", flush=True)

    print("基层党建工作平台 性能测试（make bench）")
    for line in machine_lines(pg_version):
        print(line)
    print(f"应用：{'、'.join(apps) if apps else '全部'}", flush=True)

    rows: list[dict] = []
    ok = True
    tmp = Path(tempfile.mkdtemp(prefix="dangjian-bench-"))
    env_base["DANGJIAN_VAR_DIR"] = str(tmp / "var")  # keys and media of the bench, thrown away after
    # ``make bench-scale`` with BENCH_SCALE_DB=<name>: that PostgreSQL database (created if missing) is
    # kept, with its keys beside it in BENCH_SCALE_VAR_DIR, so the next run skips loading the city.
    kept = os.environ.get("BENCH_SCALE_DB") if apps == ["scale"] else None
    if kept:
        env_base["DANGJIAN_VAR_DIR"] = os.environ.get("BENCH_SCALE_VAR_DIR") or str(ROOT / "var" / f"bench-{kept}")
    try:
        if apps != ["scale"]:  # the city is PostgreSQL only
            ok = run_database("SQLite", f"sqlite:///{tmp / 'bench.sqlite3'}", env_base, apps, rows) and ok
        if pg_version:
            pg_name = kept or f"{os.environ.get('BENCH_PG_DB_PREFIX', 'dangjian_bench_')}{uuid.uuid4().hex[:10]}"
            with _pg_admin() as conn:
                if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [pg_name]).fetchone():
                    conn.execute(f'CREATE DATABASE "{pg_name}"')
            ok = run_database(f"PostgreSQL {pg_version.split()[0]}", f"{PG_URL}/{pg_name}", env_base, apps, rows) and ok
    finally:
        if pg_name and not kept:
            try:
                with _pg_admin() as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            except Exception as exc:
                print(f"未能删除临时数据库 {pg_name}：{exc}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)

    print("\n===== 结果 =====")
    for line in machine_lines(pg_version):
        print(line)
    print_table(rows)
    failed = sorted({f"{r['db']}/{r['app']}" for r in rows if "error" in r})
    if failed or not ok:
        print(f"\n有性能测试失败：{'、'.join(failed) or '见上方输出'}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
