"""Compliance of organisational life (domain-rules §2), computed with a handful of aggregate queries.

A *slot* is one branch × one required activity × one calendar period of the activity's frequency
(month, quarter, year — a setting) lying wholly inside the dates asked for. A slot is *met* when
the branch recorded at least one such activity dated inside the period (both ends included), with
two refinements:

- 支部委员会会议 counts only when more than half of the committee attended (法定人数, 第十九条);
- 谈心谈话 ("each member at least once a year") is met when the members talked with in the period —
  distinct members marked present, plus the 实到人数 of records that carry no attendance list (an
  imported ledger) — reach the branch's members in good standing.

A met slot whose every record was entered after the recording deadline is *late* (still met).

Which branches a requirement applies to (active 党支部 and 联合党支部 only; a branch founded during
the period owes nothing for slots that started before its founding date):
- 支部委员会会议: branches with 7 or more full members in good standing on the last day (第十条:
  only they have a committee);
- 党小组会: branches that have at least one party group;
- every other activity: every branch.

Whatever the size of the county, the cost is: branches, member counts, party groups, one GROUP BY
(branch, type, year, month) over the records, one per-branch totals query, reviews, and for talks two
more grouped queries. Never a query per branch.
"""
from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, ExpressionWrapper, IntegerField, OuterRef, Q, Sum, Value
from django.db.models.functions import ExtractMonth, ExtractYear

from dangjian.register import figures
from dangjian.register.models import Member, Organization
from dangjian.register.vocab import BRANCH_TYPES, MemberStatus

from . import rules
from .models import Activity, Attendance, PartyGroup, Review
from .vocab import MEETING_TYPES, ActivityType

DONE, LATE, MISSING = "done", "late", "missing"
STATUS_LABELS = {DONE: "已开展", LATE: "已开展（补录）", MISSING: "未开展"}


@dataclass
class SlotResult:
    activity_type: str
    period: rules.Period
    status: str

    @property
    def type_label(self) -> str:
        return ActivityType(self.activity_type).label


@dataclass
class BranchCompliance:
    id: int
    name: str
    parent_name: str
    path: str
    slots: list[SlotResult] = field(default_factory=list)
    activities: int = 0
    activities_by_type: dict[str, int] = field(default_factory=dict)
    late_records: int = 0
    expected: int = 0
    present: int = 0
    committee_meetings: int = 0
    quorate_meetings: int = 0
    reviews: int = 0
    rank: int = 0

    @property
    def required(self) -> int:
        return len(self.slots)

    @property
    def met(self) -> int:
        return sum(1 for s in self.slots if s.status != MISSING)

    @property
    def late_slots(self) -> int:
        return sum(1 for s in self.slots if s.status == LATE)

    @property
    def missing(self) -> list[SlotResult]:
        return [s for s in self.slots if s.status == MISSING]

    @property
    def missing_text(self) -> str:
        return "；".join(f"{s.period.label}{s.type_label}" for s in self.missing)

    @property
    def rate(self) -> float | None:
        return round(self.met * 100 / self.required, 1) if self.required else None

    @property
    def attendance_rate(self) -> float | None:
        return round(self.present * 100 / self.expected, 1) if self.expected else None

    def by_type(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for s in self.slots:
            d = out.setdefault(s.activity_type, {"required": 0, "met": 0, "late": 0})
            d["required"] += 1
            d["met"] += s.status != MISSING
            d["late"] += s.status == LATE
        return out


@dataclass
class ComplianceReport:
    date_from: datetime.date
    date_to: datetime.date
    branches: list[BranchCompliance]
    frequencies: dict[str, int]

    @property
    def required(self) -> int:
        return sum(b.required for b in self.branches)

    @property
    def met(self) -> int:
        return sum(b.met for b in self.branches)

    @property
    def rate(self) -> float | None:
        return round(self.met * 100 / self.required, 1) if self.required else None

    @property
    def late_records(self) -> int:
        return sum(b.late_records for b in self.branches)

    @property
    def activities(self) -> int:
        return sum(b.activities for b in self.branches)

    @property
    def reviews(self) -> int:
        return sum(b.reviews for b in self.branches)

    @property
    def attendance_rate(self) -> float | None:
        expected = sum(b.expected for b in self.branches)
        return round(sum(b.present for b in self.branches) * 100 / expected, 1) if expected else None

    @property
    def full_branches(self) -> int:
        return sum(1 for b in self.branches if b.required and b.met == b.required)

    def by_type(self) -> dict[str, dict[str, int]]:
        out = {t: {"required": 0, "met": 0, "late": 0} for t in ActivityType.values}
        for b in self.branches:
            for t, d in b.by_type().items():
                for k in d:
                    out[t][k] += d[k]
        return out

    def ranked(self) -> list[BranchCompliance]:
        """Ranking (季评比): compliance rate, then attendance rate, then fewer late records; ties share a rank."""
        def key(b):
            return (-(b.rate if b.rate is not None else -1), -(b.attendance_rate or 0), b.late_records)

        rows = sorted(self.branches, key=lambda b: (key(b), b.path))
        previous, rank = None, 0
        for i, b in enumerate(rows, start=1):
            if key(b) != previous:
                rank, previous = i, key(b)
            b.rank = rank
        return rows


def _branches(org: Organization | None):
    qs = Organization.objects.filter(org_type__in=BRANCH_TYPES, is_active=True)
    if org is not None:
        qs = qs.in_subtree(org)
    return qs


def compute(org: Organization | None, date_from: datetime.date, date_to: datetime.date,
            branch_ids: list[int] | None = None) -> ComplianceReport:
    """Compliance of the branches in ``org``'s subtree (None: everywhere) for the inclusive dates."""
    branch_qs = _branches(org)
    if branch_ids is not None:
        branch_qs = branch_qs.filter(pk__in=branch_ids)
    rows = {
        r["id"]: BranchCompliance(id=r["id"], name=r["name"], parent_name=r["parent__name"] or "", path=r["path"])
        for r in branch_qs.values("id", "name", "path", "parent__name").order_by("path")
    }
    founded = dict(branch_qs.filter(founded_on__isnull=False).values_list("id", "founded_on"))
    freqs = rules.frequencies()
    report = ComplianceReport(date_from, date_to, list(rows.values()), freqs)
    if not rows:
        return report

    member_counts = {
        r["organization_id"]: r
        for r in Member.objects.filter(organization__in=branch_qs.values("pk"), status=MemberStatus.NORMAL)
        .values("organization_id")
        .annotate(total=Count("id"), full=Count("id", filter=Q(full_on__isnull=False, full_on__lte=date_to)))
    }
    with_groups = set(PartyGroup.objects.filter(branch__in=branch_qs.values("pk")).values_list("branch_id", flat=True))

    activities = Activity.objects.filter(organization__in=branch_qs.values("pk"), date__gte=date_from, date__lte=date_to)
    # One GROUP BY over the records: what was held, per branch, type and calendar month.
    held: dict[tuple[int, str, int, int], tuple[int, int]] = {}
    for r in (activities.annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
              .values("organization_id", "activity_type", "y", "m")
              .annotate(counted=Count("id", filter=Q(quorum_met=True)),
                        on_time=Count("id", filter=Q(quorum_met=True, is_late=False)))
              .order_by()):
        held[(r["organization_id"], r["activity_type"], r["y"], r["m"])] = (r["counted"], r["on_time"])

    by_type = defaultdict(dict)
    for r in activities.values("organization_id", "activity_type").annotate(n=Count("id")).order_by():
        by_type[r["organization_id"]][r["activity_type"]] = r["n"]
    for r in (activities.values("organization_id")
              .annotate(n=Count("id"), late=Count("id", filter=Q(is_late=True)),
                        expected=Sum("expected_count", filter=Q(activity_type__in=MEETING_TYPES)),
                        present=Sum("present_count", filter=Q(activity_type__in=MEETING_TYPES)),
                        committee=Count("id", filter=Q(activity_type=ActivityType.BRANCH_COMMITTEE_MEETING)),
                        quorate=Count("id", filter=Q(activity_type=ActivityType.BRANCH_COMMITTEE_MEETING,
                                                     quorum_met=True)))
              .order_by()):
        b = rows[r["organization_id"]]
        b.activities, b.late_records = r["n"], r["late"]
        b.expected, b.present = r["expected"] or 0, r["present"] or 0
        b.committee_meetings, b.quorate_meetings = r["committee"], r["quorate"]
        b.activities_by_type = by_type[b.id]
    for r in (Review.objects.filter(activity__organization__in=branch_qs.values("pk"),
                                    reviewed_at__date__gte=date_from, reviewed_at__date__lte=date_to)
              .values("activity__organization_id").annotate(n=Count("id")).order_by()):
        rows[r["activity__organization_id"]].reviews = r["n"]

    talk_freq = freqs[ActivityType.HEART_TO_HEART_TALK]
    talk_periods = rules.calendar_periods(talk_freq, date_from, date_to)
    coverage = _talk_coverage(branch_qs, talk_freq, date_from, date_to) if talk_periods else {}

    def applies(t: str, branch_id: int) -> bool:
        if t == ActivityType.BRANCH_COMMITTEE_MEETING:
            return member_counts.get(branch_id, {}).get("full", 0) >= rules.COMMITTEE_MIN_FULL_MEMBERS
        if t == ActivityType.GROUP_MEETING:
            return branch_id in with_groups
        return True

    for t, months in freqs.items():
        periods = rules.calendar_periods(months, date_from, date_to)
        if not periods:
            continue
        month_lists = [[(p.start.year, p.start.month + k) for k in range(months)] for p in periods]
        for branch_id, b in rows.items():
            if not applies(t, branch_id):
                continue
            start_limit = founded.get(branch_id)
            for period, ym in zip(periods, month_lists):
                if start_limit and period.start < start_limit:
                    continue
                counted = on_time = 0
                for y, m in ym:
                    c = held.get((branch_id, t, y, m))
                    if c:
                        counted += c[0]
                        on_time += c[1]
                if t == ActivityType.HEART_TO_HEART_TALK:
                    members = member_counts.get(branch_id, {}).get("total", 0)
                    covered = coverage.get((branch_id, period.start.year, (period.start.month - 1) // months), 0)
                    met = counted > 0 and covered >= members
                else:
                    met = counted > 0
                status = MISSING if not met else (DONE if on_time else LATE)
                b.slots.append(SlotResult(t, period, status))
    return report


def _talk_coverage(branch_qs, months: int, date_from, date_to) -> dict[tuple[int, int, int], int]:
    """Members talked with per (branch, year, period index): distinct members present in talks with an
    attendance list, plus the 实到人数 of talks recorded without one."""
    slot = ExpressionWrapper((ExtractMonth("activity__date") - Value(1)) / Value(months), output_field=IntegerField())
    talks = Q(activity__activity_type=ActivityType.HEART_TO_HEART_TALK, activity__date__gte=date_from,
              activity__date__lte=date_to, activity__organization__in=branch_qs.values("pk"))
    out: dict[tuple[int, int, int], int] = defaultdict(int)
    for r in (Attendance.objects.filter(talks, status="present")
              .annotate(y=ExtractYear("activity__date"), s=slot)
              .values("activity__organization_id", "y", "s").annotate(n=Count("member", distinct=True)).order_by()):
        out[(r["activity__organization_id"], r["y"], r["s"])] += r["n"]
    plain_slot = ExpressionWrapper((ExtractMonth("date") - Value(1)) / Value(months), output_field=IntegerField())
    for r in (Activity.objects.filter(activity_type=ActivityType.HEART_TO_HEART_TALK, date__gte=date_from,
                                      date__lte=date_to, organization__in=branch_qs.values("pk"))
              .filter(~Exists(Attendance.objects.filter(activity=OuterRef("pk"))))
              .annotate(y=ExtractYear("date"), s=plain_slot)
              .values("organization_id", "y", "s").annotate(n=Sum("present_count")).order_by()):
        out[(r["organization_id"], r["y"], r["s"])] += r["n"] or 0
    return out


@dataclass
class ComplianceSummary:
    """The totals of ``compute`` without its per-slot objects (the statistics block's figures).

    ``by_type``: {type: {"required", "met", "late"}}; ``short``: (path, name, required, met) of every
    branch with at least one required slot not met, in path order."""
    required: int
    met: int
    late_records: int
    by_type: dict[str, dict[str, int]]
    short: list[tuple[str, str, int, int]]


def summary(org: Organization | None, date_from: datetime.date, date_to: datetime.date, *,
            records: bool = True) -> ComplianceSummary:
    """The same figures as ``compute(org, date_from, date_to)`` (required, met and late slots, per type
    and per branch), counted from SQL groups: required slots per branch × type by arithmetic on the
    period starts and the founding date, met slots from the records' (branch, type, month) groups.
    No Python object per slot (issue 15: 274,400 of them for a city with no activity at all).
    ``records=False``: the subtree is known to hold no activity record (nothing met, nothing late)."""
    branch_qs = _branches(org)
    # One query for the branches and what decides which requirements apply to each: whether it has 7
    # full members in good standing on date_to (the 7th of them exists: an index probe of at most 7
    # entries per branch, not a count of every member — issue 15) and whether it has a party group.
    full_members = Member.objects.filter(organization=OuterRef("pk"), status=MemberStatus.NORMAL,
                                         full_on__isnull=False, full_on__lte=date_to).order_by().values("pk")
    seventh = rules.COMMITTEE_MIN_FULL_MEMBERS
    rows = list(branch_qs.annotate(committee=Exists(full_members[seventh - 1:seventh]),
                                   grouped=Exists(PartyGroup.objects.filter(branch=OuterRef("pk"))))
                .values_list("id", "path", "name", "founded_on", "committee", "grouped").order_by("path"))
    by_type = {t: {"required": 0, "met": 0, "late": 0} for t in ActivityType.values}
    if not rows:
        return ComplianceSummary(0, 0, 0, by_type, [])
    branches = [(pk, path, name, founded_on) for pk, path, name, founded_on, _c, _g in rows]
    committee_branches = {pk for pk, _p, _n, _f, committee, _g in rows if committee}
    with_groups = {pk for pk, _p, _n, _f, _c, grouped in rows if grouped}
    freqs = rules.frequencies()
    # Built only when there are records to count (a tenth of this function's time for a township without any).
    activities = Activity.objects.filter(organization__in=branch_qs.values("pk"), date__gte=date_from,
                                         date__lte=date_to) if records else None
    late_records = activities.filter(is_late=True).count() if records else 0
    founded = {pk: day for pk, _p, _n, day in branches if day}

    def applies(t: str, branch_id: int) -> bool:
        if t == ActivityType.BRANCH_COMMITTEE_MEETING:
            return branch_id in committee_branches
        if t == ActivityType.GROUP_MEETING:
            return branch_id in with_groups
        return True

    # (type) -> period starts; a period is found by (year, index of the period in its year).
    periods = {t: rules.calendar_periods(months, date_from, date_to) for t, months in freqs.items()}
    required = defaultdict(int)  # branch -> required slots
    for t, plist in periods.items():
        if not plist:
            continue
        starts = [p.start for p in plist]
        for pk, _path, _name, _founded in branches:
            if applies(t, pk):
                n = len(starts) - (bisect.bisect_left(starts, founded[pk]) if pk in founded else 0)
                required[pk] += n
                by_type[t]["required"] += n
    # What was held per (branch, type, period): counted and on-time records, from the monthly groups.
    held: dict[tuple[int, str, int, int], list[int]] = {}
    for r in (activities.annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
              .values("organization_id", "activity_type", "y", "m")
              .annotate(counted=Count("id", filter=Q(quorum_met=True)),
                        on_time=Count("id", filter=Q(quorum_met=True, is_late=False)))
              .order_by() if records else ()):
        t = r["activity_type"]
        if not freqs.get(t) or not r["counted"]:
            continue
        key = (r["organization_id"], t, r["y"], (r["m"] - 1) // freqs[t])
        c = held.setdefault(key, [0, 0])
        c[0] += r["counted"]
        c[1] += r["on_time"]
    talk_freq = freqs.get(ActivityType.HEART_TO_HEART_TALK, 0)
    talks_held = any(k[1] == ActivityType.HEART_TO_HEART_TALK for k in held)
    coverage = _talk_coverage(branch_qs, talk_freq, date_from, date_to) if talks_held else {}
    # Members in good standing per branch on date_to (the register's daily figures when it keeps that
    # day), only for the talks' coverage.
    totals = {pk: n for pk, (n, _full) in figures.good_standing_counts(org, date_to).items()} if talks_held else {}
    met = defaultdict(int)
    for (pk, t, y, index), (counted, on_time) in held.items():
        months = freqs[t]
        start = datetime.date(y, 1 + index * months, 1)
        plist = periods[t]
        if not plist or start < plist[0].start or start > plist[-1].start:
            continue  # a period not lying wholly inside the dates
        if not applies(t, pk) or (pk in founded and start < founded[pk]):
            continue
        if t == ActivityType.HEART_TO_HEART_TALK and coverage.get((pk, y, index), 0) < totals.get(pk, 0):
            continue
        met[pk] += 1
        by_type[t]["met"] += 1
        by_type[t]["late"] += not on_time
    short = [(path, name, required[pk], met[pk]) for pk, path, name, _f in branches if met[pk] < required[pk]]
    return ComplianceSummary(sum(required.values()), sum(met.values()), late_records, by_type, short)
