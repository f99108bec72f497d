"""Assessment indicator computed from the "两新" register: Party-organisation coverage
(core.extensions.ComputedIndicator).

An organisation's value covers the "两新" units surveyed (排查日期 not after the end of the period) whose
所在行政区划 lies in the subtree of the organisation's division — the same scope as the ``two_new`` block:
units with a Party organisation (their own or a 联合党支部) ÷ units. Grouped by division in one query.
"""
from __future__ import annotations

from django.db.models import Count, Q

from dangjian.core.extensions import ComputedIndicator, IndicatorRecord, IndicatorValue
from dangjian.core.scope import subtree_q
from dangjian.core.tree import STEP

from .models import TwoNewUnit


def _coverage(orgs, date_from, date_to):
    orgs = list(orgs)
    if not orgs:
        return {}
    totals: dict[str, list[int]] = {}
    rows = (TwoNewUnit.objects.filter(surveyed_on__lte=date_to).values("division__path")
            .annotate(n=Count("id"), covered=Count("id", filter=Q(organization__isnull=False))).order_by())
    for row in rows:
        path = row["division__path"]
        for end in range(STEP, len(path) + 1, STEP):
            acc = totals.setdefault(path[:end], [0, 0])
            acc[0] += row["covered"]
            acc[1] += row["n"]
    out = {}
    for org in orgs:
        covered, n = totals.get(org.division.path, (0, 0)) if org.division_id else (0, 0)
        out[org.id] = IndicatorValue(covered, n)
    return out


def _records(org, date_from, date_to):
    units = (TwoNewUnit.objects.filter(subtree_q(org.division, "division"), surveyed_on__lte=date_to)
             .select_related("organization").order_by("name"))
    return [IndicatorRecord(label=u.name, day=u.surveyed_on, counted=u.organization_id is not None,
                            note=(f"党组织：{u.organization.name}" if u.organization_id else f"未建，党建指导员{u.instructor}"),
                            organization=u.organization.name if u.organization_id else "")
            for u in units]


INDICATORS = [
    ComputedIndicator(
        key="twonew.coverage", label="“两新”组织党的组织覆盖率",
        formula="已建立党组织（单独组建或纳入联合党支部）的两新组织 ÷ 排查登记的两新组织（按所在行政区划计入）",
        source="cobuilding.TwoNewUnit", compute=_coverage, records=_records, order=60),
]
