"""The ``co_building`` and ``two_new`` blocks of ``party_stats`` (stats-contract.md, exact key names).

Scope with ``org``: co-building rows by their 区域党组织, ratings and brands by their Party organisation
(in the subtree of ``org``); "两新" units by 所在行政区划 (in the subtree of ``org``'s division).
A unit participates / a member serves from the start day to the day before the end day.
A handful of aggregate queries, none per row.
"""
from __future__ import annotations

from django.db.models import Count, Max, Q

from dangjian.core.extensions import StatsBlock

from .models import Brand, Matter, MemberUnit, PartTimeMember, SharedResource, StarRating, TwoNewUnit
from .vocab import MatterCategory, RatingStatus


def _active(start: str, end: str, day) -> Q:
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


def _rate(n: int, d: int):
    return round(n / d, 4) if d else None


def co_building(org, as_of, date_from, date_to) -> dict:
    day = date_to or as_of
    region = Q(region__organization__path__startswith=org.path) if org is not None else Q()
    own = Q(organization__path__startswith=org.path) if org is not None else Q()
    matters = Matter.objects.filter(region)
    return {
        "participating_organizations": MemberUnit.objects.filter(region, _active("joined_on", "left_on", day))
        .values("unit_name").distinct().count(),
        "part_time_members": PartTimeMember.objects.filter(region, _active("started_on", "ended_on", day)).count(),
        "shared_resources": SharedResource.objects.filter(region, _active("registered_on", "stopped_on", day)).count(),
        "problems_resolved": matters.filter(category=MatterCategory.PROBLEM, completed_on__gte=date_from,
                                            completed_on__lte=date_to).count(),
        "commitments": matters.filter(category=MatterCategory.COMMITMENT, raised_on__gte=date_from,
                                      raised_on__lte=date_to).count(),
        "brands": Brand.objects.filter(own, recognised_on__gte=date_from, recognised_on__lte=date_to)
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=date_to)).count(),
    }


def published_ratings(org, year_to: int):
    """Published ratings in scope for the latest 评定年度 not after ``year_to``."""
    qs = StarRating.objects.filter(status=RatingStatus.PUBLISHED, year__lte=year_to)
    if org is not None:
        qs = qs.filter(organization__path__startswith=org.path)
    latest = qs.aggregate(y=Max("year"))["y"]
    return qs.filter(year=latest) if latest is not None else qs.none()


def two_new(org, as_of, date_from, date_to) -> dict:
    day = date_to or as_of
    units = TwoNewUnit.objects.filter(surveyed_on__lte=day)
    if org is not None:
        units = units.filter(division__path__startswith=org.division.path)
    counts = units.aggregate(n=Count("id"), covered=Count("id", filter=Q(organization__isnull=False)))
    by_stars = dict(published_ratings(org, day.year).values_list("stars").annotate(n=Count("id")).order_by())
    return {
        "units": counts["n"],
        "units_with_party_organization": counts["covered"],
        "coverage_rate": _rate(counts["covered"], counts["n"]),
        "stars": {str(s): by_stars.get(s, 0) for s in (5, 4, 3, 2, 1, 0)},
    }


BLOCKS = [
    StatsBlock(key="co_building", label="区域化党建", compute=co_building, order=80,
               template="cobuilding/stats_co_building.html"),
    StatsBlock(key="two_new", label="两新党建", compute=two_new, order=81, template="cobuilding/stats_two_new.html"),
]
