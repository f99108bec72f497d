"""Roster import at county scale: 100,000 members (``make bench``).

``run(report)`` expects an empty, migrated database it may write to. The workbook is generated
once into var/bench/ and reused. The figure that matters is the import time (the guard, the read in
the memory-limited child, every check, the encryption, the writes and the audit rows) against the
time python-calamine needs merely to read the same file (issue 15: at most 4×, on SQLite and on
PostgreSQL). The read is timed twice and the faster run taken.
"""
from __future__ import annotations

import datetime
import random
import time
from pathlib import Path

from django.conf import settings

from dangjian.core import gb11643
from dangjian.core.dates import add_years
from dangjian.core.extensions import roster_sheet_handlers

MEMBERS = 100_000
TOWNS = 20
BRANCHES_PER_TOWN = 100  # 2,000 branches of 50 members
# v2: the probationers joined within the last year (a probation over two years is refused, issue 14);
# the file is generated again each year so that they stay within it.
FILE_NAME = f"roster-{MEMBERS}-v2-{datetime.date.today().year}.xlsx"
# A region code of no real county, and not the demo county's (419999) nor the tests' (419901).
REGION = "419998"

_ETHNIC = ["汉族"] * 18 + ["壮族", "回族"]
_EDUCATION = ["博士研究生", "硕士研究生", "大学本科", "大学专科", "中等专科", "高中", "初中", "小学及以下"]
_OCCUPATION = ["工人", "农牧渔民", "专业技术人员", "企事业单位管理人员", "党政机关工作人员", "学生", "离退休人员", "其他职业人员"]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def workbook_path() -> Path:
    # The repository's var/ (not a bench run's temporary VAR_DIR), so the file is generated only once.
    return Path(settings.BASE_DIR) / "var" / "bench" / FILE_NAME


def _id_number(birth: datetime.date, male: bool, serial: int) -> str:
    seq = (serial * 2 + (1 if male else 0)) % 1000
    body = f"{REGION}{birth:%Y%m%d}{seq:03d}"
    return body + gb11643.check_char(body)


def generate(path: Path) -> None:
    """Write the benchmark workbook with openpyxl (write-only), ID and phone numbers as text."""
    from dangjian.core.excel import write_workbook

    rng = random.Random(20260630)
    divisions = [["基准县", "县", None]]
    orgs = [["中共基准县委员会", "县委", None, "机关", "基准县", datetime.date(1950, 1, 1), None, "县委书记"]]
    branches = []
    for t in range(1, TOWNS + 1):
        town = f"基准第{t}镇"
        divisions.append([town, "镇", "基准县"])
        committee = f"中共{town}委员会"
        orgs.append([committee, "党委", "中共基准县委员会", "乡镇", town, datetime.date(1960, 1, 1),
                     datetime.date(2028, 1, 1), f"书记{t}"])
        for b in range(1, BRANCHES_PER_TOWN + 1):
            if b <= 20:
                village = f"{town}第{b}村"
                divisions.append([village, "村", town])
                name, unit, division = f"中共{village}支部委员会", "村", village
            else:
                name, unit, division = f"{town}第{b}企业党支部", "非公有制企业", town
            orgs.append([name, "党支部", committee, unit, division, datetime.date(2000, 1, 1),
                         datetime.date(2027, 6, 30), None])
            branches.append(name)
    members = []
    start = datetime.date(1950, 1, 1)
    span = 18000  # days: births from 1950 to mid-1999
    for i in range(MEMBERS):
        birth = start + datetime.timedelta(days=i % span)
        male = rng.random() < 0.6
        if i % 10:
            joined = add_years(birth, 18 + i % 8) + datetime.timedelta(days=i % 200)
            full = add_years(joined, 1)
        else:  # one in ten is a 预备党员 who joined within the last year (January at the latest)
            joined, full = datetime.date(datetime.date.today().year, 1, 1) - datetime.timedelta(days=i % 300), None
        members.append([
            rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN), "男" if male else "女",
            rng.choice(_ETHNIC), _id_number(birth, male, i // span), birth, rng.choice(_EDUCATION),
            rng.choice(_OCCUPATION), branches[i // (MEMBERS // len(branches))], joined, full,
            "正常", f"13{rng.randrange(10**9):09d}", "是" if i % 50 == 0 else "否",
        ])
    sheets = {s.sheet_name: s for s in roster_sheet_handlers()}
    DivisionSheet, OrganizationSheet, MemberSheet = sheets["行政区划"], sheets["党组织"], sheets["党员"]
    content = write_workbook(
        [(DivisionSheet.sheet_name, DivisionSheet.titles(), divisions),
         (OrganizationSheet.sheet_name, OrganizationSheet.titles(), orgs),
         (MemberSheet.sheet_name, MemberSheet.titles(), members)],
        text_columns={MemberSheet.sheet_name: {3, 11}},
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def run(report) -> None:
    from python_calamine import CalamineWorkbook

    from dangjian.core.actor import Actor
    from dangjian.roster.engine import import_workbook

    path = workbook_path()
    if not path.exists():
        t = time.perf_counter()
        generate(path)
        report("roster: generate 100k-member workbook (once)", (time.perf_counter() - t) * 1000, "ms",
               str(path))

    reads = []
    for _ in range(2):
        t = time.perf_counter()
        cwb = CalamineWorkbook.from_path(str(path))
        rows = sum(len(cwb.get_sheet_by_name(n).to_python(skip_empty_area=False)) for n in cwb.sheet_names)
        cwb.close()
        reads.append(time.perf_counter() - t)
    calamine_s = min(reads)
    report("roster: calamine full read (best of 2)", calamine_s * 1000, "ms", f"{rows} rows")

    t = time.perf_counter()
    result = import_workbook(path, actor=Actor.command(), filename=path.name, dry_run=True)
    report("roster: dry run (check only) 100k members", (time.perf_counter() - t) * 1000, "ms",
           f"{len(result.faults)} faults")

    stages: dict[str, float] = {}  # stage -> seconds since the start when it (last) reported

    def progress(stage: str, done: int, total: int) -> None:
        stages[stage] = time.perf_counter() - t

    t = time.perf_counter()
    result = import_workbook(path, actor=Actor.command(), filename=path.name, progress=progress)
    import_s = time.perf_counter() - t
    if result.faults:
        report("roster: import FAILED", len(result.faults), "faults", str(result.faults[:3]))
        return
    report("roster: import 100k members into an empty database", import_s * 1000, "ms",
           result.summary())
    report("roster: import / calamine read ratio", import_s / calamine_s, "×",
           f"target ≤ 4; calamine {calamine_s:.2f} s, import {import_s:.2f} s")
    if {"read", "checked", "written"} <= set(stages):
        report("roster: import stages", import_s * 1000, "ms",
               f"guard + read in the child {stages['read']:.2f} s, checks {stages['checked'] - stages['read']:.2f} s, "
               f"writes with encryption and audit rows {stages['written'] - stages['checked']:.2f} s, "
               f"commit {import_s - stages['written']:.2f} s")
    from dangjian.roster.guard import peak_child_rss_kb

    report("roster: peak memory of the workbook reader (child process)", peak_child_rss_kb() / 1024, "MiB",
           "address-space limit DANGJIAN_WORKBOOK_MEMORY_MB")
    import resource

    report("roster: peak memory of the importing process", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
           "MiB")

    t = time.perf_counter()
    result = import_workbook(path, actor=Actor.command(), filename=path.name)
    report("roster: re-import of the same workbook (nothing changes)", (time.perf_counter() - t) * 1000, "ms",
           result.summary())
