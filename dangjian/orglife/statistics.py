"""The ``organisational_life`` block of ``party_stats`` and the statistics page.

For the subtree of ``org`` (None: everything) and the inclusive dates ``date_from``–``date_to``:
- ``activities``: records dated in the period, by type (and ``total``);
- ``reviews``: reviews (调阅) made in the period of records in the subtree;
- ``compliance_rate``: met slots ÷ required slots (a ratio, 4 decimals; null when nothing was required),
  with ``required_slots``/``met_slots``; ``compliance_by_type``: the same per activity type. A slot is
  one branch × one required activity × one calendar month, quarter or year lying wholly inside the
  period (see compliance.py for which branches each requirement applies to);
- ``bases``: active bases and activity rooms owned in the subtree;
- ``bookings``: bookings by the subtree's branches, dated in the period, accepted (approved or held);
- ``base_visitors``: members who came to a base, from the visit records of held bookings in the period.
"""
from __future__ import annotations

from django.db.models import Count, Q, Sum

from dangjian.core.scope import subtree_q
from dangjian.core.extensions import StatsBlock

from . import compliance
from .models import Activity, Base, Booking, Review
from .vocab import ActivityType, BookingStatus


def _ratio(met: int, required: int):
    return round(met / required, 4) if required else None


def organisational_life(org, as_of, date_from, date_to) -> dict:
    in_org = (lambda field: subtree_q(org, field)) if org is not None else (lambda field: Q())
    counts = dict(
        Activity.objects.filter(in_org("organization"), date__gte=date_from, date__lte=date_to)
        .values_list("activity_type").annotate(n=Count("id")).order_by()
    )
    activities = {t: counts.get(t, 0) for t in ActivityType.values}
    report = compliance.compute(org, date_from, date_to)
    by_type = report.by_type()
    bookings = Booking.objects.filter(in_org("organization"), date__gte=date_from, date__lte=date_to,
                                      status__in=[BookingStatus.APPROVED, BookingStatus.HELD])
    return {
        "activities": activities,
        "activities_total": sum(activities.values()),
        "reviews": Review.objects.filter(in_org("activity__organization"), reviewed_at__date__gte=date_from,
                                         reviewed_at__date__lte=date_to).count(),
        "required_slots": report.required,
        "met_slots": report.met,
        "compliance_rate": _ratio(report.met, report.required),
        "compliance_by_type": {
            t: {"required": d["required"], "met": d["met"], "rate": _ratio(d["met"], d["required"])}
            for t, d in by_type.items()
        },
        "late_records": report.late_records,
        "bases": Base.objects.filter(in_org("organization"), is_active=True).count(),
        "bookings": bookings.count(),
        "base_visitors": bookings.filter(status=BookingStatus.HELD).aggregate(n=Sum("visitors"))["n"] or 0,
    }


BLOCKS = [
    StatsBlock(key="organisational_life", label="组织生活", compute=organisational_life, order=60,
               template="orglife/stats_block.html"),
]
