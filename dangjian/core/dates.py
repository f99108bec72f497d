"""Days: the one ``today()`` of the services, and calendar arithmetic every app shares.

``today()`` is the local date of the county's time zone (settings.TIME_ZONE); services, rules and
reminders call it instead of each keeping their own copy, so a test can freeze one function.
"""
from __future__ import annotations

import datetime

from django.utils import timezone


def today() -> datetime.date:
    return timezone.localdate()


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day ``years`` later; 29 February becomes 28 February in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def command_day(value: str | None) -> datetime.date:
    """A daily management command's ``--date`` (YYYY-MM-DD), today when not given."""
    from django.core.management.base import CommandError

    if not value:
        return today()
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(f"--date“{value}”不是有效日期，请按 YYYY-MM-DD 填写") from None
