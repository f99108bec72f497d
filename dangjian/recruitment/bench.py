"""``make bench``: the to-do list (待办) of a county with 3,000 recruitments under way.

A county of its own (发展党员基准县: 10 townships, 100 branches) is bulk-created once, with 3,000
open files at random steps whose dates follow ``plan.plan_dates`` relative to today. The to-do
page is then timed as that county's administrator (server time through the test client, median
of a few runs after a warm-up), and so is the bare computation of the items.
"""
from __future__ import annotations

import datetime
import random
import time

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.core import crypto
from dangjian.register import benchdata
from dangjian.register.models import Division, Organization
from dangjian.register.rules import add_years

from .models import Recruitment, Status
from .plan import plan_dates
from .rules import probation_end

PREFIX = "发展党员基准"
ROOT_NAME = f"中共{PREFIX}县委员会"
ADMIN_USERNAME = "recruitment_bench_admin"
ID_REGION = "459977"
OPEN_FILES = 3000
RUNS = 5


def _node(model, parent, **fields):
    obj = model(**fields)
    obj.assign_path(parent)
    obj.save()
    return obj


@transaction.atomic
def build_county() -> Organization:
    root = Organization.objects.filter(name=ROOT_NAME).first()
    if root is not None:
        return root
    county_div = _node(Division, None, name=f"{PREFIX}县", category="县")
    root = _node(Organization, None, name=ROOT_NAME, org_type="县委", unit_type="机关", division=county_div)
    for t in range(10):
        town_div = _node(Division, county_div, name=f"{PREFIX}县{t + 1}镇", category="镇")
        town = _node(Organization, root, name=f"中共{PREFIX}县{t + 1}镇委员会", org_type="党委", unit_type="乡镇",
                     division=town_div)
        for b in range(10):
            _node(Organization, town, name=f"{PREFIX}县{t + 1}镇{b + 1}村党支部", org_type="党支部",
                  unit_type="非公有制企业" if b == 9 else "村", division=town_div)
    return root


def _id_number(birth: datetime.date, sex: str, serial: int) -> str:
    return benchdata.id_number(ID_REGION, birth, (serial % 499) * 2 + (1 if sex == "男" else 0))


def ensure_files(root: Organization) -> int:
    have = Recruitment.objects.in_subtree(root).filter(status=Status.OPEN).count()
    if have >= OPEN_FILES:
        return 0
    rng = random.Random(2026)
    today = timezone.localdate()
    branches = list(Organization.objects.subtree(root).filter(org_type="党支部"))
    rows, serial = [], 0
    used = set(Recruitment.objects.in_subtree(root).values_list("id_number_hash", flat=True))
    while len(rows) < OPEN_FILES - have:
        serial += 1
        last = rng.randrange(1, 25)
        applied = today - datetime.timedelta(days=rng.randrange(5, 900))
        plan = plan_dates(applied, rng)
        if plan.steps[last] > today:
            continue
        sex = rng.choice("男女")
        birth = add_years(applied, -rng.randrange(19, 45)) - datetime.timedelta(days=rng.randrange(300))
        id_number = _id_number(birth, sex, serial)
        digest = crypto.lookup_hash(id_number)
        if digest in used:
            continue
        used.add(digest)
        s = plan.steps
        r = Recruitment(name=f"基准{serial}", sex=sex, birth_date=birth, education="大学本科", occupation="工人",
                        organization=rng.choice(branches), status=Status.OPEN, last_step=last, last_step_on=s[last],
                        applied_on=s[1], id_number_encrypted=crypto.encrypt(id_number), id_number_hash=digest)
        r.talked_on = s[2] if last >= 2 else None
        r.activist_on = s[3] if last >= 3 else None
        r.last_review_on = s[6] if last >= 6 else None
        r.target_on = s[7] if last >= 7 else None
        r.political_review_on = s[10] if last >= 10 else None
        if last >= 11 and plan.publicity:
            r.publicity_start_on, r.publicity_end_on = plan.publicity
        r.admitted_on = s[15] if last >= 15 else None
        r.probation_ends_on = probation_end(s[15], None) if last >= 15 else None
        r.approved_on = s[17] if last >= 17 else None
        rows.append(r)
    Recruitment.objects.bulk_create(rows, batch_size=500)
    benchdata.refresh_planner_statistics("recruitment_recruitment", "register_organization")
    return len(rows)


def _admin(root):
    return benchdata.bench_admin(ADMIN_USERNAME, root, "发展党员基准管理员")


def _median_ms(fn) -> float:
    return benchdata.median_ms(fn, RUNS)


def run(report) -> None:
    from .todo import todo_for_user

    started = time.perf_counter()
    root = build_county()
    added = ensure_files(root)
    report("发展党员：准备基准数据", (time.perf_counter() - started) * 1000,
           note=f"新增进行中的纪实{added}份（{connection.vendor}）")
    user = _admin(root)
    today = timezone.localdate()
    items = todo_for_user(user, today)
    report("发展党员：计算全县待办", _median_ms(lambda: todo_for_user(user, today)),
           note=f"{Recruitment.objects.for_user(user).filter(status=Status.OPEN).count()}份进行中，{len(items)}项待办")
    client = Client()
    client.force_login(user)
    url = reverse("recruitment:todo")
    statuses = []

    def get_page():
        statuses.append(client.get(url).status_code)

    page_ms = _median_ms(get_page)
    with CaptureQueriesContext(connection) as queries:
        get_page()
    ok = set(statuses) == {200}
    report("发展党员：待办页面（县委组织部管理员，3000份进行中）", page_ms,
           note=f"服务器端耗时，{len(queries)}条SQL，目标<200ms" + ("" if ok else f"；状态码{sorted(set(statuses))}"))
    list_url = reverse("recruitment:list")
    report("发展党员：名册页面（县委组织部管理员）", _median_ms(lambda: client.get(list_url)), note="每页50条")
