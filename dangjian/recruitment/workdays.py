"""China's official working-day calendar (国务院办公厅 holiday notices, make-up workdays included),
from the chinese-calendar package. The package knows only the years it ships; outside them we
say so plainly instead of guessing.
"""
from __future__ import annotations

import datetime

import chinese_calendar
from django.core.exceptions import ValidationError


def is_workday(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise ValidationError(
            f"系统的法定节假日数据不包含{day.year}年，无法计算{day:%Y-%m-%d}是否为工作日；"
            "请联系管理员升级节假日数据（chinesecalendar）"
        ) from None


def nth_workday(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day counted from ``start`` (start itself counts if it is a working day)."""
    day, seen = start, 0
    while True:
        if is_workday(day):
            seen += 1
            if seen >= n:
                return day
        day += datetime.timedelta(days=1)


def count_workdays(start: datetime.date, end: datetime.date) -> int:
    """Working days from start to end, both included."""
    count, day = 0, start
    while day <= end:
        count += is_workday(day)
        day += datetime.timedelta(days=1)
    return count
