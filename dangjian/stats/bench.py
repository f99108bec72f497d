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
import random
import statistics
import time

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import Substr
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.core import crypto
from dangjian.core.tree import STEP, encode_step
from dangjian.register.models import Division, Member, Organization
from dangjian.register.rules import add_years, gb11643_check_char
from dangjian.register.vocab import ETHNIC_GROUPS, Education, Occupation

TARGET_MEMBERS = 100_000
PREFIX = "统计基准"
ROOT_ORG_NAME = f"中共{PREFIX}县委员会"
ID_REGION = "459988"  # not a real region code, and not the one of the sample county, conftest or roster bench
ADMIN_USERNAME = "stats_bench_admin"
RUNS = 3


def _tree_rows(model, parent, rows: list[dict]):
    """Children of a node created in one INSERT, with their paths computed (the parent is new: no siblings)."""
    objs = []
    for i, fields in enumerate(rows):
        obj = model(**fields, parent=parent, path=parent.path + encode_step(i), depth=parent.depth + 1)
        objs.append(obj)
    model.objects.bulk_create(objs, batch_size=500)
    return list(model.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("path"))


@transaction.atomic
def build_county(townships: int = 20, villages_per_township: int = 30) -> Organization:
    """The bench county's divisions and organisations (idempotent: an existing one is returned)."""
    existing = Organization.objects.filter(name=ROOT_ORG_NAME).first()
    if existing is not None:
        return existing
    root_div = Division(name=f"{PREFIX}县", category="县")
    root_div.assign_path(None)
    root_div.save()
    root = Organization(name=ROOT_ORG_NAME, org_type="县委", unit_type="机关", division=root_div)
    root.assign_path(None)
    root.save()

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


def _member_rows(branches: list[Organization], start: int, count: int, today: datetime.date):
    rng = random.Random(start)
    educations, occupations = Education.values, Occupation.values
    minorities = ETHNIC_GROUPS[1:]
    for i in range(start, start + count):
        # (birth date, sequence) differs for every i, so every ID number is unique.
        birth = datetime.date(1946, 1, 1) + datetime.timedelta(days=i % 20000)
        sex = "女" if rng.random() < 0.3 else "男"
        seq = (i // 20000) * 2 + (0 if sex == "女" else 1)
        body = f"{ID_REGION}{birth:%Y%m%d}{seq:03d}"
        id_number = body + gb11643_check_char(body)
        joined = min(add_years(birth, rng.randint(18, 45)), today - datetime.timedelta(days=rng.randint(0, 400)))
        full = add_years(joined, 1)
        phone = f"13{i % 10**9:09d}"
        yield Member(
            name=f"基准党员{i}", sex=sex, ethnicity=rng.choice(minorities) if rng.random() < 0.08 else "汉族",
            id_number_encrypted=crypto.encrypt(id_number), id_number_hash=crypto.lookup_hash(id_number),
            birth_date=birth, education=rng.choice(educations), occupation=rng.choice(occupations),
            organization=branches[i % len(branches)], joined_on=joined, full_on=full if full <= today else None,
            status="停止党籍" if rng.random() < 0.004 else "正常",
            phone_encrypted=crypto.encrypt(phone), phone_hash=crypto.lookup_hash(phone),
            is_floating=rng.random() < 0.03,
        )


def ensure_members(target: int = TARGET_MEMBERS, *, batch: int = 5000) -> int:
    """Top the database up to ``target`` members inside the bench county; returns how many were added."""
    missing = target - Member.objects.count()
    if missing <= 0:
        return 0
    root = build_county()
    branches = list(Organization.objects.subtree(root).filter(org_type__in=["党支部", "联合党支部"]).order_by("path"))
    start = Member.objects.filter(organization__path__startswith=root.path).count()
    today = datetime.date.today()
    rows = _member_rows(branches, start, missing, today)
    added = 0
    with transaction.atomic():
        while True:
            chunk = [m for _, m in zip(range(batch), rows)]
            if not chunk:
                break
            Member.objects.bulk_create(chunk, batch_size=batch, ignore_conflicts=True)
            added += len(chunk)
    # Refresh the planner's statistics after the bulk load, as autovacuum would shortly after a
    # large import; without them PostgreSQL plans the subtree queries for empty tables.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE register_member, register_organization, register_division")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
    return added


def _largest(depth: int, within: str = "") -> Organization | None:
    """The organisation at ``depth`` (under path ``within``) whose subtree holds the most members."""
    length = depth * STEP
    row = (
        Member.objects.filter(organization__path__startswith=within)
        .annotate(prefix=Substr("organization__path", 1, length))
        .values("prefix").annotate(n=Count("pk")).order_by("-n").first()
    )
    return Organization.objects.filter(path=row["prefix"]).first() if row else None


def _median_ms(fn, runs: int = RUNS) -> float:
    fn()  # warm-up: connections, caches, template loading
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _bench_admin(county: Organization):
    from dangjian.accounts.models import User

    user, _ = User.objects.get_or_create(username=ADMIN_USERNAME, defaults={
        "role": User.Role.COUNTY_ADMIN, "organization": county, "last_name": "统计基准管理员"})
    if user.organization_id != county.pk or user.role != User.Role.COUNTY_ADMIN:
        User.objects.filter(pk=user.pk).update(organization=county, role=User.Role.COUNTY_ADMIN)
        user.refresh_from_db()
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def run(report) -> None:
    from dangjian.stats.service import compute_party_stats

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
    from dangjian.stats.service import resolve_period

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
