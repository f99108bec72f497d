"""Organisational life rules — 《中国共产党支部工作条例（试行）》(2018) 第十九至二十一条, domain-rules §2.

The frequency of each required activity is a county setting (a number of months: 1 monthly,
3 quarterly, 12 yearly, 0 not required); the lock window, the recording deadline, the attachment
limit and the fixed 主题党日 day are settings too. Every check returns Chinese messages quoting the
rule and the dates; the web forms, the services and the Excel import call the same functions.
"""
from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from dangjian.core.booking import time_order_errors
from dangjian.core.rules import RuleParameter, declare, get_setting

from .vocab import ActivityType

SOURCE = "《中国共产党支部工作条例（试行）》"
# 《支部工作条例》第十条: 正式党员7人以上的党支部设立支部委员会.
COMMITTEE_MIN_FULL_MEMBERS = 7

# Frequencies in months; 0 means the county does not require the activity.
DEFAULT_FREQUENCIES = {
    ActivityType.BRANCH_GENERAL_MEETING: 3,
    ActivityType.BRANCH_COMMITTEE_MEETING: 1,
    ActivityType.GROUP_MEETING: 1,
    ActivityType.PARTY_LECTURE: 3,
    ActivityType.THEME_DAY: 1,
    ActivityType.LIFE_MEETING: 12,
    ActivityType.DEMOCRATIC_APPRAISAL: 12,
    ActivityType.HEART_TO_HEART_TALK: 12,
}
FREQUENCY_SOURCES = {
    ActivityType.BRANCH_GENERAL_MEETING: f"{SOURCE}第十九条：支部党员大会一般每季度召开1次",
    ActivityType.BRANCH_COMMITTEE_MEETING: f"{SOURCE}第十九条：支部委员会会议一般每月召开1次",
    ActivityType.GROUP_MEETING: f"{SOURCE}第十九条：党小组会一般每月召开1次",
    ActivityType.PARTY_LECTURE: f"{SOURCE}第十九条：党课（全国未规定次数，本县默认每季度1次）",
    ActivityType.THEME_DAY: f"{SOURCE}第十九条：党支部每月相对固定1天开展主题党日",
    ActivityType.LIFE_MEETING: f"{SOURCE}第二十条：组织生活会一般每年召开1次",
    ActivityType.DEMOCRATIC_APPRAISAL: f"{SOURCE}第二十条：民主评议党员一般每年开展1次",
    ActivityType.HEART_TO_HEART_TALK: f"{SOURCE}第二十一条：党支部委员与党员之间谈心谈话每年至少1次",
}
ALLOWED_FREQUENCIES = (0, 1, 2, 3, 4, 6, 12)


def frequency_key(activity_type: str) -> str:
    return f"orglife.frequency.{activity_type}"


declare(
    *[
        RuleParameter(
            frequency_key(t), f"{ActivityType(t).label}频次（月；1每月，3每季度，12每年，0不作要求）", int,
            DEFAULT_FREQUENCIES[t], FREQUENCY_SOURCES[t], minimum=0, maximum=12,
            help="取 0、1、2、3、4、6、12 之一；其他数按不小于它的最近值计",
        )
        for t in ActivityType.values
    ],
    RuleParameter(
        "orglife.edit_days", "活动记录录入后可修改天数（之后锁定，更正须说明理由）", int, 7,
        "本县“三会一课”记录管理规定", minimum=0, maximum=90,
    ),
    RuleParameter(
        "orglife.record_deadline_days", "活动结束后应在几天内录入（超过记为补录）", int, 7,
        "本县“三会一课”记录管理规定", minimum=0, maximum=90,
    ),
    RuleParameter(
        "orglife.theme_day_of_month", "每月主题党日（固定日）", int, 1,
        f"{SOURCE}第十九条：每月相对固定1天开展主题党日", minimum=1, maximum=28,
    ),
    RuleParameter(
        "orglife.attachment_max_mb", "活动记录附件大小上限（MB）", int, 10, "本平台", minimum=1, maximum=100,
    ),
    RuleParameter(
        "orglife.reminder_days_before_end", "周期结束前几天提醒尚未开展的活动", int, 7, "本平台",
        minimum=0, maximum=31,
    ),
)


def frequency_months(activity_type: str) -> int:
    """The frequency in force, snapped to a period that divides the year."""
    raw = get_setting(frequency_key(activity_type))
    if raw <= 0:
        return 0
    return next(f for f in ALLOWED_FREQUENCIES if f >= raw)


def frequencies() -> dict[str, int]:
    return {t: frequency_months(t) for t in ActivityType.values}


# --- Periods --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive
    months: int

    @property
    def label(self) -> str:
        y, m = self.start.year, self.start.month
        if self.months == 1:
            return f"{y}年{m}月"
        if self.months == 3:
            return f"{y}年第{(m - 1) // 3 + 1}季度"
        if self.months == 6:
            return f"{y}年{'上' if m == 1 else '下'}半年"
        if self.months == 12:
            return f"{y}年"
        return f"{y}年{m}-{m + self.months - 1}月"

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def calendar_periods(months: int, date_from: datetime.date, date_to: datetime.date) -> list[Period]:
    """The calendar periods of ``months`` months (aligned on 1 January) lying wholly inside the dates."""
    if months <= 0 or date_from > date_to:
        return []
    found = []
    for year in range(date_from.year, date_to.year + 1):
        for k in range(12 // months):
            start = datetime.date(year, 1 + k * months, 1)
            end = month_end(year, k * months + months)
            if start >= date_from and end <= date_to:
                found.append(Period(start, end, months))
    return found


def period_containing(day: datetime.date, months: int) -> Period:
    first = ((day.month - 1) // months) * months + 1
    return Period(datetime.date(day.year, first, 1), month_end(day.year, first + months - 1), months)


def parse_period(text: str) -> Period:
    """``2026`` a year, ``2026-Q2`` a quarter, ``2026-H1`` a half-year, ``2026-05`` a month."""
    text = (text or "").strip().upper()
    try:
        if len(text) == 4:
            return Period(datetime.date(int(text), 1, 1), datetime.date(int(text), 12, 31), 12)
        year, part = text.split("-")
        year = int(year)
        if part.startswith("Q"):
            q = int(part[1:])
            if not 1 <= q <= 4:
                raise ValueError
            return Period(datetime.date(year, 3 * q - 2, 1), month_end(year, 3 * q), 3)
        if part.startswith("H"):
            h = int(part[1:])
            if h not in (1, 2):
                raise ValueError
            return Period(datetime.date(year, 6 * h - 5, 1), month_end(year, 6 * h), 6)
        month = int(part)
        return Period(datetime.date(year, month, 1), month_end(year, month), 1)
    except (ValueError, TypeError):
        raise ValueError(f"期间“{text}”格式不正确，应为 2026、2026-Q2、2026-H1 或 2026-05") from None


def period_code(period: Period) -> str:
    y, m = period.start.year, period.start.month
    if period.months == 12:
        return f"{y}"
    if period.months == 6:
        return f"{y}-H{(m - 1) // 6 + 1}"
    if period.months == 3:
        return f"{y}-Q{(m - 1) // 3 + 1}"
    return f"{y}-{m:02d}"


# --- Record checks --------------------------------------------------------------------------

def check_times(start: datetime.time | None, end: datetime.time | None) -> list[str]:
    return time_order_errors(start, end)


def check_held_not_future(day: datetime.date | None, today: datetime.date) -> list[str]:
    if day and day > today:
        return [f"活动日期{day:%Y-%m-%d}晚于今天（{today:%Y-%m-%d}）：尚未召开的会议不能登记为已召开"]
    return []


def check_counts(expected: int | None, present: int | None, leave: int | None) -> list[str]:
    expected, present, leave = expected or 0, present or 0, leave or 0
    if min(expected, present, leave) < 0:
        return ["人数不能为负数"]
    if present + leave > expected:
        return [f"实到人数（{present}）与请假人数（{leave}）之和不能超过应到人数（{expected}）"]
    return []


def quorum_met(activity_type: str, expected: int, present: int) -> bool:
    """第十九条: 支部委员会会议须有半数以上委员到会方能召开. Other meetings are not judged here."""
    if activity_type != ActivityType.BRANCH_COMMITTEE_MEETING:
        return True
    return expected > 0 and present * 2 > expected


def lock_date(recorded_on: datetime.date) -> datetime.date:
    """The last day the record may be edited freely."""
    return recorded_on + datetime.timedelta(days=get_setting("orglife.edit_days"))


def is_locked(recorded_on: datetime.date, today: datetime.date) -> bool:
    return today > lock_date(recorded_on)


def is_late(held_on: datetime.date, recorded_on: datetime.date) -> bool:
    return (recorded_on - held_on).days > get_setting("orglife.record_deadline_days")
