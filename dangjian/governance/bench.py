"""``make bench``: the ``governance`` block for a county with 200,000 service requests and 10,000 matters
(target < 500 ms), county-wide and for one township, plus the requests page of a township organiser.

A county of its own (治理基准县: 20 townships × 25 villages, one village branch each) is bulk-created
once; requests spread over three years and the three levels, matters over the villages (a quarter
decided in the last year), 5,000 disputes and 1,000 cases.
"""
from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.core.scope import subtree_q
from dangjian.register import benchdata
from dangjian.register.models import Division, Organization

from .models import Dispute, FourWindsCase, Matter, ServiceItem, ServiceRequest
from .statistics import governance

PREFIX = "治理基准"
ROOT_ORG_NAME = f"中共{PREFIX}县委员会"
TOWNSHIPS, VILLAGES, REQUESTS, MATTERS = 20, 25, 200_000, 10_000
RUNS = 5


@transaction.atomic
def build_county(today: datetime.date):
    root_div, root = benchdata.county_root(PREFIX, ROOT_ORG_NAME)
    towns = benchdata.tree_children(Division, root_div, [{"name": f"{PREFIX}{t}镇", "category": "镇"}
                                                         for t in range(TOWNSHIPS)])
    committees = benchdata.tree_children(Organization, root, [
        {"name": f"中共{d.name}委员会", "org_type": "党委", "unit_type": "乡镇", "division": d} for d in towns])
    villages, branches = [], []
    for town, committee in zip(towns, committees):
        vs = benchdata.tree_children(Division, town, [{"name": f"{town.name}{v}村", "category": "村"}
                                                      for v in range(VILLAGES)])
        villages += vs
        branches += benchdata.tree_children(Organization, committee, [
            {"name": f"{v.name}党支部", "org_type": "党支部", "unit_type": "村", "division": v} for v in vs])
    rng = random.Random(9)
    items = ServiceItem.objects.bulk_create([
        ServiceItem(category=f"{PREFIX}大类{i % 8}", name=f"{PREFIX}事项{i}", level=("县级", "乡镇级", "村级")[i % 3])
        for i in range(40)])

    def requests():
        for i in range(REQUESTS):
            level = ("县级", "乡镇级", "村级")[i % 3]
            division = root_div if level == "县级" else (towns[i % TOWNSHIPS] if level == "乡镇级" else villages[i % len(villages)])
            accepted = today - datetime.timedelta(days=rng.randint(0, 1095))
            closed = accepted + datetime.timedelta(days=rng.randint(0, 30)) if rng.random() < 0.9 else None
            closed = closed if closed and closed <= today else None
            yield ServiceRequest(number=f"{PREFIX}{i:07d}", level=level, division=division, item=items[i % 40],
                                 accepted_on=accepted, closed_on=closed, handled_level=level, handled_division=division,
                                 days_to_close=(closed - accepted).days if closed else None)
    benchdata.insert_in_batches(ServiceRequest, requests())

    def matters():
        for i in range(MATTERS):
            opened = today - datetime.timedelta(days=rng.randint(30, 1095))
            decided = opened + datetime.timedelta(days=rng.randint(20, 120)) if i % 4 else None
            decided = decided if decided and decided <= today else None
            yield Matter(organization=branches[i % len(branches)], name=f"{PREFIX}事项{i}", category="其他",
                         opened_on=opened, last_step_on=decided or opened, steps_done=6 if decided else 1,
                         status="decided" if decided else "open", decided_on=decided)
    benchdata.insert_in_batches(Matter, matters())
    benchdata.insert_in_batches(Dispute, (
        Dispute(case_no=f"{PREFIX}TJ{i}", division=villages[i % len(villages)], category="邻里",
                accepted_on=today - datetime.timedelta(days=i % 730), result="调处成功" if i % 3 else "",
                closed_on=today - datetime.timedelta(days=i % 730) if i % 3 else None) for i in range(5000)))
    benchdata.insert_in_batches(FourWindsCase, (
        FourWindsCase(case_no=f"{PREFIX}SF{i}", division=villages[i % len(villages)], category="腐败",
                      opened_on=today - datetime.timedelta(days=400), concluded_on=today - datetime.timedelta(days=i % 365))
        for i in range(1000)))
    return root, committees[0]


def run(report) -> None:
    today = timezone.localdate()
    root = Organization.objects.filter(name=ROOT_ORG_NAME).first()
    if root is None:
        root, township = build_county(today)
        # Outside the building transaction (PostgreSQL's VACUUM refuses to run inside one).
        benchdata.refresh_planner_statistics("governance_servicerequest", "governance_matter", "governance_dispute",
                                             "register_division", "register_organization",
                                             vacuum=("governance_servicerequest", "governance_matter"))
    else:
        township = Organization.objects.filter(subtree_q(root), depth=root.depth + 1).order_by("path").first()
    date_from, date_to = datetime.date(today.year - 1, today.month, 1), today
    whole = benchdata.median_ms(lambda: governance(None, today, date_from, date_to), RUNS)
    report("governance 统计块：全库（20 万条便民服务、1 万件议事事项）", round(whole, 1), "ms", "目标 < 500 ms")
    county = benchdata.median_ms(lambda: governance(root, today, date_from, date_to), RUNS)
    report("governance 统计块：基准县（按组织和区划子树）", round(county, 1), "ms", "目标 < 500 ms")
    town = benchdata.median_ms(lambda: governance(township, today, date_from, date_to), RUNS)
    report("governance 统计块：一个镇", round(town, 1), "ms")
    admin = benchdata.bench_admin("governance_bench_admin", root, "治理基准管理员")
    client = Client()
    client.force_login(admin)
    url = reverse("governance:requests") + f"?from={date_from}&to={date_to}"
    page = benchdata.median_ms(lambda: client.get(url), 3)
    report("便民服务页面（县委组织部管理员，近一年）", round(page, 1), "ms")
