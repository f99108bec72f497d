"""The ``accountability`` block of ``party_stats`` (stats-contract.md), from the rectification ledger.

For the subtree of ``org`` (None: everything) and the inclusive period ``date_from``–``date_to``:
``problems_found`` (发现日期 in the period), ``signed_off`` (销号日期 in the period), ``signed_off_on_time``
(of those, 销号日期 not after 整改时限), ``recurring`` (found in the period and recurring); snapshot on
``date_to``: ``open`` (found by then, not signed off by then) and ``overdue`` (open and 整改时限 before it).
Each key is one condition (``conditions``), counted in one aggregate query and listed by ``records``.

Two keys beyond the contract's six, for the work report's 存在问题 (the six come first, unchanged):
``bottom_places_undecided`` — the flagged bottom places (排序末位) of the plans organised in the subtree
and published in the period that have no accountability decision recorded by ``date_to``;
``results_without_decision`` — those published plans whose results fed no recorded decision
(考核结果运用) by ``date_to``. Both are listed by ``records`` with the organisations and plans.
"""
from __future__ import annotations

from django.db.models import Count, F, Q

from dangjian.core.extensions import KeyRecords, ListSource, StatsBlock
from dangjian.core.scope import subtree_q

from .models import Plan, Problem, ResultUse
from .vocab import PlanStatus

KEYS = ("problems_found", "signed_off", "signed_off_on_time", "recurring", "open", "overdue")
PLAN_KEYS = ("bottom_places_undecided", "results_without_decision")


def conditions(date_from, date_to) -> dict[str, Q]:
    found = Q(found_on__gte=date_from, found_on__lte=date_to)
    signed = Q(signed_off_on__gte=date_from, signed_off_on__lte=date_to)
    open_ = Q(found_on__lte=date_to) & (Q(signed_off_on__isnull=True) | Q(signed_off_on__gt=date_to))
    return {
        "problems_found": found,
        "signed_off": signed,
        "signed_off_on_time": signed & Q(signed_off_on__lte=F("deadline")),
        "recurring": found & Q(recurring=True),
        "open": open_,
        "overdue": open_ & Q(deadline__lt=date_to),
    }


def _in(org):
    qs = Problem.objects.all()
    return qs if org is None else qs.filter(subtree_q(org, "organization"))


def _published_plans(org, date_from, date_to):
    """Plans organised in the subtree of ``org`` whose results were published in the period."""
    qs = Plan.objects.filter(status__in=(PlanStatus.PUBLISHED, PlanStatus.CLOSED),
                             published_on__gte=date_from, published_on__lte=date_to)
    if org is not None:
        qs = qs.filter(subtree_q(org, "owner"))
    return qs.select_related("owner").order_by("published_on", "id")


def bottom_places_undecided(org, date_from, date_to) -> list:
    """The flagged bottom places without a decision recorded by ``date_to``: ``TargetResult``s, each with
    its ``plan`` (one score sheet per plan published in the period: a few queries each)."""
    from . import scoring

    out = []
    for plan in _published_plans(org, date_from, date_to):
        for r in scoring.compute(plan).flagged():
            r.target.plan = plan  # the records name the plan without a query per row
            if r.decision is None or r.decision.decided_on > date_to:
                out.append(r)
    return out


def results_without_decision(org, date_from, date_to):
    used = ResultUse.objects.filter(decided_on__lte=date_to).values("plan_id")
    return _published_plans(org, date_from, date_to).exclude(pk__in=used)


def accountability(org, as_of, date_from, date_to) -> dict:
    row = _in(org).aggregate(**{k: Count("id", filter=q) for k, q in conditions(date_from, date_to).items()})
    out = {k: row[k] for k in KEYS}
    out["bottom_places_undecided"] = len(bottom_places_undecided(org, date_from, date_to))
    out["results_without_decision"] = results_without_decision(org, date_from, date_to).count()
    return out


def _period(plan) -> str:
    return f"{plan.date_from:%Y-%m-%d}至{plan.date_to:%Y-%m-%d}"


def records(org, as_of, date_from, date_to, key):
    if key == "bottom_places_undecided":
        return KeyRecords(("被考核党组织", "考核方案", "同类组", "名次", "总分", "公布日期"),
                          ListSource(bottom_places_undecided(org, date_from, date_to)),
                          lambda r: (r.organization.name, r.target.plan.name, r.target.peer_group or "—",
                                     f"{r.rank}/{r.group_size}", r.total, r.target.plan.published_on))
    if key == "results_without_decision":
        return KeyRecords(("考核方案", "组织考核的党组织", "考核期间", "公布日期", "被考核党组织数"),
                          results_without_decision(org, date_from, date_to).annotate(n=Count("targets")),
                          lambda p: (p.name, p.owner.name, _period(p), p.published_on, p.n))
    q = conditions(date_from, date_to).get(key)
    if q is None:
        return None
    qs = _in(org).filter(q).select_related("organization").order_by("found_on", "number")
    return KeyRecords(("问题编号", "所在党组织", "问题类别", "问题描述", "发现日期", "整改时限", "销号日期"), qs,
                      lambda p: (p.number, p.organization.name, p.category, p.description, p.found_on, p.deadline,
                                 p.signed_off_on))


def _has_data(org, date_to) -> bool:
    if _in(org).filter(found_on__lte=date_to).exists():
        return True
    plans = Plan.objects.filter(published_on__lte=date_to)
    return (plans if org is None else plans.filter(subtree_q(org, "owner"))).exists()


def _probe(org) -> list:
    plans = Plan.objects.all()
    return [_in(org), plans if org is None else plans.filter(subtree_q(org, "owner"))]


def _empty(org, as_of, date_from, date_to) -> dict:
    return dict.fromkeys((*KEYS, *PLAN_KEYS), 0)


BLOCKS = [
    StatsBlock(key="accountability", label="整改台账", compute=accountability, order=90,
               template="assessment/stats_block.html", records=records, has_data=_has_data,
               probe=_probe, empty=_empty,
               labels={"bottom_places_undecided": "考核末位未作问责决定（个）",
                       "results_without_decision": "考核结果未运用的方案（个）"}),
]
