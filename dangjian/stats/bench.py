"""``make bench``: party_stats and the statistics page on a county of 100,000 members.

If the database holds fewer members, a separate county (统计基准县, names of its own so it never
clashes with the roster bench or the demo) is bulk-created: divisions, organisations, and members
with their ID numbers encrypted in Python and written by ``bulk_create`` in large batches. Then
``compute_party_stats`` is timed for the whole database, the largest county and its largest
township, and the statistics page as that county's administrator (server time, through the test
client). Each figure is the median of a few runs after one warm-up.
"""
from __future__ import annotations

import datetime
import time

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.register import benchdata
from dangjian.register.models import Division, Member, Organization
from dangjian.register.vocab import ETHNIC_GROUPS

TARGET_MEMBERS = 100_000
PREFIX = "统计基准"
ROOT_ORG_NAME = f"中共{PREFIX}县委员会"
ID_REGION = "459988"  # not a real region code, and not the one of the sample county, conftest or roster bench
ADMIN_USERNAME = "stats_bench_admin"
RUNS = 3


_tree_rows = benchdata.tree_children


@transaction.atomic
def build_county(townships: int = 20, villages_per_township: int = 30) -> Organization:
    """The bench county's divisions and organisations (idempotent: an existing one is returned)."""
    existing = Organization.objects.filter(name=ROOT_ORG_NAME).first()
    if existing is not None:
        return existing
    root_div, root = benchdata.county_root(PREFIX, ROOT_ORG_NAME)

    kinds = ["镇", "乡", "街道"]
    town_divs = _tree_rows(Division, root_div, [
        {"name": f"{PREFIX}{i:02d}{kinds[i % 3]}", "category": kinds[i % 3]} for i in range(townships)])
    committees = _tree_rows(Organization, root, [
        {"name": f"中共{d.name}{'工作' if d.category == '街道' else ''}委员会",
         "org_type": "党工委" if d.category == "街道" else "党委", "unit_type": "街道" if d.category == "街道" else "乡镇",
         "division": d} for d in town_divs])
    for town_div, committee in zip(town_divs, committees):
        urban = town_div.category == "街道"
        village_divs = _tree_rows(Division, town_div, [
            {"name": f"{town_div.name}{j:02d}{'社区' if urban else '村'}",
             "category": ("城市社区" if j % 4 else "村改居社区") if urban else "村"} for j in range(villages_per_township)])
        branches = [{"name": f"中共{d.name}支部委员会", "org_type": "党支部", "unit_type": "社区" if urban else "村",
                     "division": d} for d in village_divs]
        branches += [{"name": f"{town_div.name}第{k + 1}非公企业联合党支部" if k % 2 else f"{town_div.name}第{k + 1}企业党支部",
                      "org_type": "联合党支部" if k % 2 else "党支部",
                      "unit_type": "社会组织" if k % 4 == 3 else "非公有制企业", "division": town_div} for k in range(6)]
        branches.append({"name": f"中共{town_div.name}机关总支部委员会", "org_type": "党总支", "unit_type": "机关",
                         "division": town_div})
        _tree_rows(Organization, committee, branches)
    return root


def _minority_or_han(rng) -> str:
    return rng.choice(ETHNIC_GROUPS[1:]) if rng.random() < 0.08 else "汉族"


def _status(rng) -> str:
    return "停止党籍" if rng.random() < 0.004 else "正常"


def ensure_members(target: int = TARGET_MEMBERS, *, batch: int = 5000) -> int:
    """Top the database up to ``target`` members inside the bench county; returns how many were added."""
    missing = target - Member.objects.count()
    if missing <= 0:
        return 0
    root = build_county()
    branches = list(Organization.objects.subtree(root).filter(org_type__in=["党支部", "联合党支部"]).order_by("path"))
    start = Member.objects.in_subtree(root).count()
    today = datetime.date.today()
    rows = benchdata.member_rows(branches, start, missing, today, region=ID_REGION, name_prefix="基准党员",
                                 phone_prefix="13", ethnicity=_minority_or_han, status=_status)
    added = benchdata.insert_in_batches(Member, rows, batch)
    # Refresh the planner's statistics after the bulk load, as autovacuum would shortly after a
    # large import; without them PostgreSQL plans the subtree queries for empty tables.
    benchdata.refresh_planner_statistics("register_member", "register_organization", "register_division")
    return added


_largest = benchdata.largest


def _median_ms(fn, runs: int = RUNS) -> float:
    return benchdata.median_ms(fn, runs)


def _bench_admin(county: Organization):
    return benchdata.bench_admin(ADMIN_USERNAME, county, "统计基准管理员")


def run(report) -> None:
    from dangjian.stats.services import compute_party_stats

    started = time.perf_counter()
    added = ensure_members()
    total = Member.objects.count()
    report("统计：准备基准数据", (time.perf_counter() - started) * 1000,
           note=f"新增党员{added}名，库中共{total}名（{connection.vendor}）")

    report("统计：compute_party_stats 全库", _median_ms(lambda: compute_party_stats()), note=f"{total}名党员")
    county = _largest(1)
    if county is None:
        return
    county_members = Member.objects.in_subtree(county).count()
    report("统计：compute_party_stats 全县", _median_ms(lambda: compute_party_stats(county)),
           note=f"{county.name}，{county_members}名党员")
    # Each app's block on its own, so that a slow block shows by name.
    from dangjian.core.extensions import stats_blocks
    from dangjian.stats.services import resolve_period

    as_of, date_from, date_to = resolve_period(None, None, None)
    for block in stats_blocks():
        report(f"统计：分块 {block.key}（全县）",
               _median_ms(lambda block=block: block.compute(county, as_of, date_from, date_to)), note=block.label)
    township = _largest(2, county.path)
    if township is not None:
        report("统计：compute_party_stats 一个乡镇", _median_ms(lambda: compute_party_stats(township)),
               note=f"{township.name}，{Member.objects.in_subtree(township).count()}名党员")

    client = Client()
    client.force_login(_bench_admin(county))
    url = reverse("stats:index")
    statuses = []

    def get_page():
        statuses.append(client.get(url).status_code)

    page_ms = _median_ms(get_page)
    with CaptureQueriesContext(connection) as queries:
        get_page()
    ok = set(statuses) == {200}
    report("统计：统计分析页面（县委组织部管理员）", page_ms,
           note=f"服务器端耗时，{len(queries)}条SQL" + ("" if ok else f"；状态码{sorted(set(statuses))}"))
