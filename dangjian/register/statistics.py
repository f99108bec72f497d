"""The register's blocks of ``party_stats`` and the statistics page (stats-contract.md).

Each block is one or two aggregate queries (conditional ``Count`` with ``filter=Q(...)``): the
database does the counting, so a county of 100,000 members costs a scan or two per block, never a
Python loop over members. ``org`` None means the whole database; otherwise the organisation's subtree, itself
included (one indexed ``path`` prefix).
"""
from __future__ import annotations

import datetime

from django.db.models import Count, Q

from dangjian.core.extensions import KeyRecords, StatsBlock
from dangjian.core.scope import subtree_q

from .models import Division, Member, Organization
from .rules import add_years
from .vocab import (
    AGE_BANDS, COLLEGE_OR_ABOVE, DIVISION_STAT_KEYS, HAN, ORG_STAT_KEYS, TWO_NEW_UNIT_TYPES, Education,
    MemberStatus, Occupation, Sex, UnitType,
)

# 党内统计's joining eras (domain-rules §8): key, and the first day of the next era (None: the last).
JOIN_ERAS = [
    ("before_1949_10", datetime.date(1949, 10, 1)),
    ("1949_10_to_1978_12", datetime.date(1979, 1, 1)),  # 十一届三中全会
    ("1979_01_to_2012_11", datetime.date(2012, 12, 1)),  # 十八大
    ("since_2012_12", None),
]
JOIN_ERA_LABELS = {
    "before_1949_10": "1949年10月以前", "1949_10_to_1978_12": "1949年10月至1978年12月",
    "1979_01_to_2012_11": "1979年1月至2012年11月", "since_2012_12": "2012年12月以来",
}


def born_by(as_of: datetime.date, age: int) -> datetime.date:
    """The last birth date of someone at least ``age`` years old on ``as_of`` (``rules.age_on``).

    ``add_years`` clamps 29 February to 28 February in a common year, which is also the last birth
    date whose (month, day) is not after as_of's: age_on(birth, as_of) >= age ⇔ birth <= born_by(as_of, age).
    """
    return add_years(as_of, -age)


def divisions(org, as_of, date_from=None, date_to=None) -> dict:
    """Divisions in the subtree of the organisation's 所在行政区划, itself included; 县/县级市/区 are not counted."""
    qs = Division.objects.all()
    if org is not None:
        qs = qs.in_subtree(org.division)
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
        qs = qs.in_subtree(org)
    aggregates = {key: Count("pk", filter=Q(org_type=org_type)) for org_type, key in ORG_STAT_KEYS.items()}
    aggregates["two_new"] = Count("pk", filter=Q(unit_type__in=TWO_NEW_UNIT_TYPES))
    counts = qs.aggregate(**aggregates)
    result = {key: counts[key] for key in ORG_STAT_KEYS.values()}
    result["total"] = sum(result.values())
    # Extra keys: 党（工）委 as the work report writes it, and the "两新" organisations.
    result["committee_or_working_committee"] = result["committee"] + result["working_committee"]
    result["two_new"] = counts["two_new"]
    # Extra key for the annual 党内统计 tables: the organisations by 单位类别 (sector), every category listed.
    by_unit = dict(qs.values_list("unit_type").annotate(n=Count("pk")).order_by())
    result["by_unit_type"] = {value: by_unit.get(value, 0) for value in UnitType.values}
    return result


def members_in(org):
    # ``organization__in`` a subquery of the subtree's organisations (rather than a join on the path)
    # lets PostgreSQL walk the (status, organization) index for a township instead of scanning every member.
    return Member.objects.all() if org is None else Member.objects.in_subtree(org)


def two_new_organizations(org):
    """The 两新 organisations of the subtree (a subquery: counted by ``organization_id``, no join)."""
    qs = Organization.objects.filter(unit_type__in=TWO_NEW_UNIT_TYPES)
    return (qs if org is None else qs.in_subtree(org)).values("pk")


def members(org, as_of, date_from=None, date_to=None) -> dict:
    """Members whose 所在党组织 is in the subtree.

    ``suspended`` counts 停止党籍; every other key counts only members in good standing (正常);
    已转出 counts nowhere. Probation and ages are judged on ``as_of``.

    One pass over the members (issue 15): conditional counts grouped by (党籍状态, 民族) — a few
    dozen groups at most — summed here, so the 民族 breakdown costs no second scan; the 两新 count
    tests ``organization_id`` against a subquery of the subtree's 两新 organisations (no join to
    organisations). Age bands and joining eras are counted cumulatively (born on or before each band's
    threshold; joined before each era's end) and differenced here, so each member row is compared
    once per threshold, not twice per band.
    """
    age_lows = [low for _key, low, _high in AGE_BANDS if low is not None]
    era_ends = [end for _key, end in JOIN_ERAS if end is not None]
    counts = {
        "n": Count("pk"),
        "full": Count("pk", filter=Q(full_on__isnull=False, full_on__lte=as_of)),
        "female": Count("pk", filter=Q(sex=Sex.FEMALE)),
        "college_or_above": Count("pk", filter=Q(education__in=COLLEGE_OR_ABOVE)),
        "floating": Count("pk", filter=Q(is_floating=True)),
        "in_two_new": Count("pk", filter=Q(organization__in=two_new_organizations(org))),
        "under_party_probation": Count("pk", filter=Q(under_party_probation=True)),
        **{f"age:{low}": Count("pk", filter=Q(birth_date__lte=born_by(as_of, low))) for low in age_lows},
        **{f"joined_before:{end}": Count("pk", filter=Q(joined_on__lt=end)) for end in era_ends},
        **{f"education:{value}": Count("pk", filter=Q(education=value)) for value in Education.values},
        **{f"occupation:{value}": Count("pk", filter=Q(occupation=value)) for value in Occupation.values},
    }
    rows = list(members_in(org).filter(status__in=[MemberStatus.NORMAL, MemberStatus.SUSPENDED])  # 已转出: nowhere
                .values("status", "ethnicity").annotate(**counts).order_by())
    c = dict.fromkeys(counts, 0)
    suspended, by_ethnicity = 0, {}
    for row in rows:
        if row["status"] == MemberStatus.SUSPENDED:
            suspended += row["n"]
            continue
        for key in counts:
            c[key] += row[key]
        by_ethnicity[row["ethnicity"]] = by_ethnicity.get(row["ethnicity"], 0) + row["n"]
    total = c["n"]
    result = {
        "total": total,
        "full": c["full"],
        "probationary": total - c["full"],  # the others: no 转正日期, or one after as_of
        "female": c["female"],
        "ethnic_minority": total - by_ethnicity.get(HAN, 0),
        "college_or_above": c["college_or_above"],
        "floating": c["floating"],
        "in_two_new": c["in_two_new"],
        "suspended": suspended,
        # A band [low, high] holds those at least ``low`` years old but not ``high + 1`` (the next band's low).
        "age_bands": {
            key: (total if low is None else c[f"age:{low}"]) - (0 if high is None else c[f"age:{high + 1}"])
            for key, low, high in AGE_BANDS
        },
    }
    # Extra keys for the statistics page (the contract keys above keep their names and meanings).
    result["male"] = total - c["female"]
    result["under_party_probation"] = c["under_party_probation"]
    result["by_education"] = {value: c[f"education:{value}"] for value in Education.values}
    result["by_occupation"] = {value: c[f"occupation:{value}"] for value in Occupation.values}
    by_ethnicity.setdefault(HAN, 0)
    result["by_ethnicity"] = dict(sorted(((k, n) for k, n in by_ethnicity.items() if n),
                                         key=lambda pair: (-pair[1], pair[0])))
    # An era holds those who joined before its end but not before the previous era's end.
    eras, earlier = {}, 0
    for key, end in JOIN_ERAS:
        upto = total if end is None else c[f"joined_before:{end}"]
        eras[key], earlier = upto - earlier, upto
    result["join_eras"] = eras
    return result


# --- The records behind a key (the work report's traceable figures) -------------------------------

def _always(org, date_to) -> bool:
    """The register always holds data: a 0 here is a real count, never a missing module."""
    return True


def _division_records(org, as_of, date_from, date_to, key):
    categories = {v: k for k, v in DIVISION_STAT_KEYS.items()}
    wanted = [categories[key]] if key in categories else (
        [c for c, k in DIVISION_STAT_KEYS.items() if k in ("urban_community", "village_to_community")]
        if key == "community" else None)
    if wanted is None:
        return None
    qs = Division.objects.filter(category__in=wanted).select_related("parent").order_by("path")
    if org is not None:
        qs = qs.filter(subtree_q(org.division))
    return KeyRecords(("行政区划", "类别", "上级区划"), qs,
                      lambda d: (d.name, d.get_category_display(), d.parent.name if d.parent_id else ""))


def _organization_records(org, as_of, date_from, date_to, key):
    types = {v: k for k, v in ORG_STAT_KEYS.items()}
    if key not in types and key not in ("total", "committee_or_working_committee", "two_new"):
        return None
    qs = Organization.objects.grassroots().filter(is_active=True).select_related("parent").order_by("path")
    if org is not None:
        qs = qs.filter(subtree_q(org))
    if key in types:
        qs = qs.filter(org_type=types[key])
    elif key == "committee_or_working_committee":
        qs = qs.filter(org_type__in=[types["committee"], types["working_committee"]])
    elif key == "two_new":
        qs = qs.filter(unit_type__in=TWO_NEW_UNIT_TYPES)
    return KeyRecords(("党组织", "组织类别", "单位类别", "上级党组织"), qs,
                      lambda o: (o.name, o.org_type, o.unit_type, o.parent.name if o.parent_id else ""))


_MEMBER_FILTERS = {
    "total": Q(),
    "full": Q(full_on__isnull=False),
    "female": Q(sex=Sex.FEMALE),
    "ethnic_minority": ~Q(ethnicity=HAN),
    "college_or_above": Q(education__in=COLLEGE_OR_ABOVE),
    "floating": Q(is_floating=True),
    "in_two_new": Q(organization__unit_type__in=TWO_NEW_UNIT_TYPES),
}


def _member_records(org, as_of, date_from, date_to, key):
    qs = members_in(org).order_by("organization__path", "name", "pk")
    if key == "suspended":
        qs = qs.filter(status=MemberStatus.SUSPENDED)
    elif key == "probationary":
        qs = qs.filter(status=MemberStatus.NORMAL).filter(Q(full_on__isnull=True) | Q(full_on__gt=as_of))
    elif key in _MEMBER_FILTERS:
        qs = qs.filter(status=MemberStatus.NORMAL).filter(_MEMBER_FILTERS[key])
        if key == "full":
            qs = qs.filter(full_on__lte=as_of)
    else:
        return None
    # No ID or phone number: a figure's list is for counting, and it is downloaded as a file.
    # Plain tuples (no model instances): the list of a county's 30,000 members is written in seconds.
    qs = qs.values_list("name", "sex", "ethnicity", "birth_date", "education", "joined_on", "organization__name")
    return KeyRecords(("姓名", "性别", "民族", "出生年月", "学历", "入党日期", "所在党组织"), qs,
                      lambda m: (m[0], m[1], m[2], f"{m[3]:%Y-%m}", m[4], m[5], m[6]))


BLOCKS = [
    StatsBlock(key="divisions", label="行政区划", compute=divisions, order=10, has_data=_always,
               records=_division_records),
    StatsBlock(key="organizations", label="基层党组织", compute=organizations, order=20, has_data=_always,
               records=_organization_records),
    StatsBlock(key="members", label="党员", compute=members, order=30, has_data=_always, records=_member_records),
]
