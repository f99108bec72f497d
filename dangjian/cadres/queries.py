"""Read-side computations shared by the statistics block, the pages and the assessment indicator:
teams on a day, community counts, the pay standard in force, funds, training coverage and team
structure. Each is a few grouped queries, never a query per organisation."""
from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from django.db.models import Count, Q, Sum

from dangjian.core.scope import subtree_q
from dangjian.register.models import Division, Organization
from dangjian.register.rules import age_on
from dangjian.register.statistics import division_counts
from dangjian.register.vocab import COLLEGE_OR_ABOVE, DivisionCategory, MemberStatus

from dangjian.core.rules import get_setting

from . import rules
from .models import Cadre, CommunityFund, PayStandard, TrainingAttendance, VenueInvestment
from .vocab import Post, TEAM_POSTS

COMMUNITY_CATEGORIES = (DivisionCategory.URBAN_COMMUNITY, DivisionCategory.VILLAGE_TO_COMMUNITY)


def org_q(org, field: str = "organization") -> Q:
    """Rows of the organisation's subtree (None: everything)."""
    return subtree_q(org, field) if org is not None else Q()


def division_q(org, field: str = "division") -> Q:
    """The divisions in an organisation's scope: its division's subtree (as the divisions block)."""
    return subtree_q(org.division, field) if org is not None else Q()


def communities(org):
    """The 城市社区 and 村改居社区 divisions in scope."""
    return Division.objects.filter(division_q(org, ""), category__in=COMMUNITY_CATEGORIES)


def community_count(org) -> int:
    """How many ``communities(org)``: from the register's divisions by category, which the statistics
    ask once for the divisions block and this one."""
    counts = division_counts(org)
    return sum(counts.get(category, 0) for category in COMMUNITY_CATEGORIES)


def per_community(org, post: str, day: datetime.date) -> dict[int, int]:
    """{community division id: cadres of ``post`` serving on ``day`` in organisations located there}
    (a community with none is 0)."""
    ids = list(communities(org).values_list("pk", flat=True))
    counts = dict(
        Cadre.objects.serving_on(day).filter(post=post, organization__division_id__in=ids)
        .values_list("organization__division_id").annotate(n=Count("id")).order_by()
    ) if ids else {}
    return {pk: counts.get(pk, 0) for pk in ids}


def min_max(values) -> dict:
    values = list(values)
    return {"min": min(values) if values else None, "max": max(values) if values else None}


def standard_in_force(category: str, post: str, day: datetime.date) -> Optional[PayStandard]:
    """报酬标准: the row with the latest 执行日期 not after ``day``."""
    return (PayStandard.objects.filter(category=category, post=post, effective_on__lte=day)
            .order_by("-effective_on").first())


def fund_totals(org, year: int) -> dict[int, Decimal]:
    """{community id: the year's total of the three categories} (0 for a community with no row)."""
    ids = list(communities(org).values_list("pk", flat=True))
    sums = dict(CommunityFund.objects.filter(year=year, division_id__in=ids).values_list("division_id")
                .annotate(s=Sum("amount")).order_by()) if ids else {}
    return {pk: sums.get(pk) or Decimal("0") for pk in ids}


def investment_total(org, date_from, date_to) -> Decimal:
    return (VenueInvestment.objects.filter(division_q(org), invested_on__gte=date_from, invested_on__lte=date_to)
            .aggregate(s=Sum("amount"))["s"] or Decimal("0"))


# --- Training coverage ---------------------------------------------------------------------------

@dataclass
class Coverage:
    people: list = field(default_factory=list)  # the serving cadres counted
    trained: dict = field(default_factory=dict)  # cadre pk -> hours in the period
    date_from: Optional[datetime.date] = None
    date_to: Optional[datetime.date] = None

    @property
    def total(self) -> int:
        return len(self.people)

    @property
    def trained_count(self) -> int:
        return sum(1 for c in self.people if c.pk in self.trained)

    @property
    def rate(self):
        return round(self.trained_count / self.total, 4) if self.total else None

    @property
    def untrained(self) -> list:
        return [c for c in self.people if c.pk not in self.trained]


@dataclass(frozen=True)
class _Person:
    """A serving cadre as the statistics need it (no model instance: the block counts thousands)."""

    pk: int
    name: str
    organization_id: int
    id_number_hash: str
    path: str


def coverage(org, date_from: datetime.date, date_to: datetime.date, posts=(Post.SECRETARY,), *,
             objects: bool = True) -> Coverage:
    """Cadres of ``posts`` serving on ``date_to`` in scope, and which of them have a 培训 row whose
    开始日期 lies in the period — matched by ID number, else by name and organisation.

    ``objects=False`` gives light records (pk, name, organization_id, id_number_hash, path) for counting."""
    serving = Cadre.objects.serving_on(date_to).filter(org_q(org), post__in=posts)
    if objects:
        people = list(serving.select_related("organization").order_by("organization__path", "post", "name"))
    else:
        people = [_Person(*row) for row in serving.values_list("pk", "name", "organization_id", "id_number_hash",
                                                               "organization__path")]
    by_hash, by_name = {}, {}
    for c in people:
        if c.id_number_hash:
            by_hash.setdefault(c.id_number_hash, []).append(c)
        by_name.setdefault((c.name, c.organization_id), []).append(c)
    rows = (TrainingAttendance.objects.filter(training__started_on__gte=date_from, training__started_on__lte=date_to)
            .values_list("id_number_hash", "name", "organization_id", "training__hours"))
    if org is not None:
        rows = rows.filter(org_q(org) | Q(id_number_hash__in=list(by_hash)))
    trained: dict[int, Decimal] = defaultdict(Decimal)
    for id_hash, name, org_id, hours in rows.iterator(chunk_size=5000):
        matched = by_hash.get(id_hash) if id_hash else None
        if not matched:
            matched = [c for c in by_name.get((name, org_id), []) if not (c.id_number_hash and id_hash)]
        for c in matched or ():
            trained[c.pk] += hours or 0
    return Coverage(people=people, trained=dict(trained), date_from=date_from, date_to=date_to)


# --- Teams ---------------------------------------------------------------------------------------

@dataclass
class Team:
    org: Organization
    members: list = field(default_factory=list)
    required: int = 1
    full_members: int = 0

    @property
    def secretary(self):
        return next((c for c in self.members if c.post == Post.SECRETARY), None)

    @property
    def team(self):
        return [c for c in self.members if c.post in TEAM_POSTS]

    def count(self, post) -> int:
        return sum(1 for c in self.members if c.post == post)

    @property
    def flags(self) -> list[str]:
        return rules.team_flags(has_secretary=self.secretary is not None, team_size=len(self.team),
                                required=self.required)


@dataclass(frozen=True)
class TeamMember:
    """A serving cadre as the team pages need it (read with ``values_list``: a county has thousands)."""

    pk: int
    organization_id: int
    name: str
    post: str
    started_on: datetime.date
    ended_on: Optional[datetime.date]
    one_shoulder: bool
    concurrent_post: str
    sex: str
    birth_date: Optional[datetime.date]
    education: str
    member_id: Optional[int]
    id_number_encrypted: str

    FIELDS = ("pk", "organization_id", "name", "post", "started_on", "ended_on", "one_shoulder", "concurrent_post",
              "sex", "birth_date", "education", "member_id", "id_number_encrypted")

    @property
    def id_number_masked(self) -> str:
        from dangjian.core import crypto

        return crypto.mask_id_number(crypto.decrypt(self.id_number_encrypted))


def teams(orgs, day: datetime.date) -> list[Team]:
    """The team of each organisation on ``day``, with what the rules require of it."""
    from dangjian.register.models import Member

    orgs = list(orgs)
    ids = [o.pk for o in orgs]
    by_org: dict[int, list] = defaultdict(list)
    rows = (Cadre.objects.serving_on(day).filter(organization_id__in=ids)
            .order_by("organization_id", "post", "started_on").values_list(*TeamMember.FIELDS))
    for row in rows:
        c = TeamMember(*row)
        by_org[c.organization_id].append(c)
    full = dict(Member.objects.filter(organization_id__in=ids, status=MemberStatus.NORMAL, full_on__lte=day)
                .values_list("organization_id").annotate(n=Count("id")).order_by())
    order = {p: i for i, p in enumerate(Post.values)}
    committee_min = get_setting("cadres.committee_min_size")
    out = []
    for o in orgs:
        members = sorted(by_org.get(o.pk, []), key=lambda c: (order.get(c.post, 9), c.started_on))
        out.append(Team(org=o, members=members, required=rules.required_team_size(o.org_type, full.get(o.pk, 0),
                                                                                  committee_min=committee_min),
                        full_members=full.get(o.pk, 0)))
    return out


# --- Structure -----------------------------------------------------------------------------------

AGE_BANDS = (("35岁及以下", 0, 35), ("36–45岁", 36, 45), ("46–55岁", 46, 55), ("56岁及以上", 56, 200))


def _share(n, total):
    return round(n / total, 4) if total else None


def structure_of(people, day: datetime.date) -> dict:
    """Age, education, sex and 一肩挑 of a list of cadres on ``day`` (shares of those known)."""
    people = list(people)
    total = len(people)
    ages = [age_on(c.birth_date, day) for c in people if c.birth_date]
    bands = Counter()
    for a in ages:
        for label, low, high in AGE_BANDS:
            if low <= a <= high:
                bands[label] += 1
    educated = [c for c in people if c.education]
    women = sum(1 for c in people if c.sex == "女")
    secretaries = [c for c in people if c.post == Post.SECRETARY]
    return {
        "total": total,
        "average_age": round(sum(ages) / len(ages), 1) if ages else None,
        "age_known": len(ages),
        "age_bands": [(label, bands.get(label, 0), _share(bands.get(label, 0), len(ages))) for label, _, _ in AGE_BANDS],
        "under_36_share": _share(bands.get("35岁及以下", 0), len(ages)),
        "education_known": len(educated),
        "college_share": _share(sum(1 for c in educated if c.education in COLLEGE_OR_ABOVE), len(educated)),
        "women": women,
        "women_share": _share(women, sum(1 for c in people if c.sex)),
        "secretaries": len(secretaries),
        "one_shoulder": sum(1 for c in secretaries if c.one_shoulder),
        "one_shoulder_share": _share(sum(1 for c in secretaries if c.one_shoulder), len(secretaries)),
        "cross_appointed": sum(1 for c in secretaries if c.concurrent_post),
    }


def structure(org, day: datetime.date, *, only_org: bool = False) -> dict:
    """Structure of the secretaries and of the whole teams serving on ``day`` in scope."""
    qs = Cadre.objects.serving_on(day).filter(post__in=TEAM_POSTS)
    qs = qs.filter(organization=org) if only_org else qs.filter(org_q(org))
    people = list(qs.only("post", "sex", "birth_date", "education", "one_shoulder", "concurrent_post"))
    return {"secretaries": structure_of([c for c in people if c.post == Post.SECRETARY], day),
            "teams": structure_of(people, day)}
