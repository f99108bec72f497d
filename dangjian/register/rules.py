"""The register's rules, each named after its source, each returning Chinese messages.

The web forms and the roster import call these same functions, so a fact is judged the same
way whichever door it comes in by.
"""
from __future__ import annotations

import datetime
import re
from functools import cached_property
from typing import Iterable

from dangjian.core import gb11643
from dangjian.core.dates import add_years  # noqa: F401 (re-exported: register.rules.add_years)
from dangjian.core.rules import get_setting

from .vocab import ALLOWED_PARENT_TYPES, BRANCH_TYPES, OrgType, Sex

_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
_MOBILE_PATTERN = re.compile(r"^1\d{10}$")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def birthday_of_age(birth: datetime.date, years: int) -> datetime.date:
    """The first day on which someone born on ``birth`` is ``years`` old (by ``age_on``).

    Someone born on 29 February comes of age on 1 March in a common year: on 28 February their
    birthday has not yet come round.
    """
    day = add_years(birth, years)
    return day if (day.month, day.day) == (birth.month, birth.day) else day + datetime.timedelta(days=1)


def age_on(birth: datetime.date, day: datetime.date) -> int:
    """Age in whole years on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# --- GB 11643-1999 公民身份号码 ---------------------------------------------------------------

def normalise_id_number(raw: str) -> str:
    return (raw or "").strip().upper()


gb11643_check_char = gb11643.check_char


def gb11643_birth_date(id_number: str) -> datetime.date | None:
    try:
        return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def gb11643_sex(id_number: str) -> str:
    """The 17th digit: odd for men, even for women."""
    return Sex.MALE if int(id_number[16]) % 2 else Sex.FEMALE


def check_id_number(id_number: str, birth_date: datetime.date | None, sex: str | None) -> list[str]:
    """GB 11643-1999: 18 characters, a valid check character, agreeing with birth date and sex."""
    if not _ID_PATTERN.match(id_number):
        return ["公民身份号码应为18位：前17位数字，最后一位为数字或X"]
    if gb11643_check_char(id_number[:17]) != id_number[17]:
        return [f"公民身份号码校验位错误（按GB 11643应为{gb11643_check_char(id_number[:17])}）"]
    id_birth = gb11643_birth_date(id_number)
    if id_birth is None:
        return ["公民身份号码中的出生日期不存在"]
    errors = []
    if birth_date and id_birth != birth_date:
        errors.append(f"公民身份号码中的出生日期{id_birth:%Y-%m-%d}与出生日期{birth_date:%Y-%m-%d}不一致")
    if sex and gb11643_sex(id_number) != sex:
        errors.append(f"公民身份号码第17位表示性别为{gb11643_sex(id_number)}，与性别“{sex}”不一致")
    return errors


def check_mobile(phone: str) -> list[str]:
    if phone and not _MOBILE_PATTERN.match(phone):
        return ["手机号码应为以1开头的11位数字"]
    return []


# --- 《中国共产党章程》 -----------------------------------------------------------------------

def check_joining_age(birth_date: datetime.date, joined_on: datetime.date) -> list[str]:
    """党章第一条：年满十八岁的中国工人、农民……可以申请加入中国共产党。"""
    if age_on(birth_date, joined_on) < 18:
        return [f"入党时须年满18周岁（党章第一条）：出生于{birth_date:%Y-%m-%d}，入党日期{joined_on:%Y-%m-%d}时未满18周岁"]
    return []


def check_probation(joined_on: datetime.date, full_on: datetime.date | None) -> list[str]:
    """党章第七条：预备期为一年，可延长预备期，但不能超过一年。So 转正 lies 1–2 years after 入党."""
    if full_on is None:
        return []
    earliest, latest = add_years(joined_on, 1), add_years(joined_on, 2)
    if full_on < earliest:
        return [f"预备期不足一年（党章第七条）：入党日期{joined_on:%Y-%m-%d}，最早{earliest:%Y-%m-%d}方可转正"]
    if full_on > latest:
        return [f"预备期最长两年（党章第七条）：入党日期{joined_on:%Y-%m-%d}，转正日期不得晚于{latest:%Y-%m-%d}"]
    return []


def check_probation_overdue(joined_on: datetime.date | None, full_on: datetime.date | None,
                            today: datetime.date) -> list[str]:
    """党章第七条 (issue 14): a 预备党员 is one for at most two years (one year, extended by at most one).
    A member whose 入党日期 is more than two years ago with no 转正日期 is an error: either the 转正日期
    was not entered, or the probation was cancelled (取消预备党员资格) and the person is no member."""
    if full_on is not None or joined_on is None:
        return []
    latest = add_years(joined_on, 2)
    if today > latest:
        return [f"入党日期{joined_on:%Y-%m-%d}已超过两年仍未填写转正日期：预备期最长两年（党章第七条，含延长预备期），"
                f"请填写转正日期；如已取消预备党员资格，该同志不再是党员，请按出党办理"]
    return []


def check_not_future(label: str, day: datetime.date | None, today: datetime.date) -> list[str]:
    if day and day > today:
        return [f"{label}{day:%Y-%m-%d}晚于今天"]
    return []


# --- Organisation setup (domain-rules §3) ---------------------------------------------------

def check_org_parent(org_type: str, parent_type: str | None) -> list[str]:
    allowed = ALLOWED_PARENT_TYPES[OrgType(org_type)]
    if parent_type is None:
        if allowed:
            return [f"{org_type}必须有上级党组织"]
        return []
    if not allowed:
        return ["县委是根组织，不能有上级党组织"]
    if parent_type not in allowed:
        return [f"{org_type}不能隶属于{parent_type}"]
    return []


def check_parent_organization_active(parent_name: str, parent_active: bool) -> list[str]:
    """A new or moved organisation is set up under a working one: not under one that is 停用."""
    if not parent_active:
        return [f"上级党组织“{parent_name}”已停用"]
    return []


def check_not_below_itself(kind: str, cycle: list[str] | None = None) -> list[str]:
    """A tree node (党组织, 行政区划) is never moved under itself or one of its descendants. The form
    knows only that the chosen parent is such a node; the workbook also names the ``cycle`` it makes."""
    message = f"不能把{kind}调整到它自己或它的下级之下"
    if cycle:
        return [f"{_PARENT_LABELS[kind]}形成循环（{' → '.join(cycle)}），{message}"]
    return [message]


_PARENT_LABELS = {"党组织": "上级党组织", "行政区划": "上级区划"}


def check_org_type_change(org_type: str, children: Iterable[tuple[str, str]]) -> list[str]:
    """An organisation whose 组织类别 changes keeps only the sub-organisations its new type may have
    (``check_org_parent`` for each (name, 组织类别) of ``children``): a 党支部 has none."""
    errors = []
    for name, child_type in children:
        for msg in check_org_parent(child_type, org_type):
            errors.append(f"下级党组织“{name}”与新的组织类别不符：{msg}")
    return errors


class SetupLimits:
    """The settings ``setup_warnings`` applies, each read at most once for a list of organisations, and
    only when an organisation needs it (the home page judges every organisation of a city: reading the
    settings for each cost it ~0.35 s). Keyword arguments fix values instead of reading them."""

    def __init__(self, **given: int):
        self.__dict__.update(given)  # in place of the cached properties below

    @cached_property
    def branch_min_full_members(self) -> int:
        return get_setting("setup.branch_min_full_members")

    @cached_property
    def branch_max_members(self) -> int:
        return get_setting("setup.branch_max_members")

    @cached_property
    def term_warning_days(self) -> int:
        return get_setting("setup.term_warning_days")


def setup_warnings(org, *, full_members: int, total_members: int, today: datetime.date,
                   limits: SetupLimits | None = None) -> list[str]:
    """《中国共产党支部工作条例（试行）》第五条 and the term rules, as far as the data shows. ``limits``: the
    settings, when the caller judges many organisations (read here otherwise)."""
    limits = limits or SetupLimits()
    warnings = []
    if org.org_type == OrgType.BRANCH:
        minimum = limits.branch_min_full_members
        if full_members < minimum:
            warnings.append(f"正式党员{full_members}名，不足{minimum}名，不宜单独成立党支部（可成立联合党支部）")
    if org.org_type in BRANCH_TYPES:
        maximum = limits.branch_max_members
        if total_members > maximum:
            warnings.append(f"党员{total_members}名，超过{maximum}名，宜分设党支部或成立党总支")
    if org.term_ends_on:
        if org.term_ends_on < today:
            warnings.append(f"本届任期已于{org.term_ends_on:%Y-%m-%d}届满，应按期换届")
        elif (org.term_ends_on - today).days <= limits.term_warning_days:
            warnings.append(f"本届任期将于{org.term_ends_on:%Y-%m-%d}届满，请做好换届准备")
    return warnings


# --- Checks the register services and the roster import share (added for the roster import) ----

def check_division_parent(category: str, parent_category: str | None, *, has_parent: bool | None = None) -> list[str]:
    """The root division (县/县级市/区) has no parent; every other division has one."""
    from .vocab import ROOT_DIVISION_CATEGORIES

    has_parent = (parent_category is not None) if has_parent is None else has_parent
    if category in ROOT_DIVISION_CATEGORIES:
        if has_parent:
            return [f"{category}是最高一级区划，不能有上级区划"]
        return []
    if not has_parent:
        return ["上级区划不能为空"]
    return []


def check_term_dates(founded_on: datetime.date | None, term_ends_on: datetime.date | None) -> list[str]:
    if founded_on and term_ends_on and term_ends_on < founded_on:
        return ["本届届满日期不能早于成立日期"]
    return []


ID_NUMBER_TAKEN = "该公民身份号码已登记为其他党员"


def check_id_number_free(taken: bool) -> list[str]:
    """One register entry per person: a 公民身份号码 (its keyed digest) belongs to one member."""
    return [ID_NUMBER_TAKEN] if taken else []


def check_member_organization(name: str, org_type: str, is_active: bool = True) -> list[str]:
    """A member belongs to a working grassroots organisation, never directly to the 县委."""
    errors = []
    if not is_active:
        errors.append(f"党组织“{name}”已停用，不能接收党员")
    if org_type == OrgType.COUNTY_COMMITTEE:
        errors.append("党员应编入党支部或基层党组织，不能直接隶属县委")
    return errors
