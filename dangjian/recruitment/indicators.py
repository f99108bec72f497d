"""Assessment indicator computed from recruitment: steps done on time (core.extensions.ComputedIndicator).

Two steps have a deadline in 《中国共产党发展党员工作细则》: the talk with an applicant within one month
of the application (第七条), and the superior committee's approval within three months of the branch
meeting (第二十六条). A step counts when its deadline falls in the period; it is on time when it was
recorded by that day. A file closed before the deadline without the step owes nothing.
"""
from __future__ import annotations

import datetime

from dangjian.core.extensions import ComputedIndicator, IndicatorRecord, rollup_by_path
from dangjian.core.scope import subtree_q
from dangjian.register.rules import add_months

from .models import Recruitment

FIELDS = ("id", "name", "organization__name", "organization__path", "applied_on", "talked_on", "admitted_on",
          "approved_on", "closed_on")


def _due_steps(row, date_from, date_to):
    """(what, due, done_on, on_time) for each step of ``row`` due in the period."""
    out = []
    for what, start, done in (("谈话", row["applied_on"], row["talked_on"]),
                              ("上级党委审批", row["admitted_on"], row["approved_on"])):
        if start is None:
            continue
        due = add_months(start, 1 if what == "谈话" else 3)
        if not (date_from <= due <= date_to):
            continue
        if done is None and row["closed_on"] and row["closed_on"] < due:
            continue
        out.append((what, due, done, done is not None and done <= due))
    return out


def _rows(path_prefix: str | None, date_from: datetime.date, date_to: datetime.date):
    earliest = date_from - datetime.timedelta(days=93)  # a deadline in the period starts at most 3 months before it
    qs = Recruitment.objects.filter(applied_on__lte=date_to).exclude(
        applied_on__lt=earliest, admitted_on__isnull=True).exclude(applied_on__lt=earliest, admitted_on__lt=earliest)
    if path_prefix:
        qs = qs.filter(subtree_q(path_prefix, "organization"))
    return qs.values(*FIELDS)


def _common_prefix(orgs) -> str:
    import os
    from dangjian.core.tree import STEP
    prefix = os.path.commonprefix([o.path for o in orgs])
    return prefix[: len(prefix) - len(prefix) % STEP]


def _steps_on_time(orgs, date_from, date_to):
    orgs = list(orgs)
    if not orgs:
        return {}
    rows = []
    for row in _rows(_common_prefix(orgs), date_from, date_to):
        steps = _due_steps(row, date_from, date_to)
        if steps:
            rows.append((row["organization__path"], sum(1 for s in steps if s[3]), len(steps)))
    return rollup_by_path(orgs, rows)


def _records(org, date_from, date_to):
    out = []
    for row in _rows(org.path, date_from, date_to).order_by("organization__path", "applied_on"):
        for what, due, done, on_time in _due_steps(row, date_from, date_to):
            note = f"应于{due:%Y-%m-%d}前完成，" + (f"{done:%Y-%m-%d}完成" if done else "尚未完成")
            out.append(IndicatorRecord(label=f"{row['name']}：{what}", day=due, counted=on_time, note=note,
                                       organization=row["organization__name"]))
    return out


INDICATORS = [
    ComputedIndicator(
        key="recruitment.steps_on_time", label="发展党员步骤按时率",
        formula="期限在期间内且按时完成的步骤 ÷ 期限在期间内的步骤（申请后一个月内谈话、支部大会后三个月内审批）",
        source="recruitment.Recruitment", compute=_steps_on_time, records=_records, order=20),
]
