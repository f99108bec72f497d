"""Rules of 组织关系转接 and 流动党员 (domain-rules §4), each named after its source.

《中国共产党党员组织关系转接办法》 (summarised in domain-rules §4): a transfer letter (介绍信) in three
parts goes from the sending to the receiving organisation, valid for a period the county sets
(default 30 days within the city, 90 days otherwise, at most 3 months); the receipt (回执) goes
back between the two grassroots committees. 《中国共产党章程》第九条 and the rules on floating
members: six months in a row without organisational life, dues or assigned work counts as
leaving the Party (自行脱党); the platform warns at 3 and at 5 months.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from dangjian.core.rules import RuleParameter, declare, get_setting
from dangjian.register.rules import add_months
from dangjian.register.vocab import OrgType

SOURCE = "《中国共产党党员组织关系转接办法》：介绍信有效期市内一般30天、市外一般90天，最长不超过3个月"

declare(
    RuleParameter("transfers.letter_valid_days_city", "介绍信有效期：本市（县）内（天）", int, 30, SOURCE,
                  minimum=1, maximum=90),
    RuleParameter("transfers.letter_valid_days_other", "介绍信有效期：市外、省外（天）", int, 90, SOURCE,
                  minimum=1, maximum=90),
    RuleParameter("transfers.letter_expiry_warning_days", "介绍信到期前提醒天数", int, 7, "到期提醒（本平台）",
                  minimum=0, maximum=60),
)

# 自行脱党 after 6 months (党章第九条); the platform warns at these months.
FLOATING_WARN_MONTHS = (3, 5)
LAPSE_MONTHS = 6


# --- The letter's validity --------------------------------------------------------------------

def validity_days(within_city: bool) -> int:
    return get_setting("transfers.letter_valid_days_city" if within_city else "transfers.letter_valid_days_other")


def letter_valid_until(issued_on: datetime.date, within_city: bool) -> datetime.date:
    """The last day the letter is valid: the day of issue counts as the first of its N days."""
    return issued_on + datetime.timedelta(days=validity_days(within_city) - 1)


def check_letter_valid(valid_until: datetime.date | None, on: datetime.date) -> list[str]:
    """A letter is valid up to and including its 有效期至 day; after it, it must be issued again."""
    if valid_until is not None and on > valid_until:
        return [f"介绍信已于{valid_until:%Y年%m月%d日}过期（{SOURCE}），请转出党组织重新开具后再办理"]
    return []


def check_can_receive(org) -> list[str]:
    """Members belong to a working grassroots organisation, never directly to the 县委."""
    if org is None:
        return ["请选择转入党组织"]
    if not org.is_active:
        return [f"党组织“{org.name}”已停用，不能接收党员"]
    if org.org_type == OrgType.COUNTY_COMMITTEE:
        return [f"“{org.name}”是县委，党员应编入党支部或基层党组织，不能接收党员"]
    return []


def check_report_date(reported_on: datetime.date | None, issued_on: datetime.date | None,
                      valid_until: datetime.date | None, today: datetime.date) -> list[str]:
    if reported_on is None:
        return ["请填写报到日期"]
    if reported_on > today:
        return [f"报到日期{reported_on:%Y-%m-%d}晚于今天"]
    if issued_on is not None and reported_on < issued_on:
        return [f"报到日期{reported_on:%Y-%m-%d}早于介绍信开具日期{issued_on:%Y-%m-%d}"]
    if valid_until is not None and reported_on > valid_until:
        return [f"报到日期{reported_on:%Y-%m-%d}已超过介绍信有效期（至{valid_until:%Y-%m-%d}）"]
    return []


# --- 流动党员: 6 months without organisational life, dues or contact -----------------------------

CATEGORY_LABELS = {"contact": "与党组织联系", "orglife": "参加组织生活", "dues": "交纳党费"}


@dataclass(frozen=True)
class FloatingWarning:
    months: int  # 3 or 5: the warning reached
    category: str  # contact | orglife | dues: the longest silence
    last_on: datetime.date  # the last time of that category (or the start of the record)
    due_on: datetime.date  # the day the warning was reached
    lapsed: bool  # 6 months or more

    @property
    def text(self) -> str:
        label = CATEGORY_LABELS[self.category]
        base = f"自{self.last_on:%Y年%m月%d日}起已连续{self.months}个月以上未{label}"
        if self.lapsed:
            return (base + f"，已满{LAPSE_MONTHS}个月：按党章第九条，连续6个月无正当理由不参加党的组织生活、"
                    "不交纳党费或不做党所分配的工作，就被认为是自行脱党，请党组织立即核实处理")
        return base + f"（党章第九条：连续{LAPSE_MONTHS}个月视为自行脱党），请尽快联系"


def floating_warning(last_dates: dict[str, datetime.date], day: datetime.date) -> FloatingWarning | None:
    """The most serious warning on ``day`` given the last date of each category.

    ``last_dates`` maps contact/orglife/dues to the last day that happened (the start of the
    floating record when it never did). A warning is reached on the day ``add_months(last, n)``
    — e.g. last contact 2026-01-31: 3 months on 2026-04-30 (clamped to the month's end).
    """
    worst = None
    for category, last in last_dates.items():
        for months in sorted(FLOATING_WARN_MONTHS, reverse=True):
            due = add_months(last, months)
            if due <= day:
                candidate = FloatingWarning(months, category, last, due, add_months(last, LAPSE_MONTHS) <= day)
                if worst is None or (candidate.months, -candidate.last_on.toordinal()) > (
                        worst.months, -worst.last_on.toordinal()):
                    worst = candidate
                break
    return worst
