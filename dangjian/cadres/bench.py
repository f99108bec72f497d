"""``make bench``: the ``cadres`` block for a county of 1,500 organisations and 20,000 cadre rows.

A county of its own (干部基准县) is bulk-created once: 30 townships, each with a 党委 and 49 branches
(10 of them in 城市社区/村改居社区 divisions), every organisation with a secretary history (two earlier
secretaries and the serving one), deputies and committee members, communities with full-time deputies
and reserve cadres, party workers; 4 training classes with attendance (by ID number and by name),
community funds for two years, venue investments and pay standards. Then, as the median of a few runs
after a warm-up: the block for the county and for one township, and the teams and coverage pages as
the county's administrator (server time through the test client). Target: block < 300 ms.
"""
from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.core import crypto
from dangjian.register import benchdata
from dangjian.core.scope import subtree_q
from dangjian.register.models import Division, Organization

from .models import Cadre, CommunityFund, PayStandard, TrainingAttendance, TrainingClass, VenueInvestment
from .statistics import cadres

PREFIX = "干部基准"
ROOT_ORG_NAME = f"中共{PREFIX}县委员会"
ADMIN_USERNAME = "cadres_bench_admin"
TOWNSHIPS, BRANCHES, COMMUNITIES = 30, 49, 10
TARGET_ROWS = 20_000
RUNS = 5

_children = benchdata.tree_children


@transaction.atomic
def build_county(today: datetime.date) -> Organization:
    existing = Organization.objects.filter(name=ROOT_ORG_NAME).first()
    if existing is not None:
        return existing
    rng = random.Random(2020)
    root_div, root = benchdata.county_root(PREFIX, ROOT_ORG_NAME)
    towns = _children(Division, root_div, [{"name": f"{PREFIX}第{i + 1}镇", "category": "镇"} for i in range(TOWNSHIPS)])
    committees = _children(Organization, root, [
        {"name": f"中共{PREFIX}第{i + 1}镇委员会", "org_type": "党委", "unit_type": "乡镇", "division": towns[i]}
        for i in range(TOWNSHIPS)])
    orgs = list(committees)
    communities = []
    for i, (town, committee) in enumerate(zip(towns, committees)):
        divs = _children(Division, town, [
            {"name": f"{PREFIX}第{i + 1}镇第{j + 1}社区", "category": "城市社区" if j % 2 else "村改居社区"}
            for j in range(COMMUNITIES)])
        communities += divs
        orgs += _children(Organization, committee, [
            {"name": f"{PREFIX}第{i + 1}镇第{j + 1}党支部", "org_type": "党支部",
             "unit_type": "社区" if j < COMMUNITIES else "村", "division": divs[j] if j < COMMUNITIES else town}
            for j in range(BRANCHES)])
    rows, serial = [], 0

    def cadre(org, post, start, end=None, with_id=False):
        nonlocal serial
        serial += 1
        c = Cadre(organization=org, name=f"基准干部{serial}", post=post, started_on=start, ended_on=end,
                  sex="女" if serial % 3 == 0 else "男", birth_date=datetime.date(1960 + serial % 35, 1 + serial % 12, 1),
                  education="大学本科" if serial % 2 else "高中")
        if with_id:
            number = benchdata.id_number("419977", c.birth_date, serial % 1000)
            c.id_number_encrypted, c.id_number_hash = crypto.encrypt(number), crypto.lookup_hash(number)
        rows.append(c)
        return c

    by_org = {}
    for k, org in enumerate(orgs):
        community = org.unit_type == "社区"
        start = today - datetime.timedelta(days=rng.randint(60, 1500))
        previous = start - datetime.timedelta(days=rng.randint(800, 1500))
        cadre(org, "书记", previous - datetime.timedelta(days=rng.randint(800, 1500)), previous)
        cadre(org, "书记", previous, start)
        if k % 40 != 7:
            by_org[org.pk] = cadre(org, "书记", start, with_id=k % 3 == 0)
        cadre(org, "副书记", start)
        for _ in range(3):
            cadre(org, "委员", start)
        cadre(org, "委员", previous, start)
        if community:
            for _ in range(rng.randint(0, 2)):
                cadre(org, "专职副书记", start)
            for _ in range(rng.randint(0, 6)):
                cadre(org, "后备干部", start - datetime.timedelta(days=rng.randint(0, 700)))
        cadre(org, "专职党务工作者", start)
    while len(rows) < TARGET_ROWS:  # earlier committees fill the rest
        org = orgs[len(rows) % len(orgs)]
        cadre(org, "委员", today - datetime.timedelta(days=4000), today - datetime.timedelta(days=2500))
    Cadre.objects.bulk_create(rows, batch_size=2000)

    classes = TrainingClass.objects.bulk_create([
        TrainingClass(name=f"{PREFIX}培训班{i + 1}", started_on=today - datetime.timedelta(days=60 * (i + 1)),
                      ended_on=today - datetime.timedelta(days=60 * (i + 1) - 3), hours=Decimal(16 + 8 * i), organization=root)
        for i in range(4)])
    attendances = []
    for k, (org_id, c) in enumerate(by_org.items()):
        if k % 3 == 2:
            continue
        attendances.append(TrainingAttendance(training=classes[k % 4], name=c.name, organization_id=org_id, role="书记",
                                              id_number_encrypted=c.id_number_encrypted, id_number_hash=c.id_number_hash))
    TrainingAttendance.objects.bulk_create(attendances, batch_size=2000)
    CommunityFund.objects.bulk_create([
        CommunityFund(division=d, year=year, category=cat, amount=Decimal(rng.randint(40, 130) * 1000))
        for d in communities for year in (today.year - 1, today.year)
        for cat in ("社区工作经费", "党建工作经费", "服务群众专项经费") if (d.pk + len(cat)) % 17])
    VenueInvestment.objects.bulk_create([
        VenueInvestment(division=rng.choice(communities + towns), project=f"{PREFIX}阵地项目{i}",
                        invested_on=today - datetime.timedelta(days=rng.randint(1, 700)), amount=Decimal(rng.randint(10, 900) * 1000))
        for i in range(600)])
    if not PayStandard.objects.exists():
        PayStandard.objects.bulk_create([
            PayStandard(category=cat, post="书记", amount=Decimal(amount), effective_on=datetime.date(year, 1, 1))
            for cat in ("城市社区", "村改居社区") for year, amount in ((2021, 3000), (2024, 3600), (2026, 4200))])
    return root


def run(report) -> None:
    today = timezone.localdate()
    t0 = time.perf_counter()
    root = build_county(today)
    benchdata.refresh_planner_statistics("cadres_cadre", "cadres_trainingattendance", "cadres_communityfund",
                                         "cadres_venueinvestment", "register_organization", "register_division",
                                         vacuum=["cadres_cadre"])
    orgs = Organization.objects.filter(subtree_q(root)).count()
    rows = Cadre.objects.filter(subtree_q(root, "organization")).count()
    report("生成基准县（干部）", round((time.perf_counter() - t0) * 1000), "ms", "只在首次运行时生成；随后 ANALYZE")
    year_from = today - datetime.timedelta(days=365)
    block = cadres(root, today, year_from, today)
    report("统计块 cadres（全县）", round(benchdata.median_ms(lambda: cadres(root, today, year_from, today), RUNS), 1), "ms",
           f"{orgs}个党组织、{rows}条干部记录、{block['communities']}个社区、{block['secretaries']}名在任书记；目标 < 300 ms")
    township = Organization.objects.filter(subtree_q(root), depth=root.depth + 1).order_by("path").first()
    report("统计块 cadres（一个乡镇）", round(benchdata.median_ms(lambda: cadres(township, today, year_from, today), RUNS), 1), "ms")

    admin = benchdata.bench_admin(ADMIN_USERNAME, root, "干部基准管理员")
    client = Client()
    client.force_login(admin)

    def page(url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, response.status_code
        return get

    report("党组织班子页面（全县第1页）", round(benchdata.median_ms(page(reverse("cadres:index")), RUNS), 1), "ms",
           "服务器端耗时，含全县1,500个党组织的班子计算")
    report("培训覆盖页面（全县）", round(benchdata.median_ms(page(reverse("cadres:coverage") + f"?from={year_from}&to={today}"), RUNS), 1), "ms")
    report("干部名录页面（第1页）", round(benchdata.median_ms(page(reverse("cadres:cadre_list")), RUNS), 1), "ms")
