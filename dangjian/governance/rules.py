"""The rules of village and community governance, in one place, named after their sources.

- 四议两公开 (national, 《关于加强和改进乡村治理的指导意见》 2019; domain-rules §6) and the
  county's 一征三议两公开: a matter goes through an ordered procedure. The procedure is a **setting**:
  the county keeps procedure templates as data (``models.ProcedureTemplate``: ordered steps, each with
  its kind, who meets, its quorum rule and vote rule, and whether a "一肩挑" organisation may merge
  it), and the rule setting ``governance.procedure_template`` names the one new matters follow. A
  matter keeps a snapshot of its template's steps when it is opened: editing or switching the
  template never changes a matter already open. Every step rule below reads a ``Procedure`` built
  from such a snapshot.
- 党员大会审议: at least 2/3 of the members due present (quorum met exactly at 2/3); passed when more
  than half of the members due vote for (exactly half is not passed).
- 村民代表会议决议 (《村民委员会组织法》第二十六条): at least 2/3 of the representatives present; passed
  by more than half of all representatives.
- "一肩挑": where the secretary also chairs the village (residents') committee, the first
  deliberations may merge: a step marked mergeable (a 商议) may be left out.
- A failed vote (quorum or majority) ends the matter: no later step. A 公开 comes after the 决议.
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

# --- Quorum and vote rules: the fixed lists a template's steps choose from --------------------------
# quorum rule key: (label, share of those due, whether exactly that share is enough)
QUORUM_RULES: dict[str, tuple[str, Optional[Fraction], bool]] = {
    "none": ("不要求到会人数", None, True),
    "two_thirds": ("应到人数的三分之二以上到会", TWO_THIRDS, True),
    "half": ("应到人数过半数到会", Fraction(1, 2), False),
}
# vote rule key: (label, the count a majority is taken of)
VOTE_RULES: dict[str, tuple[str, Optional[str]]] = {
    "none": ("不表决", None),
    "majority_of_due": ("赞成票超过应到人数的半数", "due"),
    "majority_of_present": ("赞成票超过实到人数的半数", "present"),
}
VOTING_KINDS = (StepKind.REVIEW, StepKind.RESOLVE)
OPENING_KINDS = (StepKind.CONSULT, StepKind.PROPOSE)
MERGEABLE_KINDS = (StepKind.DELIBERATE,)


@dataclass(frozen=True)
class StepSpec:
    kind: str
    label: str  # the step's name in this template
    meets: str = ""  # who meets (or where it is published)
    quorum_rule: str = "none"
    vote_rule: str = "none"
    mergeable: bool = False  # may be left out in a "一肩挑" organisation

    @property
    def quorum(self) -> Optional[Fraction]:
        return QUORUM_RULES.get(self.quorum_rule, QUORUM_RULES["none"])[1]

    @property
    def has_vote(self) -> bool:
        return self.vote_rule != "none" or self.quorum is not None

    @property
    def counts_required(self) -> bool:
        """due / present / for are required when the step is recorded on the platform."""
        return self.has_vote

    @property
    def is_publication(self) -> bool:
        return self.kind == StepKind.PUBLISH

    @property
    def rule_text(self) -> str:
        if not self.has_vote:
            return ""
        return "，".join(t for t in (QUORUM_RULES.get(self.quorum_rule, ("",))[0] if self.quorum_rule != "none" else "",
                                     VOTE_RULES.get(self.vote_rule, ("",))[0] if self.vote_rule != "none" else "") if t)

    def as_data(self, order: int) -> dict:
        return {"order": order, "kind": str(self.kind), "label": self.label, "meets": self.meets,
                "quorum_rule": self.quorum_rule, "vote_rule": self.vote_rule, "mergeable": self.mergeable}


@dataclass(frozen=True)
class Procedure:
    """A matter's procedure: the template's name and its ordered steps (step 1 is ``steps[0]``)."""

    name: str
    steps: tuple[StepSpec, ...]

    @property
    def label(self) -> str:
        return self.name

    def step(self, number: int) -> StepSpec:
        return self.steps[number - 1]

    @property
    def last(self) -> int:
        return len(self.steps)

    def numbers_of(self, kind: str) -> list[int]:
        return [n for n, s in enumerate(self.steps, start=1) if s.kind == kind]

    def as_data(self) -> list[dict]:
        return [s.as_data(n) for n, s in enumerate(self.steps, start=1)]


def spec_from_data(d: dict) -> StepSpec:
    return StepSpec(kind=d["kind"], label=d["label"], meets=d.get("meets") or "",
                    quorum_rule=d.get("quorum_rule") or "none", vote_rule=d.get("vote_rule") or "none",
                    mergeable=bool(d.get("mergeable")))


def procedure_from_data(name: str, steps: list[dict]) -> Procedure:
    """A Procedure from a template's rows or a matter's snapshot (dicts as ``StepSpec.as_data``)."""
    return Procedure(name, tuple(spec_from_data(d) for d in sorted(steps, key=lambda d: d["order"])))


# --- The two shipped templates (created as data by the migration; a county edits its copies) --------

_MEETS_PUBLISH = "村（居）务公开栏或其他媒介"
_TAIL = (
    StepSpec(StepKind.DELIBERATE, "两委会商议", "村（社区）党组织和村（居）民委员会联席会议", mergeable=True),
    StepSpec(StepKind.REVIEW, "党员大会审议", "党员大会（方案提前3天送达党员）", "two_thirds", "majority_of_due"),
    StepSpec(StepKind.RESOLVE, "村（居）民代表会议决议", "村（居）民代表会议或村（居）民会议", "two_thirds",
             "majority_of_due"),
    StepSpec(StepKind.PUBLISH, "决议公开", _MEETS_PUBLISH),
    StepSpec(StepKind.PUBLISH, "实施结果公开", _MEETS_PUBLISH),
)
SHIPPED_TEMPLATES: dict[str, tuple[str, Procedure]] = {
    "一征三议两公开": ("本县：征求意见、商议、审议、决议、决议公开、结果公开", Procedure("一征三议两公开", (
        StepSpec(StepKind.CONSULT, "征求意见", "村（居）民和党员（入户走访、座谈、意见箱）"),) + _TAIL)),
    "四议两公开": ("《关于加强和改进乡村治理的指导意见》（2019）：提议、商议、审议、决议、决议公开、结果公开",
               Procedure("四议两公开", (
                   StepSpec(StepKind.PROPOSE, "党组织提议", "村（社区）党组织（在听取党员和群众意见基础上）"),) + _TAIL)),
}
DEFAULT_TEMPLATE = "一征三议两公开"
# Keys of the code-defined templates of earlier versions (matters opened before templates were data).
LEGACY_KEYS = {"yizheng_sanyi": "一征三议两公开", "siyi_liangkai": "四议两公开"}


def template_names() -> list[str]:
    """The names of the county's templates (the database's; the shipped ones before it exists)."""
    from django.apps import apps
    from django.db import DatabaseError

    try:
        names = list(apps.get_model("governance", "ProcedureTemplate").objects.order_by("pk")
                     .values_list("name", flat=True))
    except (DatabaseError, LookupError):
        names = []
    return names or list(SHIPPED_TEMPLATES)


class TemplateParameter(RuleParameter):
    """The procedure template new matters follow: the name of one of the county's templates (the
    internal keys of earlier versions are accepted too). The page lists the templates by name."""

    @property
    def choices(self):  # noqa: D401 - a property standing in for the dataclass field
        return tuple((n, n) for n in template_names())

    @choices.setter
    def choices(self, value):
        pass  # the list comes from the database

    def coerce(self, raw: Any) -> Any:
        value = LEGACY_KEYS.get(str(raw).strip(), str(raw).strip())
        names = template_names()
        if value not in names:
            raise ValidationError(f"{self.label}：取值“{value}”无效，应为 {'或'.join(names)}")
        return value


declare(
    TemplateParameter(
        "governance.procedure_template", "村（社区）议事程序模板", str, DEFAULT_TEMPLATE,
        "《关于加强和改进乡村治理的指导意见》（2019）：四议两公开；本县：一征三议两公开",
        help="选择此后新建的议事事项所用的议事程序（“一征三议两公开”“四议两公开”或本县在“议事程序模板”页面"
             "编辑的模板）。已登记的事项保留登记时的程序，不受影响",
    ),
    RuleParameter(
        "governance.stalled_days", "议事事项停滞提示天数", int, 30,
        "本平台：距上一步骤超过该天数仍未进行下一步的事项列为“停滞”", minimum=1, maximum=365,
    ),
    RuleParameter(
        "governance.attachment_max_mb", "议事步骤附件大小上限（MB）", int, 20,
        "本平台：附件一律非必需（会议记录、签到表、公开栏照片等）", minimum=1, maximum=100,
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


def active_template_name() -> str:
    return get_setting("governance.procedure_template")


# --- The 议事事项 ledger's columns (ledger-sheets.md) ----------------------------------------------
# The sheet has six date columns in this order; each step of a template is written in the column of
# its kind (the first step, whatever its kind, in 征求意见日期; of two 公开 the last is 结果公开). A
# template fits the sheet when each column takes at most one step, in the columns' order.

LEDGER_COLUMNS = ("征求意见日期", "支部委员会商议日期", "党员大会审议日期", "代表会议决议日期", "决议公开日期", "结果公开日期")
COUNTED_COLUMN = "党员大会审议日期"  # the ledger keeps the counts of this step only
RESULT_COLUMN = "结果公开日期"  # a matter is decided (解决) on its date
_KIND_COLUMN = {StepKind.DELIBERATE: LEDGER_COLUMNS[1], StepKind.REVIEW: LEDGER_COLUMNS[2],
                StepKind.RESOLVE: LEDGER_COLUMNS[3]}


def ledger_columns(kinds: list[str]) -> list[Optional[str]]:
    """The ledger column of each step (None: the sheet has no column for it)."""
    out: list[Optional[str]] = []
    for i, kind in enumerate(kinds):
        if i == 0:
            out.append(LEDGER_COLUMNS[0])
        elif kind == StepKind.PUBLISH:
            out.append(RESULT_COLUMN if i == len(kinds) - 1 else LEDGER_COLUMNS[4])
        else:
            out.append(_KIND_COLUMN.get(kind))
    return out


# --- Validation of a template's steps --------------------------------------------------------------

def check_template_steps(steps: list[dict]) -> dict[str, list[str]]:
    """Faults of a template's steps, field-keyed (``steps``, or ``step<order>``) in Chinese.

    Each step is a dict with ``order`` (int), ``kind`` (a StepKind), ``label``, ``meets``,
    ``quorum_rule`` (a QUORUM_RULES key), ``vote_rule`` (a VOTE_RULES key) and ``mergeable``. Rules:
    kinds and rules from the fixed lists (a vote only at 审议/决议 steps, which need a vote rule),
    order numbers unique, the first step a 征求意见 or 提议, only a 商议 mergeable, at least one 审议
    before the 决议, 公开 last, and each step with its own column of the 议事事项 ledger.
    """
    errors: dict[str, list[str]] = {}

    def add(field, msg):
        errors.setdefault(field, []).append(msg)

    if not steps:
        add("steps", "议事程序至少应有一个步骤")
        return errors
    orders = [s.get("order") for s in steps]
    for s in steps:
        order, kind = s.get("order"), s.get("kind")
        quorum, vote = s.get("quorum_rule") or "none", s.get("vote_rule") or "none"
        field = f"step{order}"
        if not isinstance(order, int) or isinstance(order, bool) or order < 1:
            add("steps", f"步骤序号“{order}”应为正整数")
            continue
        if orders.count(order) > 1 and f"序号{order}重复" not in " ".join(errors.get("steps", [])):
            add("steps", f"步骤序号{order}重复")
        if kind not in StepKind.values:
            add(field, f"第{order}步的步骤类型“{kind}”无效，应为 {'、'.join(StepKind.values)} 之一")
        if quorum not in QUORUM_RULES:
            add(field, f"第{order}步的到会要求“{quorum}”无效，应为 {'、'.join(v[0] for v in QUORUM_RULES.values())} 之一")
        if vote not in VOTE_RULES:
            add(field, f"第{order}步的表决规则“{vote}”无效，应为 {'、'.join(v[0] for v in VOTE_RULES.values())} 之一")
        if kind in VOTING_KINDS and vote == "none":
            add(field, f"第{order}步（{kind}）应有表决规则")
        elif kind in StepKind.values and kind not in VOTING_KINDS and (vote != "none" or quorum != "none"):
            add(field, f"第{order}步（{kind}）不表决，到会要求和表决规则应为“不要求到会人数”“不表决”")
        if s.get("mergeable") and kind in StepKind.values and kind not in MERGEABLE_KINDS:
            add(field, f"第{order}步（{kind}）不能在“一肩挑”时并入：只有“商议”可以并入")
        if not str(s.get("label") or "").strip():
            add(field, f"第{order}步的步骤名称不能为空")
        elif len(str(s.get("label")).strip()) > 30:
            add(field, f"第{order}步的步骤名称最多30个字")
    if errors:
        return errors
    ordered = sorted(steps, key=lambda s: s["order"])
    kinds = [s["kind"] for s in ordered]
    if kinds[0] not in OPENING_KINDS:
        add("steps", f"第一步应为“征求意见”或“提议”（事项由此发起），不能是“{kinds[0]}”")
    if StepKind.RESOLVE not in kinds:
        add("steps", "议事程序应有“决议”步骤")
    elif StepKind.REVIEW not in kinds[: kinds.index(StepKind.RESOLVE)]:
        add("steps", "“决议”之前应至少有一个“审议”步骤")
    if kinds[-1] != StepKind.PUBLISH:
        add("steps", "最后一步应为“公开”")
    elif StepKind.PUBLISH in kinds[: kinds.index(StepKind.RESOLVE) if StepKind.RESOLVE in kinds else 0]:
        add("steps", "“公开”应在“决议”之后")
    if errors:
        return errors
    # Each step in its own column of the 议事事项 ledger, in the columns' order (ledger-sheets.md).
    taken: dict[str, int] = {}
    last_index = -1
    for s, column in zip(ordered, ledger_columns(kinds)):
        field = f"step{s['order']}"
        if column is None:
            add(field, f"第{s['order']}步（{s['kind']}）在《议事事项》台账中没有对应的列：“征求意见”“提议”只能是第一步")
        elif column in taken:
            add(field, f"第{s['order']}步与第{taken[column]}步都应记入《议事事项》台账的“{column}”列，台账每列只记一个步骤")
        else:
            index = LEDGER_COLUMNS.index(column)
            if index < last_index:
                add(field, f"第{s['order']}步（{s['kind']}）的顺序与《议事事项》台账各列的顺序"
                           f"（{'、'.join(c.removesuffix('日期') for c in LEDGER_COLUMNS)}）不一致")
            taken[column], last_index = s["order"], max(last_index, index)
    return errors


# --- Votes -------------------------------------------------------------------------------------

def quorum_met(due: int, present: int, share: Fraction = TWO_THIRDS, exact_enough: bool = True) -> bool:
    """At least ``share`` of those due present: 2/3 of 30 is 20, and 20 present is enough. With
    ``exact_enough`` False, more than the share is needed (过半数: 15 of 30 is not enough, 16 is)."""
    if exact_enough:
        return present * share.denominator >= due * share.numerator
    return present * share.denominator > due * share.numerator


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


QUORUM_FAILED = "会议不能表决"


def vote_outcome(spec: StepSpec, due: Optional[int], present: Optional[int],
                 in_favour: Optional[int]) -> tuple[Optional[bool], str]:
    """(passed, reason when not): None when the step has no vote or no counts were given. A reason
    about the quorum ends with ``QUORUM_FAILED``."""
    if not spec.has_vote or due is None or present is None or in_favour is None:
        return None, ""
    label, share, exact = QUORUM_RULES.get(spec.quorum_rule, QUORUM_RULES["none"])
    if share is not None and not quorum_met(due, present, share, exact):
        need = -(-due * share.numerator // share.denominator)
        if not exact and due * share.numerator % share.denominator == 0:
            need += 1
        words = "三分之二" if share == TWO_THIRDS else "半数"
        return False, f"实到{present}人，不足应到{due}人的{words}（至少{need}人），{QUORUM_FAILED}"
    base = VOTE_RULES.get(spec.vote_rule, VOTE_RULES["none"])[1]
    if base == "due" and not in_favour * 2 > due:
        return False, f"赞成{in_favour}票，未超过应到{due}人的半数"
    if base == "present" and not in_favour * 2 > present:
        return False, f"赞成{in_favour}票，未超过实到{present}人的半数"
    return True, ""


# --- Step order --------------------------------------------------------------------------------

def skippable(spec: StepSpec, one_shoulder: bool) -> bool:
    """A step a matter may leave out: a mergeable one in a "一肩挑" organisation."""
    return spec.mergeable and one_shoulder


def check_step_order(tpl: Procedure, dates: list[Optional[datetime.date]], *, one_shoulder: bool,
                     today: datetime.date) -> list[tuple[int, str]]:
    """Faults of a matter's dated steps (list index 0 = step 1): (step number, message).

    Steps are dated in order, none before the one before it, none in the future, and a step may be
    dated only when every earlier step is (in a "一肩挑" organisation a mergeable 商议 may be empty).
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
            if dates[j] is None and not skippable(prev, one_shoulder):
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
