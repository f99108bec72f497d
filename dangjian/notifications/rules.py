"""Rules of the political birthday (政治生日) and of SMS delivery.

《中国共产党发展党员工作细则》第二十八条: the branch meeting that admits a 预备党员 (step ⑮) fixes the
入党日期, and that day is the political birthday; a county may instead greet on the approval date
(step ⑰) — a **setting**. The greeting goes on each anniversary (1st, 2nd, …), never on the day
itself. Members who joined on 29 February are greeted on 28 February in common years (the rule
``register.rules.add_years`` already uses for every anniversary in the platform).
"""
from __future__ import annotations

import calendar
import datetime

from dangjian.core.rules import RuleParameter, declare, get_setting

declare(
    RuleParameter(
        "notifications.birthday_uses_approval_date", "政治生日按上级党委审批日期（否：按入党日期即支部大会通过日期）",
        bool, False, "《中国共产党发展党员工作细则》：支部大会通过之日为入党日期（政治生日）；部分地方按审批日期",
    ),
    RuleParameter("notifications.birthday_sms_enabled", "发送政治生日短信", bool, True, "政治生日关怀（本平台）"),
    RuleParameter("notifications.quiet_start_hour", "短信免打扰开始时刻（时，0-23）", int, 21, "短信免打扰时段（本平台）",
                  minimum=0, maximum=23),
    RuleParameter("notifications.quiet_end_hour", "短信免打扰结束时刻（时，0-23）", int, 8, "短信免打扰时段（本平台）",
                  minimum=0, maximum=23),
)


def birthday_days(day: datetime.date) -> list[tuple[int, int]]:
    """The (month, day) pairs of 入党日期 greeted on ``day``.

    29 February: in a common year those members are greeted on 28 February, together with those
    who joined on 28 February; in a leap year on 29 February itself.
    """
    pairs = [(day.month, day.day)]
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        pairs.append((2, 29))
    return pairs


def anniversary_years(joined_on: datetime.date, day: datetime.date) -> int:
    """Which anniversary ``day`` is (0 on the day of joining itself: no greeting)."""
    return day.year - joined_on.year


def in_quiet_hours(moment: datetime.datetime) -> bool:
    """Whether an SMS must wait (local time). start == end means no quiet hours."""
    from django.utils import timezone

    start, end = get_setting("notifications.quiet_start_hour"), get_setting("notifications.quiet_end_hour")
    hour = timezone.localtime(moment).hour
    if start == end:
        return False
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


def quiet_hours_end(moment: datetime.datetime) -> datetime.datetime:
    """The first moment after ``moment`` outside quiet hours (the next end hour, local time)."""
    from django.utils import timezone

    end = get_setting("notifications.quiet_end_hour")
    local = timezone.localtime(moment)
    candidate = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if candidate <= local:
        candidate += datetime.timedelta(days=1)
    return candidate


def next_political_birthday(anchor: datetime.date, today: datetime.date) -> tuple[datetime.date, int]:
    """The next anniversary of ``anchor`` on or after ``today`` and which one it is (29 Feb → 28 Feb)."""
    from dangjian.register.rules import add_years

    years = max(today.year - anchor.year, 1)
    day = add_years(anchor, years)
    if day < today:
        years += 1
        day = add_years(anchor, years)
    return day, years


def party_standing_years(full_on: datetime.date | None, today: datetime.date) -> int | None:
    """党龄: whole years since the end of probation (转正), None for a probationary member."""
    from dangjian.register.rules import age_on

    if full_on is None or full_on > today:
        return None
    return age_on(full_on, today)
