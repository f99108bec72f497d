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

from dangjian.core.extensions import KeyRecords, StatsBlock
from dangjian.core.scope import subtree_ids_q, subtree_q
from dangjian.register.models import Division

from . import rules
from .models import Dispute, FourWindsCase, Matter, ServiceItem, ServiceRequest
from .vocab import LEVEL_STAT_KEYS, DisputeResult


def _division_q(org, field: str = "division") -> Q:
    """Rows whose division is in the subtree of the organisation's division: the subtree's ids as a
    subquery (a semi-join the planners do well), not a join of the division table on a prefix."""
    if org is None:
        return Q()
    return subtree_ids_q(org.division, field, Division)


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
        matters = matters.filter(subtree_q(org, "organization"))
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
        **catalogue(date_to),
        "service_requests_closed": closed,
        "service_average_days": round(days / closed, 1) if closed else None,
    }


def catalogue(date_to) -> dict:
    """The county's service catalogue in use on ``date_to`` (not scoped): items and distinct 服务大类, one query."""
    row = ServiceItem.objects.in_use_on(date_to).aggregate(
        categories=Count("category", distinct=True), items=Count("pk"))
    return {"service_categories": row["categories"], "service_items": row["items"]}


def _probe(org) -> list:
    """The scope's matters (by Party organisation) and disputes, requests and cases (by division)."""
    division_q = _division_q(org)
    matters = Matter.objects.all() if org is None else Matter.objects.filter(subtree_q(org, "organization"))
    return [matters, Dispute.objects.filter(division_q), ServiceRequest.objects.filter(division_q),
            FourWindsCase.objects.filter(division_q)]


def _empty(org, as_of, date_from, date_to) -> dict:
    """The block over no matter, dispute, request or case (``_probe`` found none): the catalogue only."""
    return {
        "matters_decided": 0, "disputes_accepted": 0, "disputes_resolved": 0,
        "dispute_resolution_rate": None, "dispute_resolution_rate_previous": None,
        "dispute_resolution_rate_change": None, "service_requests": 0,
        "service_requests_by_level": dict.fromkeys(LEVEL_STAT_KEYS.values(), 0),
        "four_winds_cases": 0, **catalogue(date_to), "service_requests_closed": 0, "service_average_days": None,
    }


def _scoped(org):
    """(org Q for matters, division Q for the division-scoped registers) of the scope."""
    if org is not None:
        org = type(org).objects.select_related("division").get(pk=org.pk)
    matters_q = subtree_q(org, "organization") if org is not None else Q()
    return matters_q, _division_q(org)


def _has_data(org, date_to) -> bool:
    """Whether any matter, dispute, service request or 四风 case was recorded in the scope by ``date_to``:
    the work report leaves the block's figures blank otherwise (the county's service catalogue alone
    is not data of a township or village)."""
    matters_q, division_q = _scoped(org)
    return (Matter.objects.filter(matters_q, opened_on__lte=date_to).exists()
            or Dispute.objects.filter(division_q, accepted_on__lte=date_to).exists()
            or ServiceRequest.objects.filter(division_q, accepted_on__lte=date_to).exists()
            or FourWindsCase.objects.filter(division_q, opened_on__lte=date_to).exists())


REQUEST_HEADERS = ("受理编号", "受理层级", "所在行政区划", "服务事项", "受理日期", "办结日期")


def records(org, as_of, date_from, date_to, key):
    """The records behind a key of the block (the work report's traceable figures). Nothing personal:
    the registers keep no names."""
    matters_q, division_q = _scoped(org)
    if key == "matters_decided":
        qs = (Matter.objects.filter(matters_q, decided_on__gte=date_from, decided_on__lte=date_to)
              .select_related("organization").order_by("decided_on", "pk"))
        return KeyRecords(("所在党组织", "事项名称", "事项类别", "征求意见（提议）日期", "结果公开日期"), qs,
                          lambda m: (m.organization.name, m.name, m.category, m.opened_on, m.decided_on))
    if key in ("disputes_accepted", "disputes_resolved"):
        qs = Dispute.objects.filter(division_q, accepted_on__gte=date_from, accepted_on__lte=date_to)
        if key == "disputes_resolved":
            qs = qs.filter(result=DisputeResult.RESOLVED, closed_on__lte=date_to)
        return KeyRecords(("案件编号", "所在行政区划", "纠纷类别", "受理日期", "调处结果", "办结日期"),
                          qs.select_related("division").order_by("accepted_on", "pk"),
                          lambda d: (d.case_no, d.division.name, d.category, d.accepted_on, d.result or "调处中",
                                     d.closed_on))
    if key == "service_requests" or key.startswith("service_requests_by_level."):
        qs = ServiceRequest.objects.filter(division_q, accepted_on__gte=date_from, accepted_on__lte=date_to)
        level = {v: k for k, v in LEVEL_STAT_KEYS.items()}.get(key.rsplit(".", 1)[-1])
        if level is not None:
            qs = qs.filter(level=level)
        return KeyRecords(REQUEST_HEADERS, qs.select_related("division", "item").order_by("accepted_on", "pk"),
                          lambda r: (r.number, r.level, r.division.name, r.item.name, r.accepted_on, r.closed_on))
    if key == "four_winds_cases":
        qs = (FourWindsCase.objects.filter(division_q, concluded_on__gte=date_from, concluded_on__lte=date_to)
              .select_related("division").order_by("concluded_on", "pk"))
        return KeyRecords(("案件编号", "所在行政区划", "案件类别", "立案日期", "结案日期"), qs,
                          lambda c: (c.case_no, c.division.name, c.category, c.opened_on, c.concluded_on))
    if key in ("service_items", "service_categories"):
        qs = ServiceItem.objects.in_use_on(date_to).order_by("category", "name")
        return KeyRecords(("服务大类", "服务事项", "提供层级", "启用日期", "停用日期"), qs,
                          lambda i: (i.category, i.name, i.level, i.starts_on, i.stops_on),
                          note="服务目录是全县的，不分范围")
    return None


BLOCKS = [
    StatsBlock(key="governance", label="村（社区）治理", compute=governance, order=70,
               template="governance/stats_block.html", records=records, has_data=_has_data,
               probe=_probe, empty=_empty),
]
