"""``make bench``: the quarterly bulletin (季评比) of a county with 1,500 branches and 60,000 records.

A county of its own (组织生活基准县, names that clash with no other bench) is bulk-created once:
30 townships × 50 branches, 8 members in half the branches (so that some owe 支部委员会会议) and 4
in the others, party groups in 100 branches, and 60,000 activity records spread over the last year.
Then, as the median of a few runs after a warm-up: the compliance computation of the county's
last complete quarter, the bulletin page as the county's administrator (server time through the
test client), its .docx and .xlsx, and the stats block for the year.
"""
from __future__ import annotations

import datetime
import random
import time

from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.core import roles
from dangjian.core import crypto
from dangjian.register import benchdata
from dangjian.register.models import Division, Member, Organization

from . import bulletin, compliance, rules
from .models import Activity, PartyGroup
from .statistics import organisational_life
from .vocab import ActivityType as T

PREFIX = "组织生活基准"
ROOT_ORG_NAME = f"中共{PREFIX}县委员会"
ADMIN_USERNAME = "orglife_bench_admin"
TOWNSHIPS, BRANCHES_PER_TOWNSHIP, RECORDS = 30, 50, 60_000
RUNS = 3


_children = benchdata.tree_children


@transaction.atomic
def build_county(today: datetime.date) -> Organization:
    existing = Organization.objects.filter(name=ROOT_ORG_NAME).first()
    if existing is not None:
        return existing
    rng = random.Random(1500)
    root_div, root = benchdata.county_root(PREFIX, ROOT_ORG_NAME)
    towns = _children(Division, root_div, [{"name": f"{PREFIX}第{i + 1}镇", "category": "镇"} for i in range(TOWNSHIPS)])
    committees = _children(Organization, root, [
        {"name": f"中共{PREFIX}第{i + 1}镇委员会", "org_type": "党委", "unit_type": "乡镇", "division": towns[i]}
        for i in range(TOWNSHIPS)])
    branches = []
    for i, committee in enumerate(committees):
        branches += _children(Organization, committee, [
            {"name": f"{PREFIX}第{i + 1}镇第{j + 1}党支部", "org_type": "党支部", "unit_type": "村", "division": towns[i]}
            for j in range(BRANCHES_PER_TOWNSHIP)])

    members, serial = [], 0
    for k, branch in enumerate(branches):
        for _ in range(8 if k % 2 == 0 else 4):
            serial += 1
            m = Member(name=f"基准党员{serial}", sex="男", birth_date=datetime.date(1975, 1, 1), education="高中",
                       occupation="农牧渔民", organization=branch, joined_on=datetime.date(2000, 7, 1),
                       full_on=datetime.date(2001, 7, 1))
            m.id_number_encrypted = crypto.encrypt(f"BENCH{serial:013d}")
            m.id_number_hash = crypto.lookup_hash(f"orglife-bench-{serial}")
            members.append(m)
    Member.objects.bulk_create(members, batch_size=2000)
    PartyGroup.objects.bulk_create([PartyGroup(branch=b, name="第一党小组") for b in branches[:100]])

    start = today - datetime.timedelta(days=365)
    types = [T.THEME_DAY] * 12 + [T.BRANCH_COMMITTEE_MEETING] * 10 + [T.BRANCH_GENERAL_MEETING] * 4 + \
        [T.PARTY_LECTURE] * 4 + [T.GROUP_MEETING] * 4 + [T.HEART_TO_HEART_TALK] * 3 + \
        [T.LIFE_MEETING, T.DEMOCRATIC_APPRAISAL, T.THEME_DAY]
    per_branch = RECORDS // len(branches)
    activities = []
    for b in branches:
        for n in range(per_branch):
            t = types[n % len(types)]
            day = start + datetime.timedelta(days=rng.randint(0, 364))
            expected = rng.randint(4, 40)
            present = rng.randint(expected // 2, expected)
            recorded = day + datetime.timedelta(days=rng.choice([0, 1, 2, 12]))
            activities.append(Activity(
                organization=b, activity_type=t, date=day, start_time=datetime.time(n % 24, 0),
                end_time=datetime.time(n % 24, 30), place="会议室", host="书记", topic=f"基准活动{n}",
                lecturer="讲师" if t == T.PARTY_LECTURE else "", expected_count=expected, present_count=present,
                quorum_met=rules.quorum_met(t, expected, present), recorded_on=min(recorded, today),
                is_late=(recorded - day).days > 7))
    Activity.objects.bulk_create(activities, batch_size=5000)
    return root


def analyse() -> None:
    """Fresh planner statistics after the bulk load, as autovacuum would gather on a live server."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _median_ms(fn) -> float:
    return round(benchdata.median_ms(fn, RUNS), 1)


def run(report) -> None:
    from dangjian.accounts.models import User

    today = timezone.localdate()
    t0 = time.perf_counter()
    root = build_county(today)
    analyse()
    report("生成基准县（1,500个支部、60,000条记录）", round((time.perf_counter() - t0) * 1000), "ms", "只在首次运行时生成；随后 ANALYZE")
    branches = Organization.objects.in_subtree(root).filter(org_type="党支部").count()
    records = Activity.objects.in_subtree(root).count()
    last_quarter = rules.period_containing(rules.period_containing(today, 3).start - datetime.timedelta(days=1), 3)

    report("季度合规计算（compliance.compute）", _median_ms(lambda: compliance.compute(root, last_quarter.start, last_quarter.end)),
           "ms", f"{branches}个支部，{records}条记录，{last_quarter.label}；目标 < 2000 ms")
    b = bulletin.build(root, last_quarter)
    report("季度评比 Word 生成", _median_ms(lambda: bulletin.to_docx(bulletin.build(root, last_quarter))), "ms",
           f"{len(b.ranked)}行")
    report("季度评比 Excel 生成", _median_ms(lambda: bulletin.to_xlsx(bulletin.build(root, last_quarter))), "ms")
    year_from = today - datetime.timedelta(days=365)
    report("统计块 organisational_life（近一年）", _median_ms(lambda: organisational_life(root, today, year_from, today)), "ms")

    admin, _ = User.objects.get_or_create(username=ADMIN_USERNAME, defaults={"role": roles.COUNTY_ADMIN, "organization": root})
    client = Client()
    client.force_login(admin)
    url = reverse("orglife:bulletin") + f"?org={root.pk}&period={rules.period_code(last_quarter)}"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    report("季度评比页面（县委组织部管理员）", _median_ms(page), "ms", "服务器端耗时，含模板渲染；目标 < 2000 ms")
    compliance_url = reverse("orglife:compliance") + f"?org={root.pk}&period={rules.period_code(last_quarter)}"
    report("开展情况页面（按季度）", _median_ms(lambda: client.get(compliance_url)), "ms")
