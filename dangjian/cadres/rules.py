"""Rules about cadres, teams, training, pay, funds and elections, each named after its source.

- 《中国共产党章程》/《中国共产党支部工作条例（试行）》第十条 (domain-rules §3): a branch with 7 or more
  full members has a committee of 3–5 (at most 7); fewer: a secretary only. One serving 书记.
- GB 11643-1999 for ID numbers (register.rules).
- County practice (settings): reserve cadres per community, full-time deputies per community,
  community funds minimum, the negative list (负面清单) and departments of the 联审.
The forms, the services and the Excel import call the same functions and show the same messages.
"""
from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Iterable, Optional

from dangjian.core.rules import RuleParameter, declare, get_setting
from dangjian.register import rules as register_rules

from .vocab import Post, TEAM_POSTS

BRANCH_RULES = "《中国共产党支部工作条例（试行）》第十条"
COMMITTEE_FULL_MEMBERS = 7  # 正式党员7人以上的党支部设立支部委员会

declare(
    RuleParameter("cadres.reserve_min_per_community", "每个社区后备干部人数下限", int, 2,
                  "本县后备干部队伍建设要求：每个社区建立人数在上下限之间的后备干部队伍", minimum=0, maximum=50),
    RuleParameter("cadres.reserve_max_per_community", "每个社区后备干部人数上限", int, 5,
                  "本县后备干部队伍建设要求：每个社区建立人数在上下限之间的后备干部队伍", minimum=0, maximum=50),
    RuleParameter("cadres.full_time_deputies_per_community", "每个社区配备专职副书记人数", int, 1,
                  "本县要求：为每个社区配备一定人数的专职副书记", minimum=0, maximum=10),
    RuleParameter("cadres.committee_min_size", "设委员会的党支部班子最少人数", int, 3,
                  f"{BRANCH_RULES}：正式党员7人以上的党支部设支部委员会，委员3至5人", minimum=1, maximum=9),
    RuleParameter("cadres.community_funds_min", "社区年度经费（三项合计）最低标准（元）", int, 200000,
                  "本县要求：社区工作经费、党建工作经费和服务群众专项经费合计不低于本标准", minimum=0,
                  maximum=100_000_000),
    RuleParameter("cadres.election_reminder_days", "换届选举前提醒完成联审的天数", int, 14,
                  "换届提醒（本平台）：计划选举日期前若干天，候选人联审未完成的提醒上级组织员", minimum=0, maximum=90),
    RuleParameter("cadres.vetting_departments", "“两委”候选人联审部门（用顿号或分号分隔）", str,
                  "纪检监察机关；组织部门；政法委；公安机关；检察院；法院；信访部门；民政部门",
                  "村（社区）“两委”换届候选人资格联审（本县换届工作方案）"),
    RuleParameter("cadres.vetting_negative_list", "“两委”候选人负面清单（用分号分隔）", str,
                  "受过刑事处罚；存在“村霸”、涉黑涉恶问题；涉嫌违纪违法正在接受审查调查；"
                  "被列为失信被执行人；煽动群众闹事、扰乱公共秩序；违反计划生育政策未处理；"
                  "长期无故不参加组织生活；其他不宜提名的情形",
                  "村（社区）“两委”换届候选人资格条件负面清单（本县换届工作方案）"),
)


def setting_list(key: str) -> list[str]:
    raw = str(get_setting(key) or "")
    for sep in ("；", "、", ";", "，", ",", "\n"):
        raw = raw.replace(sep, "|")
    return [part.strip() for part in raw.split("|") if part.strip()]


def vetting_departments() -> list[str]:
    return setting_list("cadres.vetting_departments")


def negative_list() -> list[str]:
    return setting_list("cadres.vetting_negative_list")


# --- Dates ---------------------------------------------------------------------------------------

def check_service_dates(started_on: Optional[datetime.date], ended_on: Optional[datetime.date]) -> list[str]:
    """干部: a person serves from 任职日期 to the day before 离任日期, so 离任日期 must be later."""
    if started_on and ended_on and ended_on <= started_on:
        return [f"离任日期{ended_on:%Y-%m-%d}应晚于任职日期{started_on:%Y-%m-%d}"]
    return []


def check_class_dates(started_on: Optional[datetime.date], ended_on: Optional[datetime.date]) -> list[str]:
    if started_on and ended_on and ended_on < started_on:
        return [f"结束日期{ended_on:%Y-%m-%d}早于开始日期{started_on:%Y-%m-%d}"]
    return []


def check_not_future(label: str, day: Optional[datetime.date], today: datetime.date) -> list[str]:
    """Ledger facts are not dated in the future (ledger-sheets.md, common cells)."""
    return register_rules.check_not_future(label, day, today)


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    """Whether [a_start, a_end) and [b_start, b_end) share a day (None: open-ended)."""
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)


def check_one_secretary(started_on, ended_on, others: Iterable[tuple[str, datetime.date, Optional[datetime.date]]],
                        org_name: str = "") -> list[str]:
    """A Party organisation has at most one serving 书记 (党章: 书记 is one person).

    ``others``: (name, start, end) of the organisation's other 书记 records."""
    for name, start, end in others:
        if started_on and overlaps(started_on, ended_on, start, end):
            until = f"{end:%Y-%m-%d}离任" if end else "至今在任"
            return [f"{org_name or '该党组织'}同一时期只能有一名书记：{name}自{start:%Y-%m-%d}任书记（{until}），"
                    f"任职时间重叠"]
    return []


# --- Personal numbers ----------------------------------------------------------------------------

def check_id_number(id_number: str) -> list[str]:
    if not id_number:
        return []
    return register_rules.check_id_number(register_rules.normalise_id_number(id_number), None, None)


def person_facts(id_number: str) -> tuple[Optional[datetime.date], str]:
    """Birth date and sex read from a valid ID number (GB 11643)."""
    if not id_number or check_id_number(id_number):
        return None, ""
    return register_rules.gb11643_birth_date(id_number), register_rules.gb11643_sex(id_number)


# --- Amounts -------------------------------------------------------------------------------------

def parse_amount(value, label: str = "金额") -> Decimal:
    """Yuan: a number ≥ 0 with at most 2 decimals (ledger-sheets.md, common cells)."""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValueError(f"{label}“{value}”应为数字（元）") from None
    if amount < 0:
        raise ValueError(f"{label}不能为负数")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"{label}最多保留两位小数")
    return amount.quantize(Decimal("0.01"))


def check_hours(hours) -> list[str]:
    if hours is None:
        return []
    if hours <= 0:
        return ["学时应大于0"]
    return []


# --- Teams ---------------------------------------------------------------------------------------

def required_team_size(org_type: str, full_members: int, committee_min: Optional[int] = None) -> int:
    """The least number of team members (书记, 副书记, 委员) an organisation must have.

    A committee (党委、党工委、党总支) or a branch with 7+ full members elects a committee of at
    least ``cadres.committee_min_size`` (3); a smaller branch has a secretary only (1)."""
    if org_type in ("党委", "党工委", "党总支") or full_members >= COMMITTEE_FULL_MEMBERS:
        return committee_min if committee_min is not None else get_setting("cadres.committee_min_size")
    return 1


def team_flags(*, has_secretary: bool, team_size: int, required: int) -> list[str]:
    flags = []
    if not has_secretary:
        flags.append("书记空缺")
    if team_size < required:
        flags.append(f"班子不足{required}人（现有{team_size}人）")
    return flags


def reserve_range() -> tuple[int, int]:
    return get_setting("cadres.reserve_min_per_community"), get_setting("cadres.reserve_max_per_community")


def reserve_flag(count: int) -> str:
    low, high = reserve_range()
    if count < low:
        return f"少于{low}人，缺{low - count}人"
    if count > high:
        return f"多于{high}人"
    return ""


def is_team_post(post: str) -> bool:
    return post in TEAM_POSTS


SECRETARY = Post.SECRETARY
