"""The one booking engine: time slots on a bookable resource (a venue, a room, a shared facility).

Used by orglife's open bases and by cobuilding's shared venues; no app writes its own overlap check.

A *bookable* is any model row with ``name``, ``is_active``, ``opens_at``/``closes_at`` (``time``),
``open_days`` (a string of ISO weekdays, "12345" = Monday to Friday) and ``capacity`` (int, or None
for no limit). Its bookings are rows with ``date``, ``start_time`` and ``end_time``.

The caller's service, inside its durable transaction:

1. ``resource = lock(resource)`` — ``SELECT … FOR UPDATE`` on the resource row (PostgreSQL), so two
   requests for the same slot are serialised and the second sees the first's booking (SQLite's
   IMMEDIATE transaction already serialises writers);
2. ``errors = slot_errors(resource, holding=..., ...)`` — closed, past day, open days and hours,
   capacity, end after start, and overlap with the bookings that still hold their slot;
3. merges its own checks into ``errors``, raises (``core.validation.raise_if``) or creates the booking row.
"""
from __future__ import annotations

import datetime
from typing import Any, Callable, Optional

from django.db.models import QuerySet

WEEKDAY_LABELS = {"1": "一", "2": "二", "3": "三", "4": "四", "5": "五", "6": "六", "7": "日"}


def open_days_display(open_days: str) -> str:
    return "、".join(f"周{WEEKDAY_LABELS[d]}" for d in (open_days or "") if d in WEEKDAY_LABELS)


def time_order_errors(start: datetime.time | None, end: datetime.time | None) -> list[str]:
    if start and end and end <= start:
        return [f"结束时间{end:%H:%M}必须晚于开始时间{start:%H:%M}"]
    return []


def lock(resource):
    """The resource row again, locked for the rest of the transaction."""
    return type(resource).objects.select_for_update().get(pk=resource.pk)


def overlapping(holding: QuerySet, *, date, start_time, end_time, exclude_pk=None):
    """The first booking of ``holding`` (the resource's bookings that hold their slot) overlapping the slot."""
    return (holding.filter(date=date, start_time__lt=end_time, end_time__gt=start_time)
            .exclude(pk=exclude_pk).order_by("start_time", "pk").first())


def slot_errors(resource, *, holding: QuerySet, date, start_time, end_time, expected_count: Optional[int],
                day: datetime.date, exclude_pk=None, describe: Callable[[Any], str] = str,
                count_label: str = "预计人数") -> dict[str, list[str]]:
    """Field-keyed Chinese messages for booking ``resource`` on ``date`` from ``start_time`` to ``end_time``.

    ``describe(booking)`` names the holder of an overlapping booking in the message.
    """
    errors: dict[str, list[str]] = {"date": [], "end_time": [], "start_time": [], "expected_count": []}
    name = resource.name
    if not resource.is_active:
        errors["date"].append(f"“{name}”暂停开放，不接受预约")
    if not date:
        errors["date"].append("日期不能为空")
    elif date < day:
        errors["date"].append(f"不能预约已过去的日期（{date:%Y-%m-%d}）")
    elif str(date.isoweekday()) not in (resource.open_days or ""):
        errors["date"].append(f"{date:%Y-%m-%d}是星期{'一二三四五六日'[date.weekday()]}，“{name}”开放日为"
                              f"{open_days_display(resource.open_days)}")
    if not start_time or not end_time:
        errors["end_time"].append("开始时间和结束时间不能为空")
    else:
        errors["end_time"] += time_order_errors(start_time, end_time)
        if start_time < resource.opens_at or end_time > resource.closes_at:
            errors["start_time"].append(
                f"预约时间{start_time:%H:%M}-{end_time:%H:%M}超出“{name}”开放时间"
                f"{resource.opens_at:%H:%M}-{resource.closes_at:%H:%M}")
    if not expected_count or expected_count < 1:
        errors["expected_count"].append(f"{count_label}须大于0")
    elif resource.capacity is not None and expected_count > resource.capacity:
        errors["expected_count"].append(f"{count_label}{expected_count}人超过“{name}”可容纳人数{resource.capacity}人")
    if date and start_time and end_time and not errors["end_time"]:
        other = overlapping(holding, date=date, start_time=start_time, end_time=end_time, exclude_pk=exclude_pk)
        if other is not None:
            status = other.get_status_display() if hasattr(other, "get_status_display") else ""
            errors["start_time"].append(
                f"该时段已被预约：{describe(other)} {other.date:%Y-%m-%d} "
                f"{other.start_time:%H:%M}-{other.end_time:%H:%M}" + (f"（{status}）" if status else "") + "，请另选时段")
    return errors
