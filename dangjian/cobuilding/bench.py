"""``make bench``: the ``co_building`` and ``two_new`` blocks for a county with 2,000 "两新" units and 50 regional
committees (target < 300 ms for both blocks together).

A county of its own (共建基准县) is bulk-created once: 10 subdistricts × 5 communities, each with a 党工委 / 社区党委
hosting a regional committee (10 + 40 = 50), 12 member units, 5 part-time members, 20 co-building matters and 6
shared resources per region; 400 "两新" Party branches and 2,000 units (a third without a body), two published rating
cycles. Then the median of a few runs of both blocks for the whole county and for one subdistrict, and the region
list and the coverage page as the county's administrator.
"""
from __future__ import annotations

import datetime
import random
import time

from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.core.scope import subtree_q
from dangjian.register import benchdata
from dangjian.register.models import Division, Organization

from . import rules
from .models import Brand, Matter, MemberUnit, PartTimeMember, Region, SharedResource, StarRating, TwoNewUnit
from .statistics import co_building, two_new

PREFIX = "共建基准"
ROOT_ORG_NAME = f"中共{PREFIX}县委员会"
ADMIN_USERNAME = "cobuilding_bench_admin"
STREETS, COMMUNITIES, UNITS, FIRMS = 10, 4, 2000, 400
RUNS = 5


@transaction.atomic
def build_county(today: datetime.date) -> Organization:
    existing = Organization.objects.filter(name=ROOT_ORG_NAME).first()
    if existing is not None:
        return existing
    rng = random.Random(2000)
    root_div, root = benchdata.county_root(PREFIX, ROOT_ORG_NAME)
    streets = benchdata.tree_children(Division, root_div, [{"name": f"{PREFIX}第{i + 1}街道", "category": "街道"}
                                                           for i in range(STREETS)])
    committees = benchdata.tree_children(Organization, root, [
        {"name": f"中共{PREFIX}第{i + 1}街道工作委员会", "org_type": "党工委", "unit_type": "街道", "division": streets[i]}
        for i in range(STREETS)])
    hosts, firms = list(committees), []
    for i, (street, committee) in enumerate(zip(streets, committees)):
        comms = benchdata.tree_children(Division, street, [{"name": f"{PREFIX}第{i + 1}街道第{j + 1}社区", "category": "城市社区"}
                                                           for j in range(COMMUNITIES)])
        children = benchdata.tree_children(Organization, committee, [
            {"name": f"中共{PREFIX}第{i + 1}街道第{j + 1}社区委员会", "org_type": "党委", "unit_type": "社区", "division": comms[j]}
            for j in range(COMMUNITIES)] + [
            {"name": f"{PREFIX}第{i + 1}街道第{k + 1}企业党支部", "org_type": "党支部", "unit_type": "非公有制企业",
             "division": street} for k in range(FIRMS // STREETS)])
        hosts += [o for o in children if o.org_type == "党委"]
        firms += [o for o in children if o.org_type == "党支部"]
    regions = Region.objects.bulk_create([Region(organization=o, kind="street" if o.org_type == "党工委" else "community")
                                          for o in hosts])
    day = lambda: today - datetime.timedelta(days=rng.randint(1, 1500))  # noqa: E731
    units, members, matters, resources = [], [], [], []
    for region in regions:
        for k in range(12):
            joined = day()
            units.append(MemberUnit(region=region, unit_name=f"{PREFIX}共建单位{k}", joined_on=joined,
                                    left_on=joined + datetime.timedelta(days=200) if k % 5 == 0 else None))
        members += [PartTimeMember(region=region, name=f"委员{k}", unit_name=f"{PREFIX}共建单位{k}", started_on=day())
                    for k in range(5)]
        matters += [Matter(region=region, category="协商问题" if k % 2 else "共建承诺", title=f"事项{k}", raised_on=day(),
                           completed_on=today - datetime.timedelta(days=rng.randint(0, 300)) if k % 3 else None)
                    for k in range(20)]
        resources += [SharedResource(region=region, provider=f"{PREFIX}共建单位{k}", name=f"资源{k}", category="场地",
                                     registered_on=day()) for k in range(6)]
    MemberUnit.objects.bulk_create(units, batch_size=2000)
    PartTimeMember.objects.bulk_create(members, batch_size=2000)
    Matter.objects.bulk_create(matters, batch_size=2000)
    SharedResource.objects.bulk_create(resources, batch_size=2000)
    streets_by_pk = {s.pk: s for s in streets}
    TwoNewUnit.objects.bulk_create([
        TwoNewUnit(name=f"{PREFIX}两新单位{n:05d}", category="非公有制企业" if n % 4 else "社会组织",
                   division=streets_by_pk[firms[n % len(firms)].division_id], staff_count=rng.randint(5, 800),
                   member_count=rng.randint(0, 20), organization=firms[n % len(firms)] if n % 3 else None,
                   instructor="" if n % 3 else "指导员", surveyed_on=day()) for n in range(UNITS)], batch_size=2000)
    StarRating.objects.bulk_create([
        StarRating(organization=o, year=year, score=s, stars=rules.stars_for(s, False), status="published")
        for o in firms for year in (today.year - 2, today.year - 1) for s in [rng.randint(50, 99)]], batch_size=2000)
    Brand.objects.bulk_create([Brand(organization=o, name=f"品牌{i}", applied_on=day(), recognised_on=today - datetime.timedelta(days=i))
                               for i, o in enumerate(hosts)])
    return root


def run(report) -> None:
    today = timezone.localdate()
    t0 = time.perf_counter()
    root = build_county(today)
    benchdata.refresh_planner_statistics("cobuilding_twonewunit", "cobuilding_memberunit", "cobuilding_starrating")
    report("生成基准县（50个区域党组织、2,000个两新组织）", round((time.perf_counter() - t0) * 1000), "ms", "只在首次运行时生成")
    frm = datetime.date(today.year, 1, 1)
    units = TwoNewUnit.objects.filter(subtree_q(root.division, "division")).count()
    regions = Region.objects.filter(subtree_q(root, "organization")).count()

    def both(org):
        co_building(org, today, frm, today)
        two_new(org, today, frm, today)

    report("统计块 co_building + two_new（全县）", round(benchdata.median_ms(lambda: both(root), RUNS), 1), "ms",
           f"{regions}个区域党组织，{units}个两新组织；目标 < 300 ms")
    street = Organization.objects.get(name=f"中共{PREFIX}第1街道工作委员会")
    report("统计块 co_building + two_new（一个街道）", round(benchdata.median_ms(lambda: both(street), RUNS), 1), "ms")

    admin = benchdata.bench_admin(ADMIN_USERNAME, root, "共建基准管理员")
    client = Client()
    client.force_login(admin)
    for label, url in (("区域化党建首页", reverse("cobuilding:index")), ("两新组织列表第1页", reverse("cobuilding:twonew")),
                       ("两新组织覆盖情况", reverse("cobuilding:coverage")),
                       ("星级评定到期待评", reverse("cobuilding:ratings_due")),
                       ("本年度党建工作经费", reverse("cobuilding:subsidies")),
                       ("联席会议列表第1页（含议程送达情况）", reverse("cobuilding:meetings_list"))):
        def page(url=url):
            response = client.get(url)
            assert response.status_code == 200, response.status_code
        report(f"{label}（县委组织部管理员）", round(benchdata.median_ms(page, RUNS), 1), "ms", "服务器端耗时，含模板渲染")
