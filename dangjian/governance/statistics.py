"""The ``governance`` block of ``party_stats`` (stats-contract.md), for the subtree of ``org``
(None: everything) and the inclusive period ``date_from``–``date_to``:

- ``matters_decided``: 议事事项 whose 结果公开日期 is in the period (scoped by the Party organisation);
- ``disputes_accepted``: disputes accepted (受理日期) in the period; ``disputes_resolved``: of those,
  调处成功 with 办结日期 on or before ``date_to``; ``dispute_resolution_rate`` = resolved ÷ accepted;
  ``dispute_resolution_rate_previous``: the same for the period of equal length ending the day
  before ``date_from``; ``dispute_resolution_rate_change`` = rate − previous (from the unrounded
  fractions; null if either is null);
- ``service_requests``: requests accepted in the period, and ``service_requests_by_level`` by 受理层级;
- ``four_winds_cases``: cases with 结案日期 in the period;
- ``service_items`` / ``service_categories``: snapshot on ``date_to`` of the catalogue items in use and
  their distinct 服务大类 (the county's catalogue, not scoped).
Disputes, requests and cases are scoped by their division, in the subtree of the organisation's
所在行政区划. Extra keys: ``service_requests_closed``, ``service_average_days``.
"""
from __future__ import annotations

from django.db.models import Count, Q, Sum

from dangjian.core.extensions import StatsBlock
from dangjian.register.models import Division

from . import rules
from .models import Dispute, FourWindsCase, Matter, ServiceItem, ServiceRequest
from .vocab import LEVEL_STAT_KEYS, DisputeResult


def _division_q(org, field: str = "division") -> Q:
    """Rows whose division is in the subtree of the organisation's division: the subtree's ids as a
    subquery (a semi-join the planners do well), not a join of the division table on a prefix."""
    if org is None:
        return Q()
    return Q(**{f"{field}_id__in": Division.objects.filter(path__startswith=org.division.path).values("pk")})


def dispute_counts(org, date_from, date_to) -> tuple[int, int]:
    """(accepted in the period, of those 调处成功 closed by ``date_to``)."""
    return dispute_counts_in(Dispute.objects.filter(_division_q(org)), date_from, date_to)


def dispute_counts_in(qs, date_from, date_to) -> tuple[int, int]:
    """The same over a queryset of disputes (a user's scope)."""
    row = qs.filter(accepted_on__gte=date_from, accepted_on__lte=date_to).aggregate(
        accepted=Count("id"),
        resolved=Count("id", filter=Q(result=DisputeResult.RESOLVED, closed_on__lte=date_to)),
    )
    return row["accepted"], row["resolved"]


def governance(org, as_of, date_from, date_to) -> dict:
    if org is not None:
        org = type(org).objects.select_related("division").get(pk=org.pk)
    matters = Matter.objects.filter(decided_on__gte=date_from, decided_on__lte=date_to)
    if org is not None:
        matters = matters.filter(organization__path__startswith=org.path)
    accepted, resolved = dispute_counts(org, date_from, date_to)
    prev_from, prev_to = rules.previous_period(date_from, date_to)
    prev_accepted, prev_resolved = dispute_counts(org, prev_from, prev_to)
    # One pass over the (accepted_on, level, division, days_to_close) index: counts, closed and days by level.
    rows = (ServiceRequest.objects.filter(_division_q(org), accepted_on__gte=date_from, accepted_on__lte=date_to)
            .values_list("level").annotate(n=Count("id"), closed=Count("days_to_close"), days=Sum("days_to_close"))
            .order_by())
    by_level = {level: n for level, n, _c, _d in rows}
    closed = sum(c for _l, _n, c, _d in rows)
    days = sum(d or 0 for _l, _n, _c, d in rows)
    in_use = ServiceItem.objects.in_use_on(date_to)
    return {
        "matters_decided": matters.count(),
        "disputes_accepted": accepted,
        "disputes_resolved": resolved,
        "dispute_resolution_rate": rules.rate(resolved, accepted),
        "dispute_resolution_rate_previous": rules.rate(prev_resolved, prev_accepted),
        "dispute_resolution_rate_change": rules.rate_change((resolved, accepted), (prev_resolved, prev_accepted)),
        "service_requests": sum(by_level.values()),
        "service_requests_by_level": {key: by_level.get(level, 0) for level, key in LEVEL_STAT_KEYS.items()},
        "four_winds_cases": FourWindsCase.objects.filter(
            _division_q(org), concluded_on__gte=date_from, concluded_on__lte=date_to).count(),
        "service_categories": in_use.values("category").distinct().count(),
        "service_items": in_use.count(),
        "service_requests_closed": closed,
        "service_average_days": round(days / closed, 1) if closed else None,
    }


def has_data(org, date_to) -> bool:
    """Whether any matter, dispute, service request or 四风 case was ever recorded in the scope: the work
    report leaves the block's figures blank otherwise (the county's service catalogue alone is not data
    of a township or village)."""
    matters = Matter.objects.all() if org is None else Matter.objects.filter(organization__path__startswith=org.path)
    return (matters.exists() or Dispute.objects.filter(_division_q(org)).exists()
            or ServiceRequest.objects.filter(_division_q(org)).exists()
            or FourWindsCase.objects.filter(_division_q(org)).exists())


BLOCKS = [
    StatsBlock(key="governance", label="村（社区）治理", compute=governance, order=70,
               template="governance/stats_block.html", has_data=has_data),
]
