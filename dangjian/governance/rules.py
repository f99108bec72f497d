"""The rules of village and community governance, in one place, named after their sources.

- 四议两公开 (national, 《关于加强和改进乡村治理的指导意见》 2019; domain-rules §6) and the
  county's 一征三议两公开: a matter goes through an ordered procedure. The procedure is a **setting**
  (``governance.procedure_template``): a template of ordered steps, each with its kind, who meets,
  its quorum and vote rule. A matter keeps the template it was opened under.
- 党员大会审议: at least 2/3 of the members due present (quorum met exactly at 2/3); passed when more
  than half of the members due vote for (exactly half is not passed).
- 村民代表会议决议 (《村民委员会组织法》第二十六条): at least 2/3 of the representatives present; passed
  by more than half of all representatives.
- "一肩挑": where the secretary also chairs the village (residents') committee, the first two steps
  may merge: the 商议 step may be left out.
- A failed vote (quorum or majority) ends the matter: no later step.
- Rule parameters (settings) are declared here and read with ``core.rules.get_setting``.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Optional

from django.core.exceptions import ValidationError

from dangjian.core.rules import RuleParameter, declare, get_setting
from dangjian.register.vocab import DivisionCategory, ROOT_DIVISION_CATEGORIES, TOWNSHIP_LEVEL, VILLAGE_LEVEL

from .vocab import ServiceLevel, StepKind

TWO_THIRDS = Fraction(2, 3)


@dataclass(frozen=True)
class StepSpec:
    kind: str
    label: str  # the step's name in this template
    meets: str  # who meets (or where it is published)
    column: str  # the date column of the 议事事项 sheet
    quorum: Optional[Fraction] = None  # share of those due who must be present
    majority_of_due: bool = False  # passed when 赞成 × 2 > 应到
    counts_required: bool = False  # due / present / for required when recorded on the platform
    mergeable: bool = False  # may be left out in a "一肩挑" organisation
    is_publication: bool = False

    @property
    def has_vote(self) -> bool:
        return self.quorum is not None or self.majority_of_due


@dataclass(frozen=True)
class ProcedureTemplate:
    key: str
    label: str
    steps: tuple[StepSpec, ...]

    def step(self, number: int) -> StepSpec:
        return self.steps[number - 1]


COLUMNS = ("征求意见日期", "支部委员会商议日期", "党员大会审议日期", "代表会议决议日期", "决议公开日期", "结果公开日期")
REVIEW_STEP = 3  # the 党员大会审议 step, whose counts the ledger keeps
RESULT_STEP = 6  # 结果公开: the matter is decided (解决) on its date

_COMMON_TAIL = (
    StepSpec(StepKind.DELIBERATE, "两委会商议", "村（社区）党组织和村（居）民委员会联席会议", COLUMNS[1], mergeable=True),
    StepSpec(StepKind.REVIEW, "党员大会审议", "党员大会（方案提前3天送达党员）", COLUMNS[2], quorum=TWO_THIRDS,
             majority_of_due=True, counts_required=True),
    StepSpec(StepKind.RESOLVE, "村（居）民代表会议决议", "村（居）民代表会议或村（居）民会议", COLUMNS[3], quorum=TWO_THIRDS,
             majority_of_due=True, counts_required=True),
    StepSpec(StepKind.PUBLISH, "决议公开", "村（居）务公开栏或其他媒介", COLUMNS[4], is_publication=True),
    StepSpec(StepKind.PUBLISH, "实施结果公开", "村（居）务公开栏或其他媒介", COLUMNS[5], is_publication=True),
)

TEMPLATES: dict[str, ProcedureTemplate] = {
    "yizheng_sanyi": ProcedureTemplate(
        "yizheng_sanyi", "一征三议两公开（本县）",
        (StepSpec(StepKind.CONSULT, "征求意见", "村（居）民和党员（入户走访、座谈、意见箱）", COLUMNS[0]),) + _COMMON_TAIL,
    ),
    "siyi_liangkai": ProcedureTemplate(
        "siyi_liangkai", "四议两公开（全国）",
        (StepSpec(StepKind.PROPOSE, "党组织提议", "村（社区）党组织（在听取党员和群众意见基础上）", COLUMNS[0]),) + _COMMON_TAIL,
    ),
}


TEMPLATE_BY_NAME = {t.label.split("（")[0]: t for t in TEMPLATES.values()}  # 一征三议两公开, 四议两公开


class TemplateParameter(RuleParameter):
    """The procedure template, named in Chinese (一征三议两公开 or 四议两公开); the internal key is accepted too."""

    def coerce(self, raw: Any) -> Any:
        value = str(raw).strip()
        if value in TEMPLATES:
            value = TEMPLATES[value].label.split("（")[0]
        if value not in TEMPLATE_BY_NAME:
            raise ValidationError(f"{self.label}：取值“{value}”无效，应为 {'或'.join(TEMPLATE_BY_NAME)}")
        return value


declare(
    TemplateParameter(
        "governance.procedure_template", "村（社区）议事程序模板", str, "一征三议两公开",
        "《关于加强和改进乡村治理的指导意见》（2019）：四议两公开；本县：一征三议两公开",
        help="填写“一征三议两公开”（本县：征求意见、商议、审议、决议、决议公开、结果公开）或“四议两公开”"
             "（全国：提议、商议、审议、决议、决议公开、结果公开）。只影响此后新建的议事事项",
    ),
    RuleParameter(
        "governance.stalled_days", "议事事项停滞提示天数", int, 30,
        "本平台：距上一步骤超过该天数仍未进行下一步的事项列为“停滞”", minimum=1, maximum=365,
    ),
    RuleParameter(
        "governance.dispute_overdue_days", "纠纷调处超期天数", int, 30,
        "本县：受理后超过该天数仍未办结的纠纷标为超期", minimum=1, maximum=365,
    ),
    RuleParameter(
        "governance.service_overdue_days", "便民服务办理超期天数", int, 15,
        "本县：受理后超过该天数仍未办结的服务事项标为超期", minimum=1, maximum=365,
    ),
)


def current_template() -> ProcedureTemplate:
    return TEMPLATE_BY_NAME[get_setting("governance.procedure_template")]


def template(key: str) -> ProcedureTemplate:
    return TEMPLATES.get(key) or TEMPLATES["yizheng_sanyi"]


# --- Procedure templates as data (validation) ---------------------------------------------------
# A template a county edits is a list of steps, each with its order, kind (StepKind), who meets, and
# its quorum and vote rule taken from this fixed list of rule kinds (key: label, quorum, majority of due).

VOTE_RULES: dict[str, tuple[str, Optional[Fraction], bool]] = {
    "none": ("不表决", None, False),
    "two_thirds_due_majority": ("应到三分之二以上到会，赞成超过应到半数", TWO_THIRDS, True),
    "half_due_majority": ("应到过半数到会，赞成超过应到半数", Fraction(1, 2), True),
}
VOTING_KINDS = (StepKind.REVIEW, StepKind.RESOLVE)


def vote_rule_of(spec: StepSpec) -> str:
    """The rule kind of a step (the shipped templates use these only)."""
    for key, (_label, quorum, majority) in VOTE_RULES.items():
        if (spec.quorum, spec.majority_of_due) == (quorum, majority):
            return key
    raise ValueError(f"步骤“{spec.label}”的表决规则不在规则种类中")


def check_template_steps(steps: list[dict]) -> dict[str, list[str]]:
    """Faults of a template's steps, field-keyed (``steps``, or ``step<order>``) in Chinese.

    Each step is a dict with ``order`` (int), ``kind`` (a StepKind), ``label``, ``meets`` and
    ``vote_rule`` (a VOTE_RULES key). Rules: kinds from the list, vote rules from the fixed list (a
    vote only at 审议/决议 steps, which need one), order numbers unique, at least one 审议-like step
    before the 决议, and 公开 last.
    """
    errors: dict[str, list[str]] = {}

    def add(field, msg):
        errors.setdefault(field, []).append(msg)

    if not steps:
        add("steps", "议事程序至少应有一个步骤")
        return errors
    orders = [s.get("order") for s in steps]
    for s in steps:
        order, kind, rule = s.get("order"), s.get("kind"), s.get("vote_rule") or "none"
        field = f"step{order}"
        if not isinstance(order, int) or order < 1:
            add("steps", f"步骤序号“{order}”应为正整数")
            continue
        if orders.count(order) > 1 and f"序号{order}重复" not in " ".join(errors.get("steps", [])):
            add("steps", f"步骤序号{order}重复")
        if kind not in StepKind.values:
            add(field, f"第{order}步的步骤类型“{kind}”无效，应为 {'、'.join(StepKind.values)} 之一")
        if rule not in VOTE_RULES:
            add(field, f"第{order}步的表决规则“{rule}”无效，应为 {'、'.join(v[0] for v in VOTE_RULES.values())} 之一")
        elif kind in VOTING_KINDS and rule == "none":
            add(field, f"第{order}步（{kind}）应有到会和表决规则")
        elif kind in StepKind.values and kind not in VOTING_KINDS and rule != "none":
            add(field, f"第{order}步（{kind}）不表决，表决规则应为“不表决”")
        if not str(s.get("label") or "").strip():
            add(field, f"第{order}步的步骤名称不能为空")
    if errors:
        return errors
    kinds = [s["kind"] for s in sorted(steps, key=lambda s: s["order"])]
    if StepKind.RESOLVE not in kinds:
        add("steps", "议事程序应有“决议”步骤")
    elif StepKind.REVIEW not in kinds[: kinds.index(StepKind.RESOLVE)]:
        add("steps", "“决议”之前应至少有一个“审议”步骤")
    if kinds[-1] != StepKind.PUBLISH:
        add("steps", "最后一步应为“公开”")
    elif StepKind.PUBLISH in kinds[: kinds.index(StepKind.RESOLVE) if StepKind.RESOLVE in kinds else 0]:
        add("steps", "“公开”应在“决议”之后")
    return errors


def template_steps_as_data(tpl: ProcedureTemplate) -> list[dict]:
    """A shipped template as the rows a county would edit (what a matter's snapshot holds)."""
    return [{"order": n, "kind": str(s.kind), "label": s.label, "meets": s.meets, "vote_rule": vote_rule_of(s),
             "mergeable": s.mergeable} for n, s in enumerate(tpl.steps, start=1)]


# --- Votes -------------------------------------------------------------------------------------

def quorum_met(due: int, present: int, share: Fraction = TWO_THIRDS) -> bool:
    """At least ``share`` of those due present: 2/3 of 30 is 20, and 20 present is enough."""
    return present * share.denominator >= due * share.numerator


def majority_of_due(due: int, in_favour: int) -> bool:
    """More than half of those due (not of those present): 15 of 30 is not enough, 16 is."""
    return in_favour * 2 > due


def check_counts(due: Optional[int], present: Optional[int], in_favour: Optional[int],
                 against: Optional[int] = None) -> dict[str, list[str]]:
    """Counts that cannot be: more present than due, more votes than present. Field-keyed messages."""
    errors: dict[str, list[str]] = {}

    def add(field, msg):
        errors.setdefault(field, []).append(msg)

    for field, label, value in (("due", "应到人数", due), ("present", "实到人数", present),
                                ("in_favour", "赞成票数", in_favour), ("against", "反对票数", against)):
        if value is not None and value < 0:
            add(field, f"{label}不能小于0")
    if due is not None and due <= 0:
        add("due", "应到人数应大于0")
    if due is not None and present is not None and present > due:
        add("present", f"实到人数{present}多于应到人数{due}")
    if present is not None and in_favour is not None and in_favour > present:
        add("in_favour", f"赞成票数{in_favour}多于实到人数{present}")
    if present is not None and in_favour is not None and against is not None and in_favour + against > present:
        add("against", f"赞成票数与反对票数之和{in_favour + against}多于实到人数{present}")
    return errors


def vote_outcome(spec: StepSpec, due: Optional[int], present: Optional[int],
                 in_favour: Optional[int]) -> tuple[Optional[bool], str]:
    """(passed, reason when not): None when the step has no vote or no counts were given."""
    if not spec.has_vote or due is None or present is None or in_favour is None:
        return None, ""
    if spec.quorum is not None and not quorum_met(due, present, spec.quorum):
        need = -(-due * spec.quorum.numerator // spec.quorum.denominator)
        return False, f"实到{present}人，不足应到{due}人的三分之二（至少{need}人），会议不能表决"
    if spec.majority_of_due and not majority_of_due(due, in_favour):
        return False, f"赞成{in_favour}票，未超过应到{due}人的半数"
    return True, ""


# --- Step order --------------------------------------------------------------------------------

def check_step_order(tpl: ProcedureTemplate, dates: list[Optional[datetime.date]], *, one_shoulder: bool,
                     today: datetime.date) -> list[tuple[int, str]]:
    """Faults of a matter's dated steps (list index 0 = step 1): (step number, message).

    Steps are dated in order, none before the one before it, none in the future, and a step may be
    dated only when every earlier step is (in a "一肩挑" organisation the mergeable 商议 may be empty).
    """
    faults = []
    last: Optional[datetime.date] = None
    last_label = ""
    for i, day in enumerate(dates):
        spec = tpl.steps[i]
        if day is None:
            continue
        if day > today:
            faults.append((i + 1, f"{spec.label}日期{day:%Y-%m-%d}晚于今天"))
        for j in range(i):
            prev = tpl.steps[j]
            if dates[j] is None and not (prev.mergeable and one_shoulder):
                hint = "（“一肩挑”的组织才可省略商议）" if prev.mergeable else ""
                faults.append((i + 1, f"“{prev.label}”尚未进行，不能登记“{spec.label}”{hint}"))
                break
        if last is not None and day < last:
            faults.append((i + 1, f"{spec.label}日期{day:%Y-%m-%d}早于上一步骤“{last_label}”的日期{last:%Y-%m-%d}"))
        last, last_label = day, spec.label
    return faults


# --- Service requests ----------------------------------------------------------------------------

LEVEL_DIVISIONS = {
    ServiceLevel.COUNTY: ROOT_DIVISION_CATEGORIES,
    ServiceLevel.TOWNSHIP: TOWNSHIP_LEVEL,
    ServiceLevel.VILLAGE: VILLAGE_LEVEL,
}
LEVEL_DIVISION_HINT = {
    ServiceLevel.COUNTY: "县（县级市、区）",
    ServiceLevel.TOWNSHIP: "乡、镇或街道",
    ServiceLevel.VILLAGE: "村或社区",
}


def level_matches_division(level: str, category: str) -> bool:
    return category in LEVEL_DIVISIONS.get(level, set())


def level_mismatch_message(level: str, division_name: str, category: str) -> str:
    return f"{level}服务中心应在{LEVEL_DIVISION_HINT[level]}，“{division_name}”是{category}"


def item_in_use(starts_on: Optional[datetime.date], stops_on: Optional[datetime.date], day: datetime.date) -> bool:
    """In use from 启用日期 (always, when empty) to the day before 停用日期."""
    return (starts_on is None or starts_on <= day) and (stops_on is None or day < stops_on)


def overdue(accepted_on: datetime.date, closed_on: Optional[datetime.date], today: datetime.date, days: int) -> bool:
    """Open and accepted more than ``days`` days ago: accepted 30 days ago is not overdue yet, 31 is."""
    return closed_on is None and (today - accepted_on).days > days


def dispute_overdue(accepted_on, result, today: datetime.date) -> bool:
    return not result and (today - accepted_on).days > get_setting("governance.dispute_overdue_days")


# --- Rates ---------------------------------------------------------------------------------------

def rate(numerator: int, denominator: int) -> Optional[float]:
    return round(numerator / denominator, 4) if denominator else None


def previous_period(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period of equal length (in days) that ends the day before ``date_from``."""
    length = (date_to - date_from).days + 1
    prev_to = date_from - datetime.timedelta(days=1)
    return prev_to - datetime.timedelta(days=length - 1), prev_to


def rate_change(now: tuple[int, int], before: tuple[int, int]) -> Optional[float]:
    """rate − previous rate from the unrounded fractions ((numerator, denominator) each), to 4 decimals;
    None when either denominator is 0."""
    if not now[1] or not before[1]:
        return None
    return round(now[0] / now[1] - before[0] / before[1], 4)


VILLAGE_UNIT_TYPES = {"村", "社区"}
