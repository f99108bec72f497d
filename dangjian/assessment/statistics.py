"""The ``accountability`` block of ``party_stats`` (stats-contract.md), from the rectification ledger.

For the subtree of ``org`` (None: everything) and the inclusive period ``date_from``–``date_to``:
``problems_found`` (发现日期 in the period), ``signed_off`` (销号日期 in the period), ``signed_off_on_time``
(of those, 销号日期 not after 整改时限), ``recurring`` (found in the period and recurring); snapshot on
``date_to``: ``open`` (found by then, not signed off by then) and ``overdue`` (open and 整改时限 before it).
Each key is one condition (``conditions``), counted in one aggregate query and listed by ``records``.
"""
from __future__ import annotations

from django.db.models import Count, F, Q

from dangjian.core.extensions import KeyRecords, StatsBlock

from .models import Problem

KEYS = ("problems_found", "signed_off", "signed_off_on_time", "recurring", "open", "overdue")


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
    return qs if org is None else qs.filter(organization__path__startswith=org.path)


def accountability(org, as_of, date_from, date_to) -> dict:
    row = _in(org).aggregate(**{k: Count("id", filter=q) for k, q in conditions(date_from, date_to).items()})
    return {k: row[k] for k in KEYS}


def records(org, as_of, date_from, date_to, key):
    q = conditions(date_from, date_to).get(key)
    if q is None:
        return None
    qs = _in(org).filter(q).select_related("organization").order_by("found_on", "number")
    return KeyRecords(("问题编号", "所在党组织", "问题类别", "问题描述", "发现日期", "整改时限", "销号日期"), qs,
                      lambda p: (p.number, p.organization.name, p.category, p.description, p.found_on, p.deadline,
                                 p.signed_off_on))


def _has_data(org, date_to) -> bool:
    return _in(org).filter(found_on__lte=date_to).exists()


BLOCKS = [
    StatsBlock(key="accountability", label="整改台账", compute=accountability, order=90,
               template="assessment/stats_block.html", records=records, has_data=_has_data),
]
