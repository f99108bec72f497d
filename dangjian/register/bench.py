"""``make bench`` figures of the register pages at 100,000 members.

If the database holds fewer than 100,000 members, a county of its own (名册基准县: 8 townships of
25 village branches, every name prefixed 名册基准 so it never clashes with other benches' data)
is bulk-created and topped up to 100,000. Then, as that county's administrator through the test
client (server time; median of several runs after a warm-up): the member list filtered to the
largest township's subtree, page 1 and page 200 (50 per page), the unfiltered list, and the
organisation tree.
"""
from __future__ import annotations

import datetime
import statistics
import time

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.register import benchdata
from dangjian.register.models import Division, Member, Organization

TARGET_MEMBERS = 100_000
PREFIX = "名册基准"
ROOT_ORG_NAME = f"中共{PREFIX}县委员会"
ID_REGION = "459977"  # no real region; not the sample county's, conftest's, the demo's or another bench's
ADMIN_USERNAME = "register_bench_admin"
TOWNSHIPS, BRANCHES_PER_TOWNSHIP = 8, 25
RUNS = 7


@transaction.atomic
def build_county() -> Organization:
    existing = Organization.objects.filter(name=ROOT_ORG_NAME).first()
    if existing is not None:
        return existing
    root_div, root = benchdata.county_root(PREFIX, ROOT_ORG_NAME)
    _children = benchdata.tree_children
    town_divs = _children(Division, root_div, [{"name": f"{PREFIX}{i + 1}镇", "category": "镇"} for i in range(TOWNSHIPS)])
    committees = _children(Organization, root, [
        {"name": f"中共{d.name}委员会", "org_type": "党委", "unit_type": "乡镇", "division": d} for d in town_divs])
    for town_div, committee in zip(town_divs, committees):
        villages = _children(Division, town_div, [
            {"name": f"{town_div.name}{j + 1}村", "category": "村"} for j in range(BRANCHES_PER_TOWNSHIP)])
        _children(Organization, committee, [
            {"name": f"中共{d.name}支部委员会", "org_type": "党支部", "unit_type": "村", "division": d,
             "term_ends_on": datetime.date(2026, 12, 31) if k % 5 == 0 else None} for k, d in enumerate(villages)])
    return root


def ensure_members(target: int = TARGET_MEMBERS, batch: int = 5000) -> int:
    missing = target - Member.objects.count()
    if missing <= 0:
        return 0
    root = build_county()
    branches = list(Organization.objects.subtree(root).filter(org_type="党支部").order_by("path"))
    start = Member.objects.in_subtree(root).count()
    benchdata.insert_in_batches(Member, benchdata.member_rows(
        branches, start, missing, datetime.date.today(), region=ID_REGION, name_prefix="名册基准党员", phone_prefix="15"),
        batch)
    # After a bulk load, what autovacuum would soon do: planner statistics and, on PostgreSQL, the
    # visibility map that lets the per-organisation counts read the index alone.
    benchdata.refresh_planner_statistics("register_organization", "register_division", vacuum=["register_member"])
    return missing


_largest = benchdata.largest


def _admin(county: Organization):
    return benchdata.bench_admin(ADMIN_USERNAME, county, "名册基准管理员")


def _time(client, url, params, runs: int = RUNS):
    """(median ms, queries of one request, status codes)."""
    statuses = {client.get(url, params).status_code}  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        statuses.add(client.get(url, params).status_code)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    return statistics.median(times), len(queries), statuses


def run(report) -> None:
    started = time.perf_counter()
    added = ensure_members()
    total = Member.objects.count()
    report("名册：准备基准数据", (time.perf_counter() - started) * 1000,
           note=f"新增党员{added}名，库中共{total}名（{connection.vendor}）")
    county = _largest(1)
    if county is None:
        return
    township = _largest(2, county.path)
    client = Client()
    client.force_login(_admin(county))
    members_url = reverse("register:member_list")
    in_township = Member.objects.in_subtree(township).filter(status="正常").count()

    def note(queries, statuses, extra=""):
        return (f"{RUNS}次中位数，服务器端耗时，{queries}条SQL{extra}"
                + ("" if statuses == {200} else f"；状态码{sorted(statuses)}"))

    ms, queries, statuses = _time(client, members_url, {"org": township.pk})
    report("名册：党员列表 乡镇范围 第1页", ms, note=note(queries, statuses, f"；{township.name}，{in_township}名"))
    pages = (in_township + 49) // 50
    ms, queries, statuses = _time(client, members_url, {"org": township.pk, "page": 200})
    report("名册：党员列表 乡镇范围 第200页", ms,
           note=note(queries, statuses, "" if pages >= 200 else f"；该乡镇仅{pages}页，实为末页"))
    ms, queries, statuses = _time(client, members_url, {})
    report("名册：党员列表 全县 第1页", ms, note=note(queries, statuses, f"；{county.name}"))
    ms, queries, statuses = _time(client, members_url, {"org": township.pk, "q": "党员1", "age": "41_45", "page": 3})
    report("名册：党员列表 乡镇范围 姓名+年龄段筛选", ms, note=note(queries, statuses))
    ms, queries, statuses = _time(client, reverse("register:org_tree"), {})
    org_count = Organization.objects.subtree(county).count()
    report("名册：组织架构页（全县）", ms, note=note(queries, statuses, f"；{org_count}个组织"))
    ms, queries, statuses = _time(client, reverse("core:home"), {}, runs=5)
    report("名册：首页（含设置提示）", ms, note=note(queries, statuses))
