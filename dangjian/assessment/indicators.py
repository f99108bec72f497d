"""整改按时销号率, computed from the rectification ledger (core.extensions.ComputedIndicator)."""
from __future__ import annotations

from django.db.models import F, Q

from dangjian.core.extensions import ComputedIndicator, IndicatorRecord, rollup_by_path
from dangjian.core.scope import subtree_q
from dangjian.core.tree import STEP

from .models import Problem


def _due(prefix, date_from, date_to):
    """Problems whose deadline falls in the period (each owes a sign-off by its deadline)."""
    qs = Problem.objects.filter(deadline__gte=date_from, deadline__lte=date_to)
    return qs.filter(subtree_q(prefix, "organization")) if prefix else qs


def _on_time_q():
    return Q(signed_off_on__isnull=False, signed_off_on__lte=F("deadline"))


def _compute(orgs, date_from, date_to):
    import os
    orgs = list(orgs)
    if not orgs:
        return {}
    prefix = os.path.commonprefix([o.path for o in orgs])
    prefix = prefix[: len(prefix) - len(prefix) % STEP]
    rows = []
    for p in _due(prefix, date_from, date_to).values("organization__path", "signed_off_on", "deadline"):
        rows.append((p["organization__path"], int(p["signed_off_on"] is not None and p["signed_off_on"] <= p["deadline"]), 1))
    return rollup_by_path(orgs, rows)


def _records(org, date_from, date_to):
    out = []
    for p in _due(org.path, date_from, date_to).select_related("organization").order_by("deadline", "id"):
        on_time = p.signed_off_on is not None and p.signed_off_on <= p.deadline
        note = f"整改时限{p.deadline:%Y-%m-%d}，" + (f"{p.signed_off_on:%Y-%m-%d}销号" if p.signed_off_on else "未销号")
        out.append(IndicatorRecord(label=f"{p.number} {p.description[:40]}", day=p.deadline, counted=on_time, note=note,
                                   organization=p.organization.name, url=f"/assessment/problems/{p.pk}/"))
    return out


INDICATORS = [
    ComputedIndicator(
        key="assessment.signed_off_on_time", label="整改按时销号率",
        formula="整改时限在期间内且在时限内复查通过并销号的问题 ÷ 整改时限在期间内的问题",
        source="assessment.Problem", compute=_compute, records=_records, order=40),
]
