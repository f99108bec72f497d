"""Rules of regional co-building and "两新" party building (domain-rules.md §7: local practice, all settings).

Forms, services and the Excel import call the same functions, which return Chinese messages (empty: fine).
"""
from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from dangjian.core.rules import RuleParameter, declare, get_setting
from dangjian.register.vocab import BRANCH_TYPES, TWO_NEW_UNIT_TYPES, OrgType

REGION_ORG_TYPES = {OrgType.COMMITTEE, OrgType.WORKING_COMMITTEE}
REGION_DIVISION_CATEGORIES = {"街道", "城市社区", "村改居社区"}

SOURCE_LOCAL = "本县区域化党建和“两新”党建工作办法（地方做法，本县规则参数）"
DEFAULT_SCHEME = (
    "组织建设/班子健全/10；组织建设/党员管理/10；组织建设/阵地建设/10；"
    "组织生活/三会一课/10；组织生活/主题党日/10；组织生活/组织生活会/10；"
    "作用发挥/服务发展/10；作用发挥/服务员工/10；"
    "保障机制/经费保障/10；保障机制/制度建设/10"
)
DEFAULT_VETOES = "出资人或书记违法违纪；重大安全生产或环境污染事故；刑事案件或群体性事件；严重失信或偷逃税款"

DEFAULT_DUAL_POSTS = "文明劝导岗；政策宣讲岗；环境整治岗；帮老助困岗；平安巡逻岗；志愿服务岗"

declare(
    RuleParameter("cobuilding.dual_posts", "双报到服务岗位（用“；”分隔）", str, DEFAULT_DUAL_POSTS,
                  SOURCE_LOCAL + "：在职党员到居住地社区认领服务岗位"),
    RuleParameter("cobuilding.agenda_days_ahead", "联席会议议程提前送达天数", int, 15, SOURCE_LOCAL,
                  minimum=0, maximum=60),
    RuleParameter("twonew.star5_min", "五星级最低得分", float, 90.0, SOURCE_LOCAL + "：90分以上五星", minimum=0, maximum=100),
    RuleParameter("twonew.star4_min", "四星级最低得分", float, 80.0, SOURCE_LOCAL + "：80-89分四星", minimum=0, maximum=100),
    RuleParameter("twonew.star3_min", "三星级最低得分", float, 70.0, SOURCE_LOCAL + "：70-79分三星", minimum=0, maximum=100),
    RuleParameter("twonew.star2_min", "二星级最低得分", float, 60.0, SOURCE_LOCAL + "：60-69分二星，60分以下一星",
                  minimum=0, maximum=100),
    RuleParameter("twonew.cycle_years", "星级评定周期（年）", int, 2, SOURCE_LOCAL + "：每2年复评", minimum=1, maximum=5),
    RuleParameter("twonew.veto_years", "一票否决追溯年限", int, 2, SOURCE_LOCAL + "：近2年内有严重违法违规情形",
                  minimum=1, maximum=5),
    RuleParameter("twonew.veto_list", "一票否决情形（用“；”分隔）", str, DEFAULT_VETOES, SOURCE_LOCAL),
    RuleParameter("twonew.scheme", "星级评定指标体系（领域/指标/分值，用“；”分隔，合计100分）", str, DEFAULT_SCHEME,
                  SOURCE_LOCAL + "：按100分制设领域和指标"),
    RuleParameter("twonew.subsidy_base", "两新党组织党建工作经费基数（元/年）", float, 10000.0, SOURCE_LOCAL,
                  minimum=0, maximum=10_000_000),
    *[
        RuleParameter(f"twonew.subsidy_percent_{s}", f"{s}星级党组织经费比例（%）" if s else "未定级或一票否决党组织经费比例（%）",
                      int, d, SOURCE_LOCAL + "：五星按基数110%、未定级90%", minimum=0, maximum=300)
        for s, d in ((5, 110), (4, 105), (3, 100), (2, 95), (1, 90), (0, 90))
    ],
    RuleParameter("twonew.own_body_min_full_members", "单独组建党组织所需正式党员数", int, 3,
                  "《中国共产党章程》第三十条：正式党员三人以上的应当成立党的基层组织", minimum=1, maximum=10),
)


# --- dates -----------------------------------------------------------------------------------------

def check_end_after_start(start: datetime.date | None, end: datetime.date | None, *, start_label: str,
                          end_label: str) -> list[str]:
    """An end date (退出、离任、停用、撤销) must be after its start: a unit that leaves on the day it joins
    never participated."""
    if start and end and end <= start:
        return [f"{end_label}（{end:%Y-%m-%d}）必须晚于{start_label}（{start:%Y-%m-%d}）"]
    return []


def check_not_before(start: datetime.date | None, end: datetime.date | None, *, start_label: str,
                     end_label: str) -> list[str]:
    if start and end and end < start:
        return [f"{end_label}（{end:%Y-%m-%d}）不能早于{start_label}（{start:%Y-%m-%d}）"]
    return []


def check_not_future(day: datetime.date | None, today: datetime.date, label: str) -> list[str]:
    if day and day > today:
        return [f"{label}（{day:%Y-%m-%d}）晚于今天，不能登记将来的日期"]
    return []


def active_on(start: datetime.date, end: datetime.date | None, day: datetime.date) -> bool:
    """Participates/serves on ``day``: from the start day to the day before the end day."""
    return start <= day and (end is None or end > day)


# --- regions ---------------------------------------------------------------------------------------

def check_region_organization(org) -> list[str]:
    """区域党组织: a 党委 or 党工委 of a subdistrict or a community."""
    if org is None:
        return ["请选择区域党组织"]
    if org.org_type not in REGION_ORG_TYPES:
        return [f"区域党组织须是街道或社区的党委、党工委，“{org.name}”是{org.org_type}"]
    if org.division.category not in REGION_DIVISION_CATEGORIES:
        return [f"区域党组织须是街道或社区的党委、党工委，“{org.name}”所在行政区划“{org.division.name}”是"
                f"{org.division.category}"]
    return []


def agenda_deadline(meeting_date: datetime.date) -> datetime.date:
    """The last day the agenda may reach the member units: the meeting day less the setting's days (15: an
    agenda sent exactly 15 days before is on time, 14 days before is late)."""
    return meeting_date - datetime.timedelta(days=get_setting("cobuilding.agenda_days_ahead"))


def agenda_on_time(meeting_date: datetime.date, sent_on: datetime.date | None) -> bool:
    return sent_on is not None and sent_on <= agenda_deadline(meeting_date)


def check_agenda_sent_on(meeting_date: datetime.date, sent_on: datetime.date | None, today: datetime.date) -> list[str]:
    if not sent_on:
        return ["送达日期不能为空"]
    if sent_on > meeting_date:
        return [f"送达日期（{sent_on:%Y-%m-%d}）不能晚于会议日期（{meeting_date:%Y-%m-%d}）"]
    return check_not_future(sent_on, today, "送达日期")


AGENDA_ON_TIME, AGENDA_LATE, AGENDA_MISSING, AGENDA_PENDING, AGENDA_NO_UNITS = (
    "按时送达", "逾期送达", "未送达", "待送达", "无共建单位")


def agenda_state(meeting_date: datetime.date, first_sent: dict, due_units, day: datetime.date) -> dict:
    """Where a meeting's agenda stands on ``day``: ``first_sent`` maps a unit id to the first day the agenda
    reached it, ``due_units`` are the units participating on the meeting day. ``flagged``: late or missing
    (a unit not reached after the deadline, or reached after it)."""
    deadline = agenda_deadline(meeting_date)
    due = list(due_units)
    missing = [u for u in due if u.pk not in first_sent]
    late = [u for u in due if u.pk in first_sent and first_sent[u.pk] > deadline]
    if not due:
        state = AGENDA_NO_UNITS
    elif missing:
        state = AGENDA_MISSING if day > deadline else AGENDA_PENDING
    else:
        state = AGENDA_LATE if late else AGENDA_ON_TIME
    return {"state": state, "deadline": deadline, "missing": missing, "late": late,
            "flagged": state in (AGENDA_LATE, AGENDA_MISSING),
            "label": state if state != AGENDA_PENDING else f"待送达（截止{deadline:%Y-%m-%d}）"}


# --- "两新" ----------------------------------------------------------------------------------------

def check_two_new_body(org, instructor: str) -> list[str]:
    """A unit's body is its own "两新" Party organisation or the 联合党支部 covering it; without one it has a
    党建指导员."""
    if org is None:
        return [] if (instructor or "").strip() else ["未建立党组织的单位须填写党建指导员"]
    if org.unit_type not in TWO_NEW_UNIT_TYPES and org.org_type != OrgType.JOINT_BRANCH:
        return [f"“{org.name}”不是两新党组织或联合党支部（单位类别：{org.unit_type}，组织类别：{org.org_type}）"]
    return []


def suggested_body(full_members: int) -> str:
    """§7: 3+ full members → own body, fewer → joint body, none → a 党建指导员."""
    if full_members >= get_setting("twonew.own_body_min_full_members"):
        return "单独组建党组织"
    if full_members > 0:
        return "建立联合党支部"
    return "选派党建指导员"


def check_rating_organization(org) -> list[str]:
    if org is None:
        return ["请选择党组织"]
    if org.unit_type not in TWO_NEW_UNIT_TYPES:
        return [f"星级评定只适用于两新党组织，“{org.name}”的单位类别是{org.unit_type}"]
    return []


def parse_score(value) -> tuple[Decimal | None, list[str]]:
    try:
        score = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        return None, [f"得分“{value}”不是数字"]
    if score < 0 or score > 100:
        return None, [f"得分{score}超出0-100分"]
    return score, []


def stars_for(score, veto: bool) -> int:
    """Stars by the county's thresholds (settings); a veto gives none (0)."""
    if veto:
        return 0
    score = float(score)
    for stars in (5, 4, 3, 2):
        if score >= get_setting(f"twonew.star{stars}_min"):
            return stars
    return 1


def rating_covers(rating_year: int) -> tuple[int, int]:
    """The years a published rating of 评定年度 ``rating_year`` covers: the ``twonew.cycle_years`` years after it
    (a 2024 rating, published in 2025, sets the stars and the funding of 2025 and 2026)."""
    return rating_year + 1, rating_year + get_setting("twonew.cycle_years")


def rating_expires_on(rating_year: int) -> datetime.date:
    """The last day a published rating is valid: 31 December of the last year it covers."""
    return datetime.date(rating_covers(rating_year)[1], 12, 31)


def rating_valid_on(rating, day: datetime.date) -> bool:
    """A published rating is valid from its publication (a ledger import without one: from the first year it
    covers) to its expiry, both days included."""
    if rating.status != "published":
        return False
    start = rating.published_on or datetime.date(rating_covers(rating.year)[0], 1, 1)
    return start <= day <= rating_expires_on(rating.year)


def check_new_rating_cycle(org_name: str, year: int, latest_published, today: datetime.date) -> list[str]:
    """A new rating once the previous one's cycle has ended (not while it is valid), for a year after it."""
    if latest_published is None:
        return []
    expires = rating_expires_on(latest_published.year)
    if today <= expires:
        return [f"“{org_name}”{latest_published.year}年度的星级评定有效期至{expires:%Y-%m-%d}，"
                f"周期（{get_setting('twonew.cycle_years')}年）届满后才能重新评定"]
    first = rating_covers(latest_published.year)[1]
    if year < first:
        return [f"评定年度须在上次评定（{latest_published.year}年度）的周期之后，即{first}年及以后"]
    return []


def subsidy_for(stars: int | None) -> Decimal:
    """The year's 党建工作经费 of an organisation by its stars (None: unrated → the 0 rate)."""
    base = Decimal(str(get_setting("twonew.subsidy_base")))
    percent = get_setting(f"twonew.subsidy_percent_{stars or 0}")
    return (base * percent / 100).quantize(Decimal("0.01"))


def scheme() -> list[tuple[str, str, int]]:
    """The scheme setting as (area, indicator, points)."""
    out = []
    for part in str(get_setting("twonew.scheme")).replace(";", "；").split("；"):
        bits = [b.strip() for b in part.split("/")]
        if len(bits) == 3 and bits[2].isdigit():
            out.append((bits[0], bits[1], int(bits[2])))
    return out


def veto_list() -> list[str]:
    return [v.strip() for v in str(get_setting("twonew.veto_list")).replace(";", "；").split("；") if v.strip()]


def dual_posts() -> list[str]:
    """The service posts a member reporting to a community may claim (setting cobuilding.dual_posts)."""
    return [p.strip() for p in str(get_setting("cobuilding.dual_posts")).replace(";", "；").split("；") if p.strip()]


def post_list(posts: str) -> list[str]:
    """A report slip's claimed posts (stored joined by “、”)."""
    return [p.strip() for p in (posts or "").replace("，", "、").replace(",", "、").split("、") if p.strip()]


def branch_like(org) -> bool:
    return org.org_type in BRANCH_TYPES
