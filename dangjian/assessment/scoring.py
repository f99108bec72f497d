"""The score sheet of a plan: each organisation's score per indicator, its total, its rank in its peer
group (ties share a rank), and the bottom places flagged for accountability.

Computed indicators are evaluated once per plan for all assessed organisations (one ``compute`` call
each: a few grouped queries), assessors' scores are read in one query: the cost does not grow with a
query per organisation.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from dangjian.core.extensions import IndicatorValue, computed_indicator

from . import rules
from .models import Decision, Indicator, Plan, PlanTarget, Score
from .vocab import IndicatorKind


@dataclass
class Cell:
    indicator: Indicator
    score: Optional[Decimal]
    value: Optional[IndicatorValue] = None  # computed indicators
    self_score: Optional[Decimal] = None
    comment: str = ""
    faults: Optional[int] = None

    @property
    def rate_text(self) -> str:
        if self.value is None:
            return ""
        if self.value.rate is None:
            return "无应完成事项（计满分）"
        return f"{self.value.numerator}/{self.value.denominator}＝{self.value.rate * 100:.1f}%"


@dataclass
class TargetResult:
    target: PlanTarget
    cells: list[Cell] = field(default_factory=list)
    rank: int = 0
    group_size: int = 0
    flagged: bool = False
    decision: Optional[Decision] = None

    @property
    def organization(self):
        return self.target.organization

    @property
    def total(self) -> Decimal:
        return sum((c.score or Decimal("0") for c in self.cells), Decimal("0"))

    @property
    def unscored(self) -> int:
        return sum(1 for c in self.cells if c.score is None)


@dataclass
class Sheet:
    plan: Plan
    indicators: list[Indicator]
    results: list[TargetResult]

    @property
    def unscored(self) -> int:
        return sum(r.unscored for r in self.results)

    def flagged(self) -> list[TargetResult]:
        return [r for r in self.results if r.flagged]

    def groups(self) -> dict[str, list[TargetResult]]:
        out: dict[str, list[TargetResult]] = defaultdict(list)
        for r in self.results:
            out[r.target.peer_group].append(r)
        return dict(out)

    @property
    def max_points(self) -> Decimal:
        return sum((i.points for i in self.indicators), Decimal("0"))


def rank(results: list[TargetResult], bottom_places: int) -> None:
    """Rank within one peer group by total, highest first; equal totals share a rank (1, 1, 3). The
    bottom ``bottom_places`` places are flagged — with every organisation tied with the last of them."""
    ordered = sorted(results, key=lambda r: (-r.total, r.target.organization.path))
    previous, current = None, 0
    for i, r in enumerate(ordered, start=1):
        if r.total != previous:
            current, previous = i, r.total
        r.rank, r.group_size = current, len(ordered)
    if not ordered or bottom_places <= 0:
        return
    n = min(bottom_places, len(ordered))
    threshold = ordered[-n].total
    for r in ordered:
        r.flagged = r.total <= threshold
    results.sort(key=lambda r: (r.rank, r.target.organization.path))


def compute(plan: Plan, targets=None) -> Sheet:
    indicators = list(plan.indicators.all())
    targets = list(targets if targets is not None else
                   plan.targets.select_related("organization__division").order_by("peer_group", "organization__path"))
    orgs = [t.organization for t in targets]
    values: dict[int, dict[int, IndicatorValue]] = {}
    for ind in indicators:
        if ind.kind == IndicatorKind.COMPUTED:
            provider = computed_indicator(ind.computed_key)
            values[ind.pk] = provider.compute(orgs, plan.date_from, plan.date_to) if provider else {}
    scores = {(s.target_id, s.indicator_id): s for s in Score.objects.filter(target__plan=plan)}
    decisions = {d.target_id: d for d in Decision.objects.filter(target__plan=plan)}
    results = []
    for t in targets:
        r = TargetResult(target=t, decision=decisions.get(t.pk))
        for ind in indicators:
            s = scores.get((t.pk, ind.pk))
            if ind.kind == IndicatorKind.COMPUTED:
                v = values[ind.pk].get(t.organization.pk, IndicatorValue())
                cell = Cell(ind, rules.computed_score(ind.points, v.rate), value=v)
            else:
                cell = Cell(ind, s.score if s else None, comment=s.comment if s else "",
                            faults=s.faults if s else None)
            cell.self_score = s.self_score if s else None
            r.cells.append(cell)
        results.append(r)
    by_group: dict[str, list[TargetResult]] = defaultdict(list)
    for r in results:
        by_group[r.target.peer_group].append(r)
    ordered = []
    for group in sorted(by_group):
        rank(by_group[group], plan.bottom_places)
        ordered.extend(by_group[group])
    return Sheet(plan, indicators, ordered)
