"""The register's blocks of ``party_stats`` and the statistics page (stats-contract.md).

Each block is one or two aggregate queries (conditional ``Count`` with ``filter=Q(...)``): the
database does the counting, so a county of 100,000 members costs a scan or two per block, never a
Python loop over members. ``org`` None means the whole database; otherwise the organisation's subtree, itself
included (one indexed ``path`` prefix).
"""
from __future__ import annotations

from django.db.models import Count, Q, Value

from dangjian.core.extensions import KeyRecords, StatsBlock, once_per_statistics_run
from dangjian.core.scope import subtree_q

from . import figures
from .figures import born_by  # noqa: F401  (the bench's floor and older callers)
from .models import Division, Member, Organization
from .vocab import (
    AGE_BANDS, COLLEGE_OR_ABOVE, DIVISION_STAT_KEYS, HAN, JOIN_ERA_LABELS, JOIN_ERAS, ORG_STAT_KEYS,  # noqa: F401
    TWO_NEW_UNIT_TYPES, Education, MemberStatus, Occupation, Sex, UnitType,
)


def divisions(org, as_of, date_from=None, date_to=None) -> dict:
    """Divisions in the subtree of the organisation's 所在行政区划, itself included; 县/县级市/区 are not counted."""
    counts = division_counts(org)
    result = {key: counts.get(category, 0) for category, key in DIVISION_STAT_KEYS.items()}
    result["community"] = result["urban_community"] + result["village_to_community"]
    return result


def division_counts(org) -> dict[str, int]:
    """{category: divisions} in the subtree of ``org``'s division (None: all), itself included (shared
    within one ``party_stats``: the cadres' block counts the communities from it). Do not change it."""
    return _counts(org)[0]


@once_per_statistics_run
def _counts(org) -> tuple[dict[str, int], list[tuple[str, str, int]]]:
    """(divisions by category, the active grassroots organisations grouped by (组织类别, 单位类别)) of
    ``org``'s scope, in one statement (``UNION ALL`` of the two grouped queries, issue 15)."""
    divisions = Division.objects.all() if org is None else Division.objects.in_subtree(org.division)
    organizations = Organization.objects.grassroots().filter(is_active=True)
    if org is not None:
        organizations = organizations.in_subtree(org)
    rows = (divisions.annotate(table=Value("division"), second=Value(""))
            .values_list("table", "category", "second").annotate(n=Count("pk")).order_by()
            .union(organizations.annotate(table=Value("organization"))
                   .values_list("table", "org_type", "unit_type").annotate(n=Count("pk")).order_by(), all=True))
    by_category, groups = {}, []
    for table, first, second, n in rows:
        if table == "division":
            by_category[first] = n
        else:
            groups.append((first, second, n))
    return by_category, groups


def organizations(org, as_of, date_from=None, date_to=None) -> dict:
    """Grassroots organisations in the subtree, itself included, by 组织类别.

    县委 is never counted (it is not a grassroots organisation), and only organisations that are
    running (``is_active``): a dissolved or suspended organisation stays in the register for its
    history but is no longer one of the county's Party organisations.
    """
    # The organisations grouped by (组织类别, 单位类别) (asked with the divisions), every figure summed from them.
    groups = _counts(org)[1]
    result = {key: sum(n for t, _u, n in groups if t == org_type) for org_type, key in ORG_STAT_KEYS.items()}
    result["total"] = sum(result.values())
    # Extra keys: 党（工）委 as the work report writes it, and the "两新" organisations.
    result["committee_or_working_committee"] = result["committee"] + result["working_committee"]
    result["two_new"] = sum(n for _t, u, n in groups if u in TWO_NEW_UNIT_TYPES)
    # Extra key for the annual 党内统计 tables: the organisations by 单位类别 (sector), every category listed.
    result["by_unit_type"] = {value: sum(n for _t, u, n in groups if u == value) for value in UnitType.values}
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
    once per threshold, not twice per band. For today, once the daily job has built it, the same
    groups come from the per-organisation daily figures summed over the subtree (``figures``).
    """
    def scanned():
        return members_in(org).filter(status__in=figures.COUNTED_STATUSES)

    return member_figures(figures.member_rows(org, as_of, scanned, {"in_two_new": two_new_organizations(org)}))


def member_figures(rows: list[dict]) -> dict:
    """The block from the (党籍状态, 民族) rows of counts, however they were counted."""
    counts = [*figures.FIGURE_COLUMNS, "in_two_new"]
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
