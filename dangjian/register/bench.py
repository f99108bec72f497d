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
from dangjian.register.vocab import Education, Occupation

TARGET_MEMBERS = 100_000
PREFIX = "名册基准"
ROOT_ORG_NAME = f"中共{PREFIX}县委员会"
ID_REGION = "459977"  # no real region; not the sample county's, conftest's, the demo's or another bench's
ADMIN_USERNAME = "register_bench_admin"
TOWNSHIPS, BRANCHES_PER_TOWNSHIP = 8, 25
RUNS = 7


def _children(model, parent, rows: list[dict]):
    """Children of a new node in one INSERT (a new parent has no siblings to number around)."""
    model.objects.bulk_create([model(**fields, parent=parent, path=parent.path + encode_step(i), depth=parent.depth + 1)
                               for i, fields in enumerate(rows)], batch_size=500)
    return list(model.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("path"))


@transaction.atomic
def build_county() -> Organization:
    existing = Organization.objects.filter(name=ROOT_ORG_NAME).first()
    if existing is not None:
        return existing
    root_div = Division(name=f"{PREFIX}县", category="县")
    root_div.assign_path(None)
    root_div.save()
    root = Organization(name=ROOT_ORG_NAME, org_type="县委", unit_type="机关", division=root_div)
    root.assign_path(None)
    root.save()
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


def _members(branches, start: int, count: int, today: datetime.date):
    rng = random.Random(start)
    educations, occupations = Education.values, Occupation.values
    for i in range(start, start + count):
        birth = datetime.date(1946, 1, 1) + datetime.timedelta(days=i % 20000)
        sex = "女" if rng.random() < 0.3 else "男"
        seq = (i // 20000) * 2 + (0 if sex == "女" else 1)
        body = f"{ID_REGION}{birth:%Y%m%d}{seq:03d}"
        id_number = body + gb11643_check_char(body)
        joined = min(add_years(birth, rng.randint(18, 45)), today - datetime.timedelta(days=rng.randint(0, 400)))
        full = add_years(joined, 1)
        phone = f"15{i % 10**9:09d}"
        yield Member(
            name=f"名册基准党员{i}", sex=sex, ethnicity="汉族",
            id_number_encrypted=crypto.encrypt(id_number), id_number_hash=crypto.lookup_hash(id_number),
            birth_date=birth, education=rng.choice(educations), occupation=rng.choice(occupations),
            organization=branches[i % len(branches)], joined_on=joined, full_on=full if full <= today else None,
            phone_encrypted=crypto.encrypt(phone), phone_hash=crypto.lookup_hash(phone),
            is_floating=rng.random() < 0.03,
        )


def ensure_members(target: int = TARGET_MEMBERS, batch: int = 5000) -> int:
    missing = target - Member.objects.count()
    if missing <= 0:
        return 0
    root = build_county()
    branches = list(Organization.objects.subtree(root).filter(org_type="党支部").order_by("path"))
    start = Member.objects.filter(organization__path__startswith=root.path).count()
    rows = _members(branches, start, missing, datetime.date.today())
    with transaction.atomic():
        while True:
            chunk = [m for _, m in zip(range(batch), rows)]
            if not chunk:
                break
            Member.objects.bulk_create(chunk, batch_size=batch, ignore_conflicts=True)
    # After a bulk load, what autovacuum would soon do: planner statistics and, on PostgreSQL, the
    # visibility map that lets the per-organisation counts read the index alone.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE register_member")
            cursor.execute("ANALYZE register_organization, register_division")
        else:
            cursor.execute("ANALYZE")
    return missing


def _largest(depth: int, within: str = "") -> Organization | None:
    row = (Member.objects.filter(organization__path__startswith=within)
           .annotate(prefix=Substr("organization__path", 1, depth * STEP))
           .values("prefix").annotate(n=Count("pk")).order_by("-n").first())
    return Organization.objects.filter(path=row["prefix"]).first() if row else None


def _admin(county: Organization):
    from dangjian.accounts.models import User

    user, _ = User.objects.get_or_create(username=ADMIN_USERNAME, defaults={
        "role": User.Role.COUNTY_ADMIN, "organization": county, "last_name": "名册基准管理员"})
    if user.organization_id != county.pk or user.role != User.Role.COUNTY_ADMIN:
        User.objects.filter(pk=user.pk).update(organization=county, role=User.Role.COUNTY_ADMIN)
        user.refresh_from_db()
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


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
