"""``make bench``: the county work report of the 演示县 (30,000 members by default, a year of activity
in every module that has demo data).

Loads the demo county first if the database has none (``register.demo.ensure_demo_county``; the core's
bench, which runs last, then finds it loaded). Times, each the median of a few runs after a warm-up:
the figures (``compute_report``: every block once), the whole document with the problems drafted
from evidence, the .docx, the companion .xlsx, and the report page as the county administrator.
The target for the report (figures + document + .docx) is under 5 s.
"""
from __future__ import annotations

import datetime
import time

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.register import benchdata
from dangjian.register.demo import ensure_demo_county

RUNS = 3


def run(report) -> None:
    from dangjian.register.models import Member

    from .document import build
    from .docx_writer import to_docx
    from .report import compute_report
    from .traceability import to_xlsx

    started = time.perf_counter()
    root = ensure_demo_county()
    # After the bulk load, what autovacuum would soon do: without planner statistics PostgreSQL plans
    # the blocks' queries for empty tables (measured: the figures took 8 s instead of 3 s).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    members = Member.objects.in_subtree(root).count()
    report("汇报：准备演示县", (time.perf_counter() - started) * 1000,
           note=f"{root.name}，{members}名党员（{connection.vendor}）")
    today = timezone.localdate()
    start = datetime.date(today.year, 1, 1)
    period = f"{start:%Y-%m-%d}至{today:%Y-%m-%d}"

    figures = compute_report(root, start, today)
    report("汇报：全部数字（compute_report，各统计块一次）", benchdata.median_ms(lambda: compute_report(root, start, today), RUNS),
           note=f"{period}；暂无数据{len(figures.missing)}项：{'、'.join(figures.missing) or '无'}")
    report("汇报：全文（含存在问题起草）", benchdata.median_ms(lambda: build(compute_report(root, start, today)), RUNS))
    report("汇报：县级工作汇报 Word（数字+全文+.docx）",
           benchdata.median_ms(lambda: to_docx(build(compute_report(root, start, today))), RUNS), note="目标 < 5000 ms")
    report("汇报：数据附表 Excel（含每项明细）",
           benchdata.median_ms(lambda: to_xlsx(build(compute_report(root, start, today))), RUNS))

    client = Client()
    client.force_login(benchdata.bench_admin("report_bench_admin", root, "汇报基准管理员"))
    url = reverse("reports:index") + f"?org={root.pk}&from={start:%Y-%m-%d}&to={today:%Y-%m-%d}"
    statuses = []
    ms = benchdata.median_ms(lambda: statuses.append(client.get(url).status_code), RUNS)
    report("汇报：工作情况汇报页面（县委组织部管理员）", ms,
           note="服务器端耗时" + ("" if set(statuses) == {200} else f"；状态码{sorted(set(statuses))}"))
