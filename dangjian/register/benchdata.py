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
