"""The ``accountability`` block of ``party_stats`` (stats-contract.md), from the rectification ledger.

For the subtree of ``org`` (None: everything) and the inclusive period ``date_from``–``date_to``:
``problems_found`` (发现日期 in the period), ``signed_off`` (销号日期 in the period), ``signed_off_on_time``
(of those, 销号日期 not after 整改时限), ``recurring`` (found in the period and recurring); snapshot on
``date_to``: ``open`` (found by then, not signed off by then) and ``overdue`` (open and 整改时限 before it).
"""
from __future__ import annotations

from django.db.models import Count, F, Q

from dangjian.core.extensions import StatsBlock

from .models import Problem


def accountability(org, as_of, date_from, date_to) -> dict:
    qs = Problem.objects.all()
    if org is not None:
        qs = qs.filter(organization__path__startswith=org.path)
    found = Q(found_on__gte=date_from, found_on__lte=date_to)
    signed = Q(signed_off_on__gte=date_from, signed_off_on__lte=date_to)
    open_ = Q(found_on__lte=date_to) & (Q(signed_off_on__isnull=True) | Q(signed_off_on__gt=date_to))
    row = qs.aggregate(
        problems_found=Count("id", filter=found),
        signed_off=Count("id", filter=signed),
        signed_off_on_time=Count("id", filter=signed & Q(signed_off_on__lte=F("deadline"))),
        recurring=Count("id", filter=found & Q(recurring=True)),
        open=Count("id", filter=open_),
        overdue=Count("id", filter=open_ & Q(deadline__lt=date_to)),
    )
    return {k: row[k] for k in ("problems_found", "signed_off", "signed_off_on_time", "recurring", "open", "overdue")}


BLOCKS = [
    StatsBlock(key="accountability", label="整改台账", compute=accountability, order=90,
               template="assessment/stats_block.html"),
]
