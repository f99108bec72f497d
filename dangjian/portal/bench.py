"""``make bench`` figures of the core: loading the 演示县, and the home page as the county admin.

``scripts/bench.py`` runs this bench (the portal's) last, so load_demo (30,000 members by default,
``BENCH_DEMO_MEMBERS`` to change) adds the demo county next to what the other benches created.
"""
from __future__ import annotations

import io
import os
import statistics
import time

from django.test import Client
from django.utils import timezone

from dangjian.core.demo import DEFAULT_MEMBERS, DEFAULT_SEED, DEMO_ROOT_ORG_NAME

RUNS = 20


def run(report) -> None:
    from django.core.management import call_command

    from dangjian.accounts.models import User
    from dangjian.register.models import Member, Organization

    members = int(os.environ.get("BENCH_DEMO_MEMBERS") or DEFAULT_MEMBERS)
    failure = None
    if Organization.objects.filter(name=DEMO_ROOT_ORG_NAME).exists():
        report("核心：载入演示县", 0, "s", note="演示县已在库中，未重新载入")
    else:
        from dangjian.register.management.commands.load_demo import Command as LoadDemo

        before = Member.objects.count()
        command = LoadDemo(stdout=io.StringIO(), stderr=io.StringIO())
        started = time.perf_counter()
        try:
            call_command(command, members=members, seed=DEFAULT_SEED, verbosity=0)
        except Exception as exc:  # the register part is saved even when an app's demo fails
            failure = exc
        seconds = time.perf_counter() - started
        report("核心：载入演示县（load_demo）", seconds, "s",
               note=f"{members}名党员，含各应用演示数据；库中原有党员{before}名" + ("；有应用失败" if failure else ""))
        for part, part_seconds in getattr(command, "timings", {}).items():
            label = "演示县：行政区划、组织、党员、账号" if part == "register" else f"{part} 的演示数据"
            report(f"核心：其中 {label}", part_seconds, "s")

    admin = User.objects.filter(username="demo_admin").first()
    if admin is not None:
        from dangjian.register import figures

        client = Client()
        client.force_login(admin)
        client.get("/")  # warm-up: templates, connection
        figures_built = figures.is_built(timezone.localdate())
        _home_page(report, client, "核心：首页（县委组织部管理员）",
                   "当天每日汇总已建" if figures_built else "当天每日汇总未建，党员数从党员表计")
        if not figures_built:
            # What the home page is on a working day: after the nightly build_member_figures.
            started = time.perf_counter()
            rows = figures.build()
            report("核心：每日汇总（build_member_figures）", time.perf_counter() - started, "s", note=f"{rows}行")
            _home_page(report, client, "核心：首页（县委组织部管理员，每日汇总已建）", "日常状态：夜间任务之后")
    if failure is not None:
        raise failure


def _home_page(report, client, label: str, note: str) -> None:
    times, statuses = [], set()
    for _ in range(RUNS):
        started = time.perf_counter()
        statuses.add(client.get("/").status_code)
        times.append((time.perf_counter() - started) * 1000)
    report(label, statistics.median(times), "ms",
           note=f"{RUNS}次中位数，服务器端耗时；{note}" + ("" if statuses == {200} else f"；状态码{sorted(statuses)}"))
