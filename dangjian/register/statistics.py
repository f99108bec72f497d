"""The register's blocks of ``party_stats`` and the statistics page (stats-contract.md).

Each block is one aggregate query (conditional ``Count`` with ``filter=Q(...)``): the database does
the counting, so a county of 100,000 members costs one scan per block, never a Python loop over
members. ``org`` None means the whole database; otherwise the organisation's subtree, itself
included (one indexed ``path`` prefix).
"""
from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Q

from dangjian.core.extensions import StatsBlock

from .models import Division, Member, Organization
from .rules import add_years
from .vocab import (
    AGE_BANDS, COLLEGE_OR_ABOVE, DIVISION_STAT_KEYS, HAN, ORG_STAT_KEYS, TWO_NEW_UNIT_TYPES, Education,
    MemberStatus, Occupation, Sex,
)

# 党内统计's joining eras (domain-rules §8): key, first and last day (inclusive; None = open).
JOIN_ERAS = [
    ("before_1949_10", None, datetime.date(1949, 9, 30)),
    ("1949_10_to_1978_12", datetime.date(1949, 10, 1), datetime.date(1978, 12, 31)),
    ("1979_01_to_2012_11", datetime.date(1979, 1, 1), datetime.date(2012, 11, 30)),
    ("since_2012_12", datetime.date(2012, 12, 1), None),
]
JOIN_ERA_LABELS = {
    "before_1949_10": "1949年10月以前", "1949_10_to_1978_12": "1949年10月至1978年12月",
    "1979_01_to_2012_11": "1979年1月至2012年11月", "since_2012_12": "2012年12月以来",
}


def age_band_birth_ranges(as_of: datetime.date) -> dict[str, tuple[datetime.date | None, datetime.date | None]]:
    """For each age band, the birth dates (earliest, latest; inclusive, None = open) it holds on ``as_of``.

    Someone is at least ``n`` years old on ``as_of`` (``rules.age_on``) exactly when they were born on or
    before ``add_years(as_of, -n)``: that clamps 29 February to 28 February in a common year, which is
    also the last birth date whose (month, day) is not after as_of's. So a band [lo, hi] holds births in
    (add_years(as_of, -(hi + 1)), add_years(as_of, -lo)].
    """
    ranges = {}
    for key, lowest, highest in AGE_BANDS:
        latest = add_years(as_of, -lowest) if lowest is not None else None
        earliest = add_years(as_of, -(highest + 1)) + datetime.timedelta(days=1) if highest is not None else None
        ranges[key] = (earliest, latest)
    return ranges


def _between(field: str, earliest, latest) -> Q:
    q = Q()
    if earliest is not None:
        q &= Q(**{f"{field}__gte": earliest})
    if latest is not None:
        q &= Q(**{f"{field}__lte": latest})
    return q


def divisions(org, as_of, date_from=None, date_to=None) -> dict:
    """Divisions in the subtree of the organisation's 所在行政区划, itself included; 县/县级市/区 are not counted."""
    qs = Division.objects.all()
    if org is not None:
        qs = qs.filter(path__startswith=org.division.path)
    counts = qs.aggregate(**{key: Count("pk", filter=Q(category=category)) for category, key in DIVISION_STAT_KEYS.items()})
    result = {key: counts[key] for key in DIVISION_STAT_KEYS.values()}
    result["community"] = result["urban_community"] + result["village_to_community"]
    return result


def organizations(org, as_of, date_from=None, date_to=None) -> dict:
    """Grassroots organisations in the subtree, itself included, by 组织类别.

    县委 is never counted (it is not a grassroots organisation), and only organisations that are
    running (``is_active``): a dissolved or suspended organisation stays in the register for its
    history but is no longer one of the county's Party organisations.
    """
    qs = Organization.objects.grassroots().filter(is_active=True)
    if org is not None:
        qs = qs.filter(path__startswith=org.path)
    aggregates = {key: Count("pk", filter=Q(org_type=org_type)) for org_type, key in ORG_STAT_KEYS.items()}
    aggregates["two_new"] = Count("pk", filter=Q(unit_type__in=TWO_NEW_UNIT_TYPES))
    counts = qs.aggregate(**aggregates)
    result = {key: counts[key] for key in ORG_STAT_KEYS.values()}
    result["total"] = sum(result.values())
    # Extra keys: 党（工）委 as the work report writes it, and the "两新" organisations.
    result["committee_or_working_committee"] = result["committee"] + result["working_committee"]
    result["two_new"] = counts["two_new"]
    return result


def members_in(org):
    # ``organization__in`` a subquery of the subtree's organisations (rather than a join on the path)
    # lets PostgreSQL walk the (status, organization) index for a township instead of scanning every member.
    return Member.objects.all() if org is None else Member.objects.in_subtree(org)


def members(org, as_of, date_from=None, date_to=None) -> dict:
    """Members whose 所在党组织 is in the subtree.

    ``suspended`` counts 停止党籍; every other key counts only members in good standing (正常);
    已转出 counts nowhere. Probation and ages are judged on ``as_of``.

    One query: members grouped by the categorical columns (党籍状态, 学历, 人员类别, 民族: a few hundred
    groups at most, whatever the number of members), each group with conditional counts for the
    rest. Grouping replaces a conditional count per category value, which on SQLite costs a pass of
    its own; the groups are then summed here.
    """
    per_group = {
        "n": Count("pk"),
        "full": Count("pk", filter=Q(full_on__isnull=False, full_on__lte=as_of)),
        "female": Count("pk", filter=Q(sex=Sex.FEMALE)),
        "floating": Count("pk", filter=Q(is_floating=True)),
        "in_two_new": Count("pk", filter=Q(organization__unit_type__in=TWO_NEW_UNIT_TYPES)),
        "under_party_probation": Count("pk", filter=Q(under_party_probation=True)),
    }
    for key, (earliest, latest) in age_band_birth_ranges(as_of).items():
        per_group[f"age:{key}"] = Count("pk", filter=_between("birth_date", earliest, latest))
    for key, first, last in JOIN_ERAS:
        per_group[f"era:{key}"] = Count("pk", filter=_between("joined_on", first, last))

    groups = (
        members_in(org)
        .filter(status__in=[MemberStatus.NORMAL, MemberStatus.SUSPENDED])  # 已转出 counts nowhere
        .values("status", "education", "occupation", "ethnicity")
        .annotate(**per_group)
        .order_by()
    )
    sums: dict[str, int] = defaultdict(int)
    by_education = dict.fromkeys(Education.values, 0)
    by_occupation = dict.fromkeys(Occupation.values, 0)
    by_ethnicity: dict[str, int] = defaultdict(int)
    suspended = 0
    for group in groups:
        if group["status"] == MemberStatus.SUSPENDED:
            suspended += group["n"]
            continue
        for key in per_group:
            sums[key] += group[key]
        if group["education"] in COLLEGE_OR_ABOVE:
            sums["college_or_above"] += group["n"]
        if group["ethnicity"] != HAN:
            sums["ethnic_minority"] += group["n"]
        by_education[group["education"]] = by_education.get(group["education"], 0) + group["n"]
        by_occupation[group["occupation"]] = by_occupation.get(group["occupation"], 0) + group["n"]
        by_ethnicity[group["ethnicity"]] += group["n"]

    total = sums["n"]
    result = {
        "total": total,
        "full": sums["full"],
        "probationary": total - sums["full"],  # the others: no 转正日期, or one after as_of
        "female": sums["female"],
        "ethnic_minority": sums["ethnic_minority"],
        "college_or_above": sums["college_or_above"],
        "floating": sums["floating"],
        "in_two_new": sums["in_two_new"],
        "suspended": suspended,
        "age_bands": {key: sums[f"age:{key}"] for key, _lo, _hi in AGE_BANDS},
    }
    # Extra keys for the statistics page (the contract keys above keep their names and meanings).
    result["male"] = total - sums["female"]
    result["under_party_probation"] = sums["under_party_probation"]
    result["by_education"] = by_education
    result["by_occupation"] = by_occupation
    result["by_ethnicity"] = dict(sorted(by_ethnicity.items(), key=lambda pair: (-pair[1], pair[0])))
    result["join_eras"] = {key: sums[f"era:{key}"] for key, _first, _last in JOIN_ERAS}
    return result


BLOCKS = [
    StatsBlock(key="divisions", label="行政区划", compute=divisions, order=10),
    StatsBlock(key="organizations", label="基层党组织", compute=organizations, order=20),
    StatsBlock(key="members", label="党员", compute=members, order=30),
]

