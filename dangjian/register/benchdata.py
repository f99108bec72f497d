"""Bulk data and timing helpers shared by the apps' ``bench.py`` (``make bench``), never by tests.

Each bench keeps its own county (names, ID region, sizes) and its own figures and labels; what is
the same everywhere lives here: a county's root nodes and children inserted without per-node
path numbering, generated members with their ID and phone numbers encrypted in Python (written by
``bulk_create`` in large batches), fresh planner statistics after a bulk load, the largest
organisation of a level, the bench administrator, and the median of timed runs.
"""
from __future__ import annotations

import datetime
import random
import statistics
import time
from typing import Callable, Iterable, Iterator

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import Substr

from dangjian.core import crypto, roles
from dangjian.core.scope import subtree_q
from dangjian.core.tree import STEP, encode_step
from dangjian.register.models import Division, Member, Organization
from dangjian.register.rules import add_years, gb11643_check_char
from dangjian.register.vocab import Education, Occupation


def county_root(prefix: str, root_org_name: str) -> tuple[Division, Organization]:
    """The county division ``<prefix>县`` and its 县委 (machine-unit) organisation, both new roots."""
    root_div = Division(name=f"{prefix}县", category="县")
    root_div.assign_path(None)
    root_div.save()
    root = Organization(name=root_org_name, org_type="县委", unit_type="机关", division=root_div)
    root.assign_path(None)
    root.save()
    return root_div, root


def tree_children(model, parent, rows: list[dict]) -> list:
    """Children of a new node in one INSERT (a new parent has no siblings to number around), in path order."""
    model.objects.bulk_create([model(**fields, parent=parent, path=parent.path + encode_step(i), depth=parent.depth + 1)
                               for i, fields in enumerate(rows)], batch_size=500)
    return list(model.objects.filter(subtree_q(parent), depth=parent.depth + 1).order_by("path"))


def id_number(region: str, birth: datetime.date, seq: int) -> str:
    """A GB 11643 number (valid check character) of a region code that is no real region."""
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + gb11643_check_char(body)


def member_rows(branches: list[Organization], start: int, count: int, today: datetime.date, *, region: str,
                name_prefix: str, phone_prefix: str, ethnicity: Callable[[random.Random], str] | None = None,
                status: Callable[[random.Random], str] | None = None) -> Iterator[Member]:
    """Members number ``start`` … ``start + count - 1`` spread over ``branches``, reproducible from ``start``.

    (birth date, sequence) differs for every number, so every ID number is unique within the region.
    About 30 % women, joined at 18–45 (not in the future), full a year later, 3 % floating.
    ``ethnicity``/``status``: drawn from the same random stream when given, else 汉族/正常."""
    rng = random.Random(start)
    educations, occupations = Education.values, Occupation.values
    for i in range(start, start + count):
        birth = datetime.date(1946, 1, 1) + datetime.timedelta(days=i % 20000)
        sex = "女" if rng.random() < 0.3 else "男"
        number = id_number(region, birth, (i // 20000) * 2 + (0 if sex == "女" else 1))
        joined = min(add_years(birth, rng.randint(18, 45)), today - datetime.timedelta(days=rng.randint(0, 400)))
        full = add_years(joined, 1)
        phone = f"{phone_prefix}{i % 10**9:09d}"
        # Keyword arguments are evaluated in order: the random stream is drawn in this order.
        yield Member(
            name=f"{name_prefix}{i}", sex=sex, ethnicity=ethnicity(rng) if ethnicity else "汉族",
            id_number_encrypted=crypto.encrypt(number), id_number_hash=crypto.lookup_hash(number),
            birth_date=birth, education=rng.choice(educations), occupation=rng.choice(occupations),
            organization=branches[i % len(branches)], joined_on=joined, full_on=full if full <= today else None,
            status=status(rng) if status else "正常",
            phone_encrypted=crypto.encrypt(phone), phone_hash=crypto.lookup_hash(phone),
            is_floating=rng.random() < 0.03,
        )


def insert_in_batches(model, rows: Iterable, batch: int = 5000) -> int:
    """``bulk_create`` of a (lazy) row stream, ``batch`` rows at a time, in one transaction; rows passed."""
    rows, passed = iter(rows), 0
    with transaction.atomic():
        while True:
            chunk = [row for _, row in zip(range(batch), rows)]
            if not chunk:
                break
            model.objects.bulk_create(chunk, batch_size=batch, ignore_conflicts=True)
            passed += len(chunk)
    return passed


def refresh_planner_statistics(*tables: str, vacuum: Iterable[str] = ()) -> None:
    """After a bulk load, what autovacuum would soon do. PostgreSQL: ``VACUUM ANALYZE`` each of
    ``vacuum`` (also the visibility map, for index-only counts), then ``ANALYZE`` of ``tables``;
    SQLite: ``ANALYZE``."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in vacuum:
                cursor.execute(f"VACUUM ANALYZE {table}")
            if tables:
                cursor.execute(f"ANALYZE {', '.join(tables)}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


def largest(depth: int, within: str = "") -> Organization | None:
    """The organisation at ``depth`` (under path ``within``) whose subtree holds the most members."""
    row = (Member.objects.filter(subtree_q(within, "organization"))
           .annotate(prefix=Substr("organization__path", 1, depth * STEP))
           .values("prefix").annotate(n=Count("pk")).order_by("-n").first())
    return Organization.objects.filter(path=row["prefix"]).first() if row else None


def bench_admin(username: str, county: Organization, last_name: str):
    """The bench's county administrator of ``county`` (kept so on every run), without a usable password."""
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username, defaults={
        "role": roles.COUNTY_ADMIN, "organization": county, "last_name": last_name})
    if user.organization_id != county.pk or user.role != roles.COUNTY_ADMIN:
        User.objects.filter(pk=user.pk).update(organization=county, role=roles.COUNTY_ADMIN)
        user.refresh_from_db()
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def median_ms(fn: Callable[[], object], runs: int) -> float:
    """Median milliseconds of ``runs`` calls after one warm-up call (connections, caches, templates)."""
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


# --- A city of a million members, loaded by COPY (PostgreSQL) ----------------------------------

CITY_MEMBER_COLUMNS = (
    "name", "sex", "ethnicity", "id_number_encrypted", "id_number_hash", "birth_date", "education", "occupation",
    "organization_id", "joined_on", "full_on", "status", "phone_encrypted", "phone_hash", "is_floating",
    "under_party_probation", "created_at", "updated_at",
)
_CITY_MINORITIES = ("回族", "蒙古族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "满族")
_CITY_UNIT_TYPES = ("村", "社区", "机关", "事业单位", "国有企业", "非公有制企业", "社会组织", "其他")


def city_member_tuples(branch_ids: list[int], start: int, count: int, today: datetime.date, *, region: str,
                       name_prefix: str, phone_prefix: str) -> Iterator[tuple]:
    """Rows (``CITY_MEMBER_COLUMNS``) of members ``start`` … ``start + count - 1`` spread over ``branch_ids``,
    branch after branch (as a register fills up: a branch's members are entered together, so a
    township's rows lie close together in the table, as they would after the roster imports).

    Like ``member_rows`` (reproducible, unique ID numbers, ID and phone encrypted and hashed in Python)
    but plain tuples for COPY, and a city's mix: about 6 % of minority 民族, 1 % 停止党籍, 0.5 % 已转出,
    0.3 % 留党察看."""
    rng = random.Random(start)
    educations, occupations = Education.values, Occupation.values
    now = datetime.datetime.now(datetime.timezone.utc)
    encrypt, lookup_hash = crypto.encrypt, crypto.lookup_hash
    epoch, n_branches = datetime.date(1946, 1, 1), len(branch_ids)
    for i in range(start, start + count):
        birth = epoch + datetime.timedelta(days=i % 20000)
        r = rng.random()
        sex = "女" if r < 0.3 else "男"
        number = id_number(region, birth, (i // 20000) * 2 + (0 if sex == "女" else 1))
        joined = min(add_years(birth, 18 + int(r * 1000) % 28), today - datetime.timedelta(days=i % 401))
        full = add_years(joined, 1)
        phone = f"{phone_prefix}{i % 10**9:09d}"
        s = rng.random()
        status = "停止党籍" if s < 0.01 else "已转出" if s < 0.015 else "正常"
        yield (
            f"{name_prefix}{i}", sex, _CITY_MINORITIES[int(s * 1000) % 8] if s > 0.94 else "汉族",
            encrypt(number), lookup_hash(number), birth, educations[i % len(educations)],
            occupations[(i // 7) % len(occupations)], branch_ids[i * n_branches // (start + count)], joined,
            full if full <= today else None, status, encrypt(phone), lookup_hash(phone),
            s < 0.03, 0.3 < s < 0.303, now, now,
        )


def load_city(prefix: str = "演算", *, counties: int = 10, townships: int = 20, branches: int = 50,
              members: int = 1_000_000, today: datetime.date | None = None,
              progress: Callable[[str], None] | None = None) -> Organization:
    """A city (``<prefix>市``): ``counties`` × ``townships`` × ``branches`` organisations, ``members`` spread evenly.

    PostgreSQL only: members go in by ``COPY … FROM STDIN`` (psycopg 3, one transaction), the
    organisations by ``bulk_create``; planner statistics and the visibility map are refreshed at the
    end. Returns the city's root organisation (a 县委-type root over 10 县委). Reusable by any
    bench: the names are ``<prefix>…`` and the ID region ``99`` + a code that is no real region."""
    if connection.vendor != "postgresql":
        raise RuntimeError("load_city needs PostgreSQL (COPY)")
    today = today or datetime.date.today()
    say = progress or (lambda text: None)
    started = time.perf_counter()
    with transaction.atomic():
        city_div = Division(name=f"{prefix}市", category="县级市")
        city_div.assign_path(None)
        city_div.save()
        city = Organization(name=f"{prefix}市委", org_type="县委", unit_type="机关", division=city_div)
        city.assign_path(None)
        city.save()
        county_divs = tree_children(Division, city_div, [{"name": f"{prefix}{c + 1}县", "category": "县"}
                                                         for c in range(counties)])
        county_orgs = tree_children(Organization, city, [
            {"name": f"{prefix}{c + 1}县委", "org_type": "县委", "unit_type": "机关", "division": d}
            for c, d in enumerate(county_divs)])
        township_orgs = []
        for c, (cdiv, corg) in enumerate(zip(county_divs, county_orgs)):
            tdivs = tree_children(Division, cdiv, [{"name": f"{prefix}{c + 1}县{t + 1}镇", "category": "镇"}
                                                   for t in range(townships)])
            township_orgs += tree_children(Organization, corg, [
                {"name": f"{prefix}{c + 1}县{t + 1}镇党委", "org_type": "党委", "unit_type": "乡镇", "division": d}
                for t, d in enumerate(tdivs)])
        branch_ids = []
        for torg in township_orgs:
            rows = [{"name": f"{torg.name[:-2]}第{b + 1}支部", "org_type": "党支部",
                     "unit_type": _CITY_UNIT_TYPES[b % len(_CITY_UNIT_TYPES)], "division_id": torg.division_id,
                     "founded_on": datetime.date(2000 + b % 20, 1 + b % 12, 1)} for b in range(branches)]
            branch_ids += [o.pk for o in tree_children(Organization, torg, rows)]
    say(f"组织 {1 + counties + len(township_orgs) + len(branch_ids)} 个（{time.perf_counter() - started:.1f} 秒）")
    step = time.perf_counter()
    columns = ", ".join(CITY_MEMBER_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY register_member ({columns}) FROM STDIN") as copy:
            for row in city_member_tuples(branch_ids, 0, members, today, region="990100",
                                          name_prefix=f"{prefix}党员", phone_prefix="19"):
                copy.write_row(row)
    say(f"党员 {members} 名（COPY {time.perf_counter() - step:.1f} 秒）")
    step = time.perf_counter()
    refresh_planner_statistics("register_organization", "register_division", vacuum=("register_member",))
    say(f"VACUUM ANALYZE（{time.perf_counter() - step:.1f} 秒）")
    return city
