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

from dangjian.core.extensions import KeyRecords, ListSource, StatsBlock
from dangjian.core.scope import subtree_q

from . import compliance
from .models import Activity, Base, Booking, Review
from .vocab import ActivityType, BookingStatus


def _ratio(met: int, required: int):
    return round(met / required, 4) if required else None


def organisational_life(org, as_of, date_from, date_to, *, records: bool = True) -> dict:
    """The block; ``records=False`` (``_empty``): the subtree holds no activity, base or booking, so only
    the required slots are asked of the database."""
    in_org = (lambda field: subtree_q(org, field)) if org is not None else (lambda field: Q())
    counts = dict(
        Activity.objects.filter(in_org("organization"), date__gte=date_from, date__lte=date_to)
        .values_list("activity_type").annotate(n=Count("id")).order_by()
    ) if records else {}
    activities = {t: counts.get(t, 0) for t in ActivityType.values}
    # The figures of compliance.compute, without slot objects.
    report = compliance.summary(org, date_from, date_to, records=records)
    by_type = report.by_type
    short = sorted(report.short, key=lambda b: (b[3] - b[2], b[0]))  # (path, name, required, met)
    if records:
        bookings = Booking.objects.filter(in_org("organization"), date__gte=date_from, date__lte=date_to,
                                          status__in=[BookingStatus.APPROVED, BookingStatus.HELD])
        reviews = Review.objects.filter(in_org("activity__organization"), reviewed_at__date__gte=date_from,
                                        reviewed_at__date__lte=date_to).count()
        bases = Base.objects.filter(in_org("organization"), is_active=True).count()
        booked = bookings.count()
        visitors = bookings.filter(status=BookingStatus.HELD).aggregate(n=Sum("visitors"))["n"] or 0
    else:  # no record, base or booking in the subtree: nothing to ask the database
        reviews = bases = booked = visitors = 0
    return {
        "activities": activities,
        "activities_total": sum(activities.values()),
        "reviews": reviews,
        "required_slots": report.required,
        "met_slots": report.met,
        "compliance_rate": _ratio(report.met, report.required),
        "compliance_by_type": {
            t: {"required": d["required"], "met": d["met"], "rate": _ratio(d["met"], d["required"])}
            for t, d in by_type.items()
        },
        "late_records": report.late_records,
        # Extra keys for the work report's 存在问题: branches with at least one required item not held,
        # and the five that missed most (name, items missed), so the report need not compute twice.
        "branches_short": len(short),
        "branches_short_named": [{"name": name, "missed": required - met} for _p, name, required, met in short[:5]],
        "bases": bases,
        "bookings": booked,
        "base_visitors": visitors,
    }


def _in(org, field: str) -> Q:
    return subtree_q(org, field) if org is not None else Q()


def _has_data(org, date_to) -> bool:
    return (Activity.objects.filter(_in(org, "organization"), date__lte=date_to).exists()
            or Base.objects.filter(_in(org, "organization")).exists()
            or Booking.objects.filter(_in(org, "organization"), date__lte=date_to).exists())


def records(org, as_of, date_from, date_to, key):
    """The records behind a key of the block (the work report's traceable figures)."""
    if key == "reviews":
        qs = (Review.objects.filter(_in(org, "activity__organization"), reviewed_at__date__gte=date_from,
                                    reviewed_at__date__lte=date_to)
              .select_related("activity__organization").order_by("reviewed_at", "pk"))
        return KeyRecords(("调阅时间", "调阅人", "党组织", "活动日期", "活动类型", "主题"), qs,
                          lambda r: (r.reviewed_at, r.reviewer_name, r.activity.organization.name, r.activity.date,
                                     r.activity.get_activity_type_display(), r.activity.topic))
    if key in ("bookings", "base_visitors"):
        statuses = [BookingStatus.APPROVED, BookingStatus.HELD] if key == "bookings" else [BookingStatus.HELD]
        qs = (Booking.objects.filter(_in(org, "organization"), date__gte=date_from, date__lte=date_to,
                                     status__in=statuses)
              .select_related("base", "organization").order_by("date", "start_time", "pk"))
        return KeyRecords(("日期", "基地", "预约党组织", "活动内容", "状态", "到馆人数"), qs,
                          lambda b: (b.date, b.base.name, b.organization.name, b.purpose, b.get_status_display(),
                                     b.visitors))
    if key == "bases":
        qs = Base.objects.filter(_in(org, "organization"), is_active=True).select_related("organization").order_by("name")
        return KeyRecords(("名称", "类型", "所属党组织", "地址", "可容纳人数"), qs,
                          lambda b: (b.name, b.get_kind_display(), b.organization.name, b.address, b.capacity))
    if key in ("branches_short", "compliance_rate", "required_slots", "met_slots"):
        branches = compliance.compute(org, date_from, date_to).branches
        if key == "branches_short":
            branches = [b for b in branches if b.met < b.required]
        branches.sort(key=lambda b: (-(b.required - b.met), b.path))
        return KeyRecords(("党支部", "上级党组织", "应开展（项次）", "已开展（项次）", "未开展（项次）", "未开展事项"),
                          ListSource(branches),
                          lambda b: (b.name, b.parent_name, b.required, b.met, b.required - b.met, b.missing_text))
    return None


def _probe(org) -> list:
    """The subtree's activity records (reviews are of them), bases and bookings."""
    return [Activity.objects.filter(_in(org, "organization")), Base.objects.filter(_in(org, "organization")),
            Booking.objects.filter(_in(org, "organization"))]


def _empty(org, as_of, date_from, date_to) -> dict:
    return organisational_life(org, as_of, date_from, date_to, records=False)


BLOCKS = [
    StatsBlock(key="organisational_life", label="组织生活", compute=organisational_life, order=60,
               template="orglife/stats_block.html", records=records, has_data=_has_data,
               probe=_probe, empty=_empty),
]
