"""``make bench-scale`` (``make bench BENCH=scale``): ``party_stats`` of a city of 1,000,000 members
against a hand-written single-statement floor (issue 15). PostgreSQL only (the city is loaded by COPY).

The city comes from ``register.benchdata.load_city`` (``BENCH_SCALE_COUNTIES``, default 10, counties × 20 townships × 50 branches,
``BENCH_SCALE_MEMBERS`` members, default 1,000,000); with ``BENCH_SCALE_DB`` the database is kept
between runs and the city loaded only once. Then the day's per-organisation member figures are built
(the daily job, ``register.figures.build``) unless they are. For a township, a county and the city it
prints, best of ``BENCH_SCALE_RUNS`` (default 5): the floor (one SQL statement computing the member
figures with the project's own indexes), the whole ``party_stats`` (every app's block) and the
register's ``members`` block counted by the member scan and from the daily figures, and the ratios to
the floor (with the statements one ``party_stats`` sends); it checks that the floor, the scan and the
summary give the same numbers. Then the member list's first page (server time) for the city administrator.
"""
from __future__ import annotations

import datetime
import os
import re
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.register import figures
from dangjian.register import statistics as register_statistics
from dangjian.register.vocab import AGE_BANDS, COLLEGE_OR_ABOVE, TWO_NEW_UNIT_TYPES, Education, Occupation

from .services import compute_party_stats

PREFIX = "演算"


def best_ms(fn, runs: int) -> float:
    fn()  # warm-up
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


SUBTREE_FORMS = {
    "any": "organization_id = ANY(ARRAY(SELECT id FROM register_organization WHERE path LIKE %(like)s))",
    "in": "organization_id IN (SELECT id FROM register_organization WHERE path LIKE %(like)s)",
}


def floor_members(path: str, as_of: datetime.date, form: str = "any") -> dict:
    """The floor: the member figures of ``register.statistics.members`` in one hand-written statement
    (``form``: the subtree as ``= ANY(ARRAY(subquery))`` or as ``IN (subquery)``; the bench takes the
    faster of the two for each level)."""
    born = {low: figures.born_by(as_of, low) for _k, low, _h in AGE_BANDS if low is not None}
    eras = [end for _k, end in register_statistics.JOIN_ERAS if end is not None]
    cols = [
        "count(*)", "count(*) FILTER (WHERE full_on <= %(as_of)s)", "count(*) FILTER (WHERE sex = '女')",
        "count(*) FILTER (WHERE education = ANY(%(college)s))", "count(*) FILTER (WHERE is_floating)",
        "count(*) FILTER (WHERE organization_id IN (SELECT id FROM register_organization "
        "WHERE path LIKE %(like)s AND unit_type = ANY(%(two_new)s)))",
        "count(*) FILTER (WHERE under_party_probation)",
        *[f"count(*) FILTER (WHERE birth_date <= '{d.isoformat()}')" for d in born.values()],
        *[f"count(*) FILTER (WHERE joined_on < '{d.isoformat()}')" for d in eras],
        *[f"count(*) FILTER (WHERE education = '{v}')" for v in Education.values],
        *[f"count(*) FILTER (WHERE occupation = '{v}')" for v in Occupation.values],
    ]
    sql = (f"SELECT status, ethnicity, {', '.join(cols)} FROM register_member "
           f"WHERE {SUBTREE_FORMS[form]} AND status IN ('正常', '停止党籍') GROUP BY status, ethnicity")
    with connection.cursor() as cursor:
        cursor.execute(sql, {"as_of": as_of, "college": list(COLLEGE_OR_ABOVE), "like": path + "%",
                             "two_new": list(TWO_NEW_UNIT_TYPES)})
        rows = cursor.fetchall()
    normal = [r for r in rows if r[0] == "正常"]
    sums = [sum(r[i] for r in normal) for i in range(2, len(cols) + 2)]
    by_ethnicity = {r[1]: r[2] for r in normal}
    return {"total": sums[0], "full": sums[1], "female": sums[2], "college_or_above": sums[3], "floating": sums[4],
            "in_two_new": sums[5], "suspended": sum(r[2] for r in rows if r[0] == "停止党籍"),
            "by_ethnicity": {k: by_ethnicity[k] for k in sorted(by_ethnicity)}}


def _comparable(block: dict) -> dict:
    keys = ("total", "full", "female", "college_or_above", "floating", "in_two_new", "suspended")
    return {**{k: block[k] for k in keys}, "by_ethnicity": {k: block["by_ethnicity"][k] for k in sorted(block["by_ethnicity"])}}


def run(report) -> None:
    from dangjian.register.benchdata import load_city
    from dangjian.register.models import Member, Organization

    if connection.vendor != "postgresql":
        report("规模：百万党员（仅 PostgreSQL）", 0, "", note="SQLite 不做此项")
        return
    members = int(os.environ.get("BENCH_SCALE_MEMBERS") or 1_000_000)
    runs = int(os.environ.get("BENCH_SCALE_RUNS") or 5)
    # A province: BENCH_SCALE_COUNTIES=50 BENCH_SCALE_MEMBERS=5000000 (the root is still labelled 全市).
    counties = int(os.environ.get("BENCH_SCALE_COUNTIES") or 10)
    city = Organization.objects.filter(name=f"{PREFIX}市委").first()
    if city is None:
        started = time.perf_counter()
        city = load_city(PREFIX, members=members, counties=counties,
                         progress=lambda text: print(f"    {text}", flush=True))
        report("规模：载入一市（COPY）", time.perf_counter() - started, "s",
               note=f"{members:,}名党员，{counties}县、{counties * 20}镇、{counties * 1000:,}支部")
    county = Organization.objects.filter(parent=city).order_by("path").first()
    township = Organization.objects.filter(parent=county).order_by("path").first()
    as_of = timezone.localdate()
    if not figures.is_built(as_of):
        started = time.perf_counter()
        rows = figures.build(as_of)
        report("规模：每日汇总（build_member_figures）", time.perf_counter() - started, "s",
               note=f"{rows:,}行（组织×党籍状态×民族）")
    for label, org in (("一镇", township), ("一县", county), ("全市", city)):
        n = Member.objects.in_subtree(org).count()
        floor = min(best_ms(lambda: floor_members(org.path, as_of, form), runs) for form in SUBTREE_FORMS)
        timed, results, statements = {}, {}, {}
        for source in (figures.SCAN, figures.SUMMARY):
            with figures.use_source(source):
                timed[source] = (best_ms(lambda: compute_party_stats(org, as_of), runs),
                                 best_ms(lambda: register_statistics.members(org, as_of), runs))
                with CaptureQueriesContext(connection) as queries:
                    results[source] = compute_party_stats(org, as_of)
                statements[source] = len(queries.captured_queries)
        same = (_comparable(results[figures.SCAN]["members"]) == floor_members(org.path, as_of)
                and results[figures.SCAN] == results[figures.SUMMARY])
        note = f"{n:,}名党员；最优{runs}次" + ("" if same else "；扫描、汇总与下限数字不符！")
        report(f"规模：{label} 手写单条SQL下限", floor, "ms", note=note)
        for source, name in ((figures.SCAN, "扫描"), (figures.SUMMARY, "汇总")):
            whole, block = timed[source]
            report(f"规模：{label} party_stats（{name}）", whole, "ms",
                   note=f"÷ 下限 = {whole / floor:.2f}；{statements[source]}条SQL；"
                        f"党员统计块 {block:.1f} ms（÷ 下限 = {block / floor:.2f}）")
        report(f"规模：{label} party_stats（扫描）÷ 下限", round(timed[figures.SCAN][0] / floor, 2), "×")
        report(f"规模：{label} party_stats（汇总）÷ 下限", round(timed[figures.SUMMARY][0] / floor, 2), "×",
               note="当天按每日汇总；与扫描结果一致" if same else "不一致！")
    member_list(report, city, runs)


def member_list(report, city, runs: int) -> None:
    """The member list's first page at city scale, as the city's administrator (server time, best of runs),
    with the count the page shows (约 when estimated) and the exact count's own cost beside it."""
    from django.test import Client
    from django.urls import reverse

    from dangjian.register.benchdata import bench_admin
    from dangjian.register.models import Member

    client = Client()
    client.force_login(bench_admin("bench_scale_admin", city, "演算市管理员"))
    url = reverse("register:member_list")
    for label, params in (("全市", {}), ("全市按姓名筛选（结果很少）", {"q": f"{PREFIX}党员12345"})):
        response = client.get(url, params)
        shown = re.search(r"共 (.*?)<strong>(\d+)</strong> 名党员", response.content.decode())
        total, estimated = (int(shown[2]), "约" in shown[1]) if shown else (0, False)
        page_ms = best_ms(lambda: client.get(url, params), runs)
        report(f"规模：党员列表第1页，{label}", page_ms, "ms",
               note=f"状态码{response.status_code}；显示{'约' if estimated else ''}{total:,}名；最优{runs}次")
    exact_ms = best_ms(lambda: Member.objects.in_subtree(city).filter(status="正常").count(), runs)
    report("规模：其中若精确计数（全市 COUNT(*)）", exact_ms, "ms", note="列表已不再执行")
