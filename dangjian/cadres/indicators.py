"""Assessment indicator computed from the cadre records: training coverage (core.extensions.ComputedIndicator).

The secretaries and full-time party workers serving on the last day of the period are due; each is
covered when a 培训 attendance of a class starting in the period is theirs (matched by ID number, else
by name and organisation — the same matching as the ``cadres`` statistics block). The value belongs to
each person's organisation and rolls up the tree.
"""
from __future__ import annotations

import os

from django.urls import reverse

from dangjian.core.extensions import ComputedIndicator, IndicatorRecord, rollup_by_path

from . import queries
from .vocab import Post

POSTS = (Post.SECRETARY, Post.PARTY_WORKER)


class _Prefix:
    """The common ancestor of the organisations asked about, as ``queries.coverage`` takes an organisation."""

    def __init__(self, path):
        self.path = path


def _coverage(orgs, date_from, date_to):
    from dangjian.core.tree import STEP

    orgs = list(orgs)
    if not orgs:
        return {}
    prefix = os.path.commonprefix([o.path for o in orgs])
    prefix = prefix[: len(prefix) - len(prefix) % STEP]
    cover = queries.coverage(_Prefix(prefix) if prefix else None, date_from, date_to, POSTS, objects=False)
    rows = ((c.path, int(c.pk in cover.trained), 1) for c in cover.people)
    return rollup_by_path(orgs, rows)


def _records(org, date_from, date_to):
    cover = queries.coverage(org, date_from, date_to, POSTS)
    out = []
    for c in cover.people:
        hours = cover.trained.get(c.pk)
        out.append(IndicatorRecord(
            label=f"{c.name}（{c.post}）", day=date_to, counted=hours is not None,
            note=f"期间内参训{hours}学时" if hours is not None else "期间内没有参训记录",
            organization=c.organization.name, url=reverse("cadres:cadre_detail", args=[c.pk])))
    return out


INDICATORS = [
    ComputedIndicator(
        key="cadres.training_coverage", label="书记和党务工作者培训覆盖率",
        formula="期间内参加培训的书记和专职党务工作者 ÷ 期末在任的书记和专职党务工作者（按身份证号，无号码的按姓名和所在党组织匹配）",
        source="cadres.Cadre, cadres.TrainingAttendance", compute=_coverage, records=_records, order=40),
]
