"""``make bench``: the daily job's political birthdays on 1,000,000 members (PostgreSQL; 100,000 on SQLite).

A county of its own (短信基准县, names that clash with nothing else) gets its members by COPY on
PostgreSQL (``bulk_create`` on SQLite). The bench cares about dates, not people: every member
shares one encrypted ID number and one of a few encrypted mobile numbers (the unique ID digest is
made up per row), which keeps loading a million rows to a minute instead of an hour of encryption.
1 member in 50 has no phone, 1 in 100 is suspended; 入党日期 spread over every day of 1950–2024,
29 February included.

Figures: the EXPLAIN of the day's birthday lookup (whether PostgreSQL uses the functional index
``member_joined_month_day`` instead of scanning every member), the time to queue the day's SMS
(``queue_political_birthdays``: find, decrypt the phones, render, bulk-insert), the time of a rerun
(idempotent: nothing new), and the whole ``notify_daily`` (other apps' reminders included).
"""
from __future__ import annotations

import datetime
import random
import time

from django.db import connection, transaction

from dangjian.core import crypto
from dangjian.register import benchdata
from dangjian.register.models import Member, Organization

PREFIX = "短信基准"
ROOT_ORG_NAME = f"中共{PREFIX}县委员会"
DAY = datetime.date(2026, 3, 15)
LEAP_DAY = datetime.date(2027, 2, 28)  # a common year's 28 February: 28 and 29 February members together
BRANCHES = 400


def _target() -> int:
    return 1_000_000 if connection.vendor == "postgresql" else 100_000


@transaction.atomic
def _build_orgs() -> list[int]:
    root = Organization.objects.filter(name=ROOT_ORG_NAME).first()
    if root is None:
        div, root = benchdata.county_root(PREFIX, ROOT_ORG_NAME)
        town = Organization(name=f"中共{PREFIX}镇委员会", org_type="党委", unit_type="乡镇", division=div)
        town.assign_path(root)
        town.save()
        benchdata.tree_children(Organization, town, [
            {"name": f"{PREFIX}第{i + 1}党支部", "org_type": "党支部", "unit_type": "村", "division": div}
            for i in range(BRANCHES)])
    return list(Organization.objects.filter(name__startswith=f"{PREFIX}第").values_list("pk", flat=True))


def _rows(n: int, org_ids: list[int], start: int):
    rng = random.Random(20260315)
    first, span = datetime.date(1950, 1, 1), (datetime.date(2024, 12, 31) - datetime.date(1950, 1, 1)).days
    id_token = crypto.encrypt("419998199001010011")
    phones = [crypto.encrypt(f"1390000{i:04d}") for i in range(50)]
    now = datetime.datetime.now(datetime.timezone.utc)
    for i in range(start, start + n):
        joined = first + datetime.timedelta(days=rng.randrange(span))
        if i % 1461 == 0:
            joined = datetime.date(2000 + 4 * (i % 6), 2, 29)
        birth = joined.replace(year=joined.year - 25, day=min(joined.day, 28))
        full = joined.replace(year=joined.year + 1, day=min(joined.day, 28))
        phone = "" if i % 50 == 0 else phones[i % 50]
        status = "停止党籍" if i % 100 == 1 else "正常"
        yield (f"基准{i}", "男" if i % 2 else "女", "汉族", id_token, f"bench-{i:012d}", birth, "高中", "工人",
               org_ids[i % len(org_ids)], joined, full, status, phone, "", False, False, now, now)


COLUMNS = ("name", "sex", "ethnicity", "id_number_encrypted", "id_number_hash", "birth_date", "education", "occupation",
           "organization_id", "joined_on", "full_on", "status", "phone_encrypted", "phone_hash", "is_floating",
           "under_party_probation", "created_at", "updated_at")


def _load(org_ids: list[int], have: int, want: int) -> float:
    started = time.perf_counter()
    missing = want - have
    if missing <= 0:
        return 0.0
    if connection.vendor == "postgresql":
        table = Member._meta.db_table
        with transaction.atomic(), connection.cursor() as cur:
            with cur.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in _rows(missing, org_ids, have):
                    copy.write_row(row)
            cur.execute(f"ANALYZE {table}")
    else:
        batch = []
        for row in _rows(missing, org_ids, have):
            batch.append(Member(**dict(zip(COLUMNS, row))))
            if len(batch) == 5000:
                Member.objects.bulk_create(batch)
                batch = []
        Member.objects.bulk_create(batch)
    return time.perf_counter() - started


def _explain(day: datetime.date) -> tuple[bool, str]:
    from dangjian.notifications.outbox import birthday_members

    qs, _basis = birthday_members(day)
    plan = qs.order_by().values_list("pk", "joined_on", "phone_encrypted").explain()
    uses_index = "member_joined_month_day" in plan
    return uses_index, plan


def run(report) -> None:
    from dangjian.notifications import outbox
    from dangjian.notifications.models import Message

    org_ids = _build_orgs()
    want = _target()
    have = Member.objects.filter(organization_id__in=org_ids).count()
    loaded = _load(org_ids, have, want)
    total = Member.objects.count()
    report("党员总数（含其他基准与演示数据）", total, "人")
    if loaded:
        report(f"装入{want:,}名基准党员", round(loaded, 1), "s", "PostgreSQL COPY" if connection.vendor == "postgresql" else "bulk_create")

    uses_index, plan = _explain(DAY)
    print("    EXPLAIN（当日政治生日查询）:\n      " + plan.replace("\n", "\n      "), flush=True)
    report("当日政治生日查询走函数索引", "是" if uses_index else "否", "", "member_joined_month_day（EXPLAIN）")

    for label, day in (("3月15日", DAY), ("平年2月28日（含2月29日入党者）", LEAP_DAY)):
        Message.objects.filter(channel="sms", kind="political_birthday", day=day).delete()
        t0 = time.perf_counter()
        result = outbox.queue_political_birthdays(day)
        elapsed = time.perf_counter() - t0
        report(f"政治生日短信入队：{label}", round(elapsed, 2), "s", f"应发{result.due}条，新生成{result.queued}条（要求30秒内）")
        t0 = time.perf_counter()
        again = outbox.queue_political_birthdays(day)
        report(f"重复运行：{label}", round(time.perf_counter() - t0, 2), "s", f"新生成{again.queued}条（应为0）")

    t0 = time.perf_counter()
    daily = outbox.run_daily(DAY + datetime.timedelta(days=1))
    report("notify_daily 全部（含各应用提醒）", round(time.perf_counter() - t0, 2), "s",
           f"政治生日{daily.birthdays.queued}条，提醒{sum(daily.reminders.values())}条" + (f"，出错{len(daily.errors)}项" if daily.errors else ""))
