"""The rules of 《中国共产党发展党员工作细则》(2014) that a recorded step must satisfy (domain-rules §1).

Each check is named after its source and returns ``Failure``s whose message quotes the rule and the
dates. ``overridable`` failures may be set aside by an organiser with a written reason (audited and
listed for the county); the others describe facts that cannot be true (a future date, more votes
than voters, an introducer under 留党察看) and are always refused. The web form, the roster import
and the demo all pass through these same functions.

Messages cite an article number only where it was checked against the 2014 text (第五条 age,
第七条 the talk within a month, 第十七条 training, and 党章第七条 probation); elsewhere they quote the
rule's words and name the 细则 without a number, rather than risk a wrong citation.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Iterable, Sequence

from dangjian.core.rules import RuleParameter, declare, get_setting
from dangjian.register.rules import add_months, add_years, age_on, birthday_of_age
from dangjian.register.vocab import BRANCH_TYPES, MemberStatus, OrgType

from . import workdays
from .steps import STEPS

declare(
    RuleParameter(
        "recruitment.publicity_workdays", "发展对象公示期（工作日）", int, 5,
        "《中国共产党发展党员工作细则》前的发展对象公示（公示天数各地规定不一，默认5个工作日）",
        minimum=1, maximum=30,
    ),
    RuleParameter(
        "recruitment.political_review_valid_years", "政治审查结论有效期（年）", int, 1,
        "《中国共产党发展党员工作细则》政治审查；结论有效期各地规定不一，默认1年", minimum=1, maximum=3,
    ),
    # Whether the political birthday is the approval date (⑰) instead of ⑮ is one setting,
    # notifications.birthday_uses_approval_date, read where birthdays are computed.
)

# Days ahead that the to-do list starts to show an item coming due.
SOON_DAYS = 30


@dataclass(frozen=True)
class Failure:
    rule: str  # the source, e.g. "《细则》"
    message: str
    overridable: bool = True

    def __str__(self):
        return self.message


def d(day: datetime.date) -> str:
    return f"{day:%Y-%m-%d}"


# --- Every step ------------------------------------------------------------------------------

def applicant_organization(name: str, org_type: str | None, is_active: bool) -> list[str]:
    """《细则》: the application is made to, and received by, a working 党支部 (or 联合党支部).
    ``org_type`` None: not known (the workbook row naming it has its own fault), so not judged."""
    if org_type is not None and org_type not in BRANCH_TYPES:
        return [f"“{name}”不是党支部：入党申请由党支部受理"]
    if not is_active:
        return [f"党组织“{name}”已停用"]
    return []


def check_step_order(last_step: int, step: int) -> list[Failure]:
    """发展党员须按程序逐步进行：each step in order, none skipped or repeated."""
    if step == last_step + 1:
        return []
    if step <= last_step:
        return [Failure("程序", f"{STEPS[step].title}已记录，不能重复记录", False)]
    return [Failure("程序", f"须按程序逐步进行：尚未完成{STEPS[last_step + 1].title}，不能记录{STEPS[step].title}", False)]


def check_step_date(step: int, day: datetime.date | None, previous: datetime.date | None,
                    today: datetime.date) -> list[Failure]:
    """Each step is dated, not in the future, and not before the step it follows."""
    title = STEPS[step].title
    if day is None:
        return [Failure("程序", f"{title}须填写日期", False)]
    if day > today:
        return [Failure("程序", f"{title}的日期{d(day)}晚于今天{d(today)}，不能预先记录", False)]
    if previous is not None and day < previous:
        return [Failure("程序", f"{title}的日期{d(day)}早于上一步骤的日期{d(previous)}", False)]
    return []


# --- 第二章 入党申请 --------------------------------------------------------------------------

def article_5_applicant_age(birth: datetime.date, applied_on: datetime.date) -> list[Failure]:
    """第五条：年满十八岁的……可以申请加入中国共产党。"""
    if age_on(birth, applied_on) < 18:
        return [Failure("《细则》第五条", f"入党申请人须年满18周岁（《细则》第五条）：该同志出生于{d(birth)}，"
                        f"{d(applied_on)}递交申请时未满18周岁，最早{d(birthday_of_age(birth, 18))}可递交入党申请书", False)]
    return []


def article_7_talk_within_a_month(applied_on: datetime.date, talked_on: datetime.date) -> list[Failure]:
    """第七条：党组织收到入党申请书后，应当在一个月内派人同入党申请人谈话。"""
    latest = add_months(applied_on, 1)
    if talked_on > latest:
        return [Failure("《细则》第七条", f"党组织应在收到入党申请书后一个月内派人谈话（《细则》第七条）：该同志{d(applied_on)}"
                        f"递交入党申请书，最迟应于{d(latest)}谈话，实际{d(talked_on)}")]
    return []


# --- 入党积极分子 ---------------------------------------------------------------------------

def _full_member_problems(members: Sequence, on: datetime.date, role: str) -> list[Failure]:
    out = []
    for m in members:
        if m.status != MemberStatus.NORMAL:
            out.append(Failure("《细则》", f"{role}须为正式党员：{m.name}党籍状态为“{m.status}”", False))
        elif not m.is_full_on(on):
            out.append(Failure("《细则》", f"{role}须为正式党员：{m.name}在{d(on)}时尚是预备党员", False))
    return out


def contacts_are_one_or_two_full_members(contacts: Sequence, on: datetime.date) -> list[Failure]:
    """《细则》：党组织应当指定一至两名正式党员作入党积极分子的培养联系人。"""
    out = []
    if not 1 <= len(contacts) <= 2:
        out.append(Failure("《细则》", f"应指定一至两名正式党员作培养联系人（《细则》），现指定{len(contacts)}名"))
    return out + _full_member_problems(contacts, on, "培养联系人")


def half_yearly_reviews(activist_on: datetime.date, reviews: Iterable[datetime.date],
                                   target_on: datetime.date) -> list[Failure]:
    """《细则》：党支部每半年对入党积极分子进行一次考察。

    From 确定入党积极分子 to 确定发展对象 no six months may pass without a review.
    """
    previous = activist_on
    for review in sorted(r for r in reviews if activist_on <= r <= target_on) + [target_on]:
        due = add_months(previous, 6)
        if review > due:
            what = "确定为入党积极分子" if previous == activist_on else "上次考察"
            return [Failure("《细则》", f"党支部每半年应对入党积极分子考察一次（《细则》）：该同志{d(previous)}"
                            f"{what}，{d(due)}前应进行下一次考察，之后至{d(review)}没有考察记录")]
        previous = review
    return []


# --- 发展对象 -------------------------------------------------------------------------------

def one_year_as_activist(activist_on: datetime.date, target_on: datetime.date) -> list[Failure]:
    """《细则》：对经过一年以上培养教育和考察……的入党积极分子……列为发展对象。"""
    earliest = add_years(activist_on, 1)
    if target_on < earliest:
        return [Failure("《细则》", f"发展对象须经一年以上培养考察：该同志{d(activist_on)}确定为入党积极分子，"
                        f"最早{d(earliest)}可确定为发展对象")]
    return []


def two_full_member_introducers(introducers: Sequence, on: datetime.date) -> list[Failure]:
    """《细则》：发展对象应当有两名正式党员作入党介绍人……受留党察看处分、尚未恢复党员权利的党员，不能作入党介绍人。"""
    out = []
    if len(introducers) != 2:
        out.append(Failure("《细则》", f"发展对象应有两名正式党员作入党介绍人（《细则》），现确定{len(introducers)}名",
                           False))
    out += _full_member_problems(introducers, on, "入党介绍人")
    for m in introducers:
        if m.under_party_probation:
            out.append(Failure("《细则》", f"受留党察看处分、尚未恢复党员权利的党员不能作入党介绍人（《细则》）：{m.name}",
                               False))
    return out


def political_review_validity(review_on: datetime.date, meeting_on: datetime.date) -> list[Failure]:
    """《细则》：没有经过政治审查的，不能发展入党; 结论有效期 is a county setting (default 1 year)."""
    years = get_setting("recruitment.political_review_valid_years")
    expires = add_years(review_on, years)
    if meeting_on >= expires:
        return [Failure("《细则》", f"政治审查结论有效期为{years}年：该同志{d(review_on)}完成政治审查，"
                        f"须在{d(expires - datetime.timedelta(days=1))}（含）前召开支部委员会审查，现为{d(meeting_on)}，请重新政审")]
    return []


def political_review_expires_on(review_on: datetime.date) -> datetime.date:
    """The last day on which ⑫ may take place on this review."""
    return add_years(review_on, get_setting("recruitment.political_review_valid_years")) - datetime.timedelta(days=1)


def article_17_training(days: int | None, hours: int | None) -> list[Failure]:
    """第十七条：基层党委对发展对象进行短期集中培训。培训时间一般不少于3天（或不少于24个学时）。"""
    if (days or 0) >= 3 or (hours or 0) >= 24:
        return []
    return [Failure("《细则》第十七条", f"集中培训时间一般不少于3天或24个学时（《细则》第十七条），现记录{days or 0}天、{hours or 0}学时")]


def publicity_end(start: datetime.date) -> datetime.date:
    """The last day of a 公示 that starts on ``start`` and lasts the county's number of working days."""
    return workdays.nth_workday(start, get_setting("recruitment.publicity_workdays"))


def publicity_before_committee(start: datetime.date | None, end: datetime.date | None,
                               meeting_on: datetime.date) -> list[Failure]:
    """发展对象公示 before ⑫ 支部委员会审查, for the county's number of working days (setting)."""
    n = get_setting("recruitment.publicity_workdays")
    if start is None:
        return [Failure("公示", f"支部委员会审查前应对发展对象公示{n}个工作日，尚无公示记录")]
    last_day = max(end or start, workdays.nth_workday(start, n))
    if meeting_on <= last_day:
        return [Failure("公示", f"发展对象应公示{n}个工作日（按国家法定节假日和调休计算）：该同志{d(start)}开始公示，"
                        f"公示期至{d(last_day)}，最早{d(last_day + datetime.timedelta(days=1))}可召开支部委员会审查")]
    return []


def check_publicity_length(start: datetime.date, end: datetime.date) -> list[Failure]:
    n = get_setting("recruitment.publicity_workdays")
    if end < start:
        return [Failure("公示", f"公示结束日期{d(end)}早于开始日期{d(start)}", False)]
    have = workdays.count_workdays(start, end)
    if have < n:
        return [Failure("公示", f"发展对象应公示{n}个工作日：{d(start)}至{d(end)}只有{have}个工作日，"
                        f"最早应至{d(workdays.nth_workday(start, n))}")]
    return []


# --- 预备党员的接收 --------------------------------------------------------------------------

def check_votes(entitled, present, for_, against, abstain) -> list[Failure]:
    """The counts of a vote must add up: nobody votes twice, nobody absent is present."""
    title = "表决"
    values = {"应到会有表决权人数": entitled, "实到会人数": present, "赞成": for_, "反对": against, "弃权": abstain}
    missing = [k for k, v in values.items() if v is None]
    if missing:
        return [Failure(title, "请填写会议表决情况：" + "、".join(missing), False)]
    out = []
    if present > entitled:
        out.append(Failure(title, f"实到会人数{present}超过应到会有表决权人数{entitled}", False))
    if for_ + against + abstain > present:
        out.append(Failure(title, f"赞成{for_}、反对{against}、弃权{abstain}合计{for_ + against + abstain}，超过实到会人数{present}", False))
    return out


def branch_meeting_quorum_and_majority(entitled: int, present: int, for_: int, step: int) -> list[Failure]:
    """《细则》：有表决权的到会人数必须超过应到会有表决权人数的半数；赞成人数超过应到会有表决权的正式党员的半数，
    才能通过（转正的支部大会同样）。Each candidate is discussed and voted on separately (one record each)."""
    out = []
    what = "接收预备党员" if step == 15 else "预备党员转正"
    if present * 2 <= entitled:
        out.append(Failure("《细则》", f"讨论{what}的支部大会，有表决权的到会人数须超过应到会有表决权人数的半数"
                           f"（《细则》）：应到{entitled}人，实到{present}人", False))
    if for_ * 2 <= entitled:
        out.append(Failure("《细则》", f"赞成人数须超过应到会有表决权的正式党员的半数才能通过（《细则》）："
                           f"应到{entitled}人，赞成{for_}人，未通过", False))
    return out


def committee_meeting_quorum(entitled: int, present: int) -> list[Failure]:
    """《支部工作条例》：支部委员会会议须有半数以上委员到会。"""
    if present * 2 <= entitled:
        return [Failure("《支部工作条例》", f"支部委员会审查须有半数以上委员到会：应到{entitled}人，实到{present}人", False)]
    return []


def may_approve(org) -> bool:
    """《细则》(审批权限): a 党总支, or a committee set up under a township committee, may not approve."""
    if org.org_type not in (OrgType.COUNTY_COMMITTEE, OrgType.COMMITTEE, OrgType.WORKING_COMMITTEE):
        return False
    parent = org.parent
    if org.org_type == OrgType.COMMITTEE and parent is not None and parent.org_type in (
            OrgType.COMMITTEE, OrgType.WORKING_COMMITTEE) and parent.unit_type in ("乡镇", "街道"):
        return False
    return True


def approving_committee(org, branch) -> list[Failure]:
    if org is None:
        return [Failure("《细则》", "请选择审批的上级党委", False)]
    out = []
    if not may_approve(org):
        out.append(Failure("《细则》", f"{org.name}无审批预备党员的权限：党总支、乡镇（街道）党（工）委下设的党委不能审批"
                           "（《细则》）", False))
    if not branch.is_descendant_of(org):
        out.append(Failure("《细则》", f"{org.name}不是{branch.name}的上级党委", False))
    return out


def approval_within_three_months(admitted_on: datetime.date, approved_on: datetime.date, extended: bool) -> list[Failure]:
    """《细则》：上级党委……应当在三个月内审批……遇有特殊情况可适当延长审批时间，但不得超过六个月。"""
    normal, longest = add_months(admitted_on, 3), add_months(admitted_on, 6)
    if approved_on > longest:
        return [Failure("《细则》", f"审批时间最长不得超过六个月（《细则》）：支部大会{d(admitted_on)}通过，"
                        f"最迟{d(longest)}审批，现为{d(approved_on)}", False)]
    if approved_on > normal and not extended:
        return [Failure("《细则》", f"上级党委应在三个月内审批（《细则》）：支部大会{d(admitted_on)}通过，"
                        f"应于{d(normal)}前审批，现为{d(approved_on)}；如有特殊情况，请勾选“因特殊情况延长审批时间”")]
    return []


def probation_end(admitted_on: datetime.date, extension_months: int | None) -> datetime.date:
    """党章第七条：预备期为一年（从支部大会通过之日算起），可延长一次，不少于半年、最长一年."""
    end = add_years(admitted_on, 1)
    return add_months(end, extension_months) if extension_months else end


def constitution_7_probation_complete(admitted_on: datetime.date, extension_months: int | None,
                                      meeting_on: datetime.date) -> list[Failure]:
    """党章第七条：预备党员预备期满，党支部应当及时讨论他能否转为正式党员."""
    end = probation_end(admitted_on, extension_months)
    if meeting_on < end:
        return [Failure("党章第七条", f"预备期满方可讨论转正（党章第七条）：该同志{d(admitted_on)}被接收为预备党员，"
                        f"预备期至{d(end)}满，最早{d(end)}可召开支部大会讨论转正", False)]
    return []


def constitution_7_extension(months: int | None, already: int | None) -> list[Failure]:
    """党章第七条：可以延长一次预备期，延长时间不能少于半年，最长不超过一年。"""
    if already:
        return [Failure("党章第七条", f"预备期只能延长一次（党章第七条），已延长{already}个月", False)]
    if months is None or not 6 <= months <= 12:
        return [Failure("党章第七条", f"延长预备期不能少于半年、最长不超过一年（党章第七条），填写为{months or 0}个月", False)]
    return []


def check_timeline(birth: datetime.date | None, dates: dict[int, datetime.date], today: datetime.date
                   ) -> list[tuple[int, Failure]]:
    """The rules a bare list of step dates can be judged by (the roster import's 发展党员 sheet).

    Rules about people, meetings, reviews and the 公示 need what a date column does not carry;
    the import leaves them to the file's own records. Returns (step, failure) pairs.
    """
    out: list[tuple[int, Failure]] = []
    if 1 not in dates:
        return [(1, Failure("程序", f"{STEPS[1].title}不能为空", False))]
    last = max(dates)
    for step in range(1, last + 1):
        if step not in dates:
            out.append((step, Failure("程序", f"须按程序逐步进行：已填写{STEPS[last].title}，缺少{STEPS[step].title}的日期",
                                      False)))
    if out:
        return out
    previous = None
    for step in range(1, last + 1):
        out += [(step, f) for f in check_step_date(step, dates[step], previous, today)]
        previous = dates[step]
    if out:
        return out
    if birth:
        out += [(1, f) for f in article_5_applicant_age(birth, dates[1])]
    if 2 in dates:
        out += [(2, f) for f in article_7_talk_within_a_month(dates[1], dates[2])]
    if 7 in dates:
        out += [(7, f) for f in one_year_as_activist(dates[3], dates[7])]
    if 12 in dates:
        out += [(12, f) for f in political_review_validity(dates[10], dates[12])]
    if 17 in dates:
        out += [(17, f) for f in approval_within_three_months(dates[15], dates[17], False)]
    if 23 in dates:
        out += [(23, f) for f in constitution_7_probation_complete(dates[15], None, dates[23])]
    return out
