"""The ``co_building`` and ``two_new`` blocks of ``party_stats`` (stats-contract.md, exact key names).

Scope with ``org``: co-building rows by their 区域党组织, ratings and brands by their Party organisation
(in the subtree of ``org``); "两新" units by 所在行政区划 (in the subtree of ``org``'s division).
A unit participates / a member serves from the start day to the day before the end day.
A handful of aggregate queries, none per row. ``records`` lists the rows behind each key (the work
report's traceable figures; the brands' names fill its "如X等"), ``has_data`` whether the scope has any.
"""
from __future__ import annotations

from django.db.models import Count, Max, Q

from dangjian.core.extensions import KeyRecords, StatsBlock
from dangjian.core.scope import subtree_q

from .models import Brand, Matter, MemberUnit, PartTimeMember, SharedResource, StarRating, TwoNewUnit
from .vocab import MatterCategory, RatingStatus


def _active(start: str, end: str, day) -> Q:
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


def _rate(n: int, d: int):
    return round(n / d, 4) if d else None


def _region(org) -> Q:
    return subtree_q(org, "region__organization") if org is not None else Q()


def _own(org) -> Q:
    return subtree_q(org, "organization") if org is not None else Q()


def _co_querysets(org, as_of, date_from, date_to) -> dict:
    day = date_to or as_of
    region = _region(org)
    return {
        "participating_organizations": MemberUnit.objects.filter(region, _active("joined_on", "left_on", day)),
        "part_time_members": PartTimeMember.objects.filter(region, _active("started_on", "ended_on", day)),
        "shared_resources": SharedResource.objects.filter(region, _active("registered_on", "stopped_on", day)),
        "problems_resolved": Matter.objects.filter(region, category=MatterCategory.PROBLEM, completed_on__gte=date_from,
                                                   completed_on__lte=date_to),
        "commitments": Matter.objects.filter(region, category=MatterCategory.COMMITMENT, raised_on__gte=date_from,
                                             raised_on__lte=date_to),
        "brands": Brand.objects.filter(_own(org), recognised_on__gte=date_from, recognised_on__lte=date_to)
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=date_to)),
    }


def co_building(org, as_of, date_from, date_to) -> dict:
    qs = _co_querysets(org, as_of, date_from, date_to)
    return {
        "participating_organizations": qs["participating_organizations"].values("unit_name").distinct().count(),
        **{k: qs[k].count() for k in ("part_time_members", "shared_resources", "problems_resolved", "commitments",
                                      "brands")},
    }


def _co_records(org, as_of, date_from, date_to, key):
    qs = _co_querysets(org, as_of, date_from, date_to).get(key)
    if qs is None:
        return None
    if key == "brands":  # the first column is the brand's name (the report's "如X等")
        return KeyRecords(("品牌名称", "所在党组织", "立项日期", "认定日期"),
                          qs.select_related("organization").order_by("-recognised_on", "name"),
                          lambda b: (b.name, b.organization.name, b.applied_on, b.recognised_on))
    qs = qs.select_related("region__organization")
    if key == "participating_organizations":
        return KeyRecords(("共建单位", "区域党组织", "加入日期", "退出日期"), qs.order_by("unit_name", "joined_on"),
                          lambda u: (u.unit_name, u.region.organization.name, u.joined_on, u.left_on),
                          note="同一单位参加多个区域只计一次")
    if key == "part_time_members":
        return KeyRecords(("姓名", "所在单位", "区域党组织", "任职日期"), qs.order_by("started_on", "pk"),
                          lambda p: (p.name, p.unit_name, p.region.organization.name, p.started_on))
    if key == "shared_resources":
        return KeyRecords(("资源名称", "资源类别", "提供单位", "区域党组织", "登记日期"), qs.order_by("name", "pk"),
                          lambda r: (r.name, r.category, r.provider, r.region.organization.name, r.registered_on))
    return KeyRecords(("事项", "类别", "提出单位", "区域党组织", "提出日期", "完成日期"), qs.order_by("raised_on", "pk"),
                      lambda m: (m.title, m.category, m.raised_by, m.region.organization.name, m.raised_on, m.completed_on))


def _co_has_data(org, date_to) -> bool:
    region = _region(org)
    return (MemberUnit.objects.filter(region).exists() or Matter.objects.filter(region).exists()
            or SharedResource.objects.filter(region).exists() or Brand.objects.filter(_own(org)).exists())


def _units(org, day):
    units = TwoNewUnit.objects.filter(surveyed_on__lte=day)
    if org is not None:
        units = units.filter(subtree_q(org.division, "division"))
    return units


def published_ratings(org, year_to: int):
    """Published ratings in scope for the latest 评定年度 not after ``year_to``."""
    qs = StarRating.objects.filter(_own(org), status=RatingStatus.PUBLISHED, year__lte=year_to)
    latest = qs.aggregate(y=Max("year"))["y"]
    return qs.filter(year=latest) if latest is not None else qs.none()


def two_new(org, as_of, date_from, date_to) -> dict:
    day = date_to or as_of
    counts = _units(org, day).aggregate(n=Count("id"), covered=Count("id", filter=Q(organization__isnull=False)))
    by_stars = dict(published_ratings(org, day.year).values_list("stars").annotate(n=Count("id")).order_by())
    return {
        "units": counts["n"],
        "units_with_party_organization": counts["covered"],
        "coverage_rate": _rate(counts["covered"], counts["n"]),
        "stars": {str(s): by_stars.get(s, 0) for s in (5, 4, 3, 2, 1, 0)},
    }


def _two_new_records(org, as_of, date_from, date_to, key):
    day = date_to or as_of
    if key in ("units", "units_with_party_organization", "coverage_rate"):
        qs = _units(org, day).select_related("division", "organization").order_by("name")
        if key == "units_with_party_organization":
            qs = qs.filter(organization__isnull=False)
        return KeyRecords(("单位名称", "单位类别", "所在行政区划", "党组织", "党建指导员", "排查日期"), qs,
                          lambda u: (u.name, u.category, u.division.name, u.organization.name if u.organization_id else "",
                                     u.instructor, u.surveyed_on))
    if key == "stars":
        qs = published_ratings(org, day.year).select_related("organization").order_by("-stars", "organization__path")
        return KeyRecords(("党组织", "评定年度", "得分", "星级"), qs,
                          lambda r: (r.organization.name, r.year, r.score, "一票否决" if r.veto else r.stars))
    return None


def _two_new_has_data(org, date_to) -> bool:
    return _units(org, date_to).exists() or StarRating.objects.filter(_own(org)).exists()


def _co_probe(org) -> list:
    region = _region(org)
    return [MemberUnit.objects.filter(region), PartTimeMember.objects.filter(region),
            SharedResource.objects.filter(region), Matter.objects.filter(region), Brand.objects.filter(_own(org))]


def _co_empty(org, as_of, date_from, date_to) -> dict:
    return dict.fromkeys(("participating_organizations", "part_time_members", "shared_resources", "problems_resolved",
                          "commitments", "brands"), 0)


def _two_new_probe(org) -> list:
    units = TwoNewUnit.objects.all()
    if org is not None:
        units = units.filter(subtree_q(org.division, "division"))
    return [units, StarRating.objects.filter(_own(org))]


def _two_new_empty(org, as_of, date_from, date_to) -> dict:
    return {"units": 0, "units_with_party_organization": 0, "coverage_rate": None,
            "stars": {str(s): 0 for s in (5, 4, 3, 2, 1, 0)}}


BLOCKS = [
    StatsBlock(key="co_building", label="区域化党建", compute=co_building, order=80,
               template="cobuilding/stats_co_building.html", records=_co_records, has_data=_co_has_data,
               probe=_co_probe, empty=_co_empty),
    StatsBlock(key="two_new", label="两新党建", compute=two_new, order=81, template="cobuilding/stats_two_new.html",
               records=_two_new_records, has_data=_two_new_has_data, probe=_two_new_probe, empty=_two_new_empty),
]
