"""Rules of assessment and rectification (domain-rules §7, ledger-sheets.md 整改台账), in one place.

Each check returns a list of Chinese messages (empty: fine); forms, services and the Excel import call
the same functions. Parameters marked "setting" in domain-rules are rule settings (规则参数).
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Optional

from dangjian.core.extensions import IndicatorSourceRefused, refuse_busywork_source
from dangjian.core.rules import RuleParameter, declare, get_setting

from .vocab import ProblemCategory, ProblemSource, Verdict

LEDGER = "本县整改台账管理办法：同一组织同类问题两年内再次发现记为反复出现"
LOCAL = "本县基层党建工作考核办法（地方做法）"

declare(
    RuleParameter("assessment.recurrence_days", "同一组织同类问题在多少天内再次发现记为“反复出现”", int, 730, LEDGER,
                  minimum=1, maximum=3650),
    RuleParameter("assessment.lookback_days", "销号后多少天开展“回头看”", int, 180, LOCAL, minimum=1, maximum=730),
    RuleParameter("assessment.escalation_days", "逾期问题每逾期多少天再上报一级", int, 30, LOCAL, minimum=1, maximum=365),
    RuleParameter("assessment.bottom_places", "考核排序末位名次数（新方案默认值）", int, 1, LOCAL, minimum=1, maximum=20),
    RuleParameter("assessment.joint_meeting_days", "党建工作联席例会在每月前几天召开", int, 7, LOCAL,
                  minimum=1, maximum=28),
)


def recurrence_days() -> int:
    return get_setting("assessment.recurrence_days")


# --- 整改台账 -------------------------------------------------------------------------------------

def check_source(value) -> list[str]:
    return [] if value in ProblemSource.values else [f"问题来源“{value}”不是规定的取值，应为：{'、'.join(ProblemSource.values)}"]


def check_category(value) -> list[str]:
    return [] if value in ProblemCategory.values else [
        f"问题类别“{value}”不是规定的取值，应为：{'、'.join(ProblemCategory.values)}"]


def check_not_future(day: Optional[datetime.date], today: datetime.date, label: str) -> list[str]:
    return [f"{label}{day:%Y-%m-%d}晚于今天，不能预先登记"] if day and day > today else []


def check_problem_dates(found_on, deadline, completed_on, today) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {"found_on": check_not_future(found_on, today, "发现日期"),
                                    "deadline": [], "completed_on": check_not_future(completed_on, today, "整改完成日期")}
    if found_on and deadline and deadline < found_on:
        errors["deadline"].append(f"整改时限{deadline:%Y-%m-%d}早于发现日期{found_on:%Y-%m-%d}")
    if found_on and completed_on and completed_on < found_on:
        errors["completed_on"].append(f"整改完成日期{completed_on:%Y-%m-%d}早于发现日期{found_on:%Y-%m-%d}")
    return errors


def check_verification(completed_on, verified_on, verdict, today) -> dict[str, list[str]]:
    errors = {"verified_on": check_not_future(verified_on, today, "复查日期"), "verdict": []}
    if verified_on and not completed_on:
        errors["verified_on"].append("尚未登记整改完成日期，不能复查")
    if verified_on and completed_on and verified_on < completed_on:
        errors["verified_on"].append(f"复查日期{verified_on:%Y-%m-%d}早于整改完成日期{completed_on:%Y-%m-%d}")
    if verified_on and verdict not in Verdict.values:
        errors["verdict"].append("请填写复查结论：通过或未通过")
    if verdict and not verified_on:
        errors["verified_on"].append("有复查结论时须填写复查日期")
    return errors


def check_sign_off(verified_on, verdict, signed_off_on, today) -> list[str]:
    """《整改台账》：销号 only after a 复查 that passed, not before its day (一件一件抓落实)."""
    if signed_off_on is None:
        return []
    if verdict != Verdict.PASSED or verified_on is None:
        return ["没有复查通过的记录，不能销号（须先复查，结论为通过）"]
    if signed_off_on < verified_on:
        return [f"销号日期{signed_off_on:%Y-%m-%d}早于复查日期{verified_on:%Y-%m-%d}"]
    return check_not_future(signed_off_on, today, "销号日期")


def is_recurring(found_on: datetime.date, earlier: list[datetime.date], days: Optional[int] = None) -> bool:
    """Recurring: the same organisation has a problem of the same category found earlier, at most
    ``days`` (setting, 730) before."""
    days = recurrence_days() if days is None else days
    return any(e < found_on and (found_on - e).days <= days for e in earlier)


def recurring_flags(found_days: list[datetime.date], days: int) -> list[bool]:
    """For the found days of one organisation's problems of one category: which are recurring."""
    ordered = sorted(set(found_days))
    flags = {}
    previous = None
    for d in ordered:
        flags[d] = previous is not None and (d - previous).days <= days
        previous = d
    return [flags[d] for d in found_days]


def escalation_levels(deadline: datetime.date, day: datetime.date, every: int) -> int:
    """How many levels an item overdue on ``day`` has climbed: one on the first overdue day, one more
    every ``every`` days after."""
    if deadline >= day:
        return 0
    return 1 + ((day - deadline).days - 1) // every


# --- Plans and scores ------------------------------------------------------------------------------

def check_indicator_definition(name: str, kind: str, points, computed_key: str, check_method: str, rule: str,
                               known_keys: dict[str, str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {"name": [], "points": [], "computed_key": []}
    for text in (name, check_method, rule):
        try:
            refuse_busywork_source(name or "", text or "")
        except IndicatorSourceRefused as exc:
            errors["name"].append(str(exc))
            break
    if points is None or Decimal(points) <= 0:
        errors["points"].append("分值应大于0")
    if kind == "computed":
        if computed_key not in known_keys:
            errors["computed_key"].append("请选择平台数据指标")
        else:
            try:
                refuse_busywork_source(name or known_keys[computed_key], computed_key)
            except IndicatorSourceRefused as exc:
                errors["computed_key"].append(str(exc))
    return errors


def check_score(value, points, label="评分") -> list[str]:
    if value is None:
        return []
    if value < 0:
        return [f"{label}不能为负数"]
    if value > points:
        return [f"{label}{value}超过该指标分值{points}"]
    return []


def deduction_score(points: Decimal, per_item: Decimal, faults: int) -> Decimal:
    """Score of a deduction indicator: points less per_item for each fault, never below 0."""
    return max(Decimal("0"), points - per_item * faults)


def computed_score(points: Decimal, rate: Optional[float]) -> Decimal:
    """Score of a computed indicator: points × rate (2 decimals); nothing due: full points."""
    if rate is None:
        return points
    return (points * Decimal(str(rate))).quantize(Decimal("0.01"))


def debrief_grade(good: int, fairly_good: int, average: int, poor: int) -> str:
    """The grade with the most votes; on a tie the lower grade (the stricter reading)."""
    votes = [("好", good), ("较好", fairly_good), ("一般", average), ("差", poor)]
    if not any(v for _, v in votes):
        return ""
    best = max(v for _, v in votes)
    return [g for g, v in votes if v == best][-1]


def in_first_days(day: datetime.date) -> bool:
    return day.day <= get_setting("assessment.joint_meeting_days")
