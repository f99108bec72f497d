"""Every write of assessment and rectification: one durable transaction, the actor explicit, the audit
row inside. Views, the Excel import, the core hook (problems raised elsewhere), the demo and commands
call these. Refusals are ``ValidationError`` with field-keyed Chinese messages, or ``PermissionDenied``."""
from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any, Iterable, Optional

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from dangjian.core import audit, extensions
from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.core.rules import get_setting
from dangjian.core.scope import is_in_subtree
from dangjian.core.tree import STEP
from dangjian.core.dates import today  # one today(); tests and demos patch services.today
from dangjian.core.validation import raise_if as _raise_if
from dangjian.register.models import Organization

from . import rules, scoring
from .models import (
    STAFF_ROLES, SUPERIOR_ROLES, Debrief, Decision, Indicator, JointMeeting, ListItem, MeetingTask, Plan, PlanTarget,
    Problem, ProblemProgress, ResultUse, Score,
)
from .vocab import DecisionKind, IndicatorKind, ListKind, PlanKind, PlanStatus, ProblemSource, UseKind, Verdict

A = AuditLog.Action


def _require_org(org: Organization, actor: Actor, roles=STAFF_ROLES, what="操作") -> None:
    user = actor.user
    if user is None or user.is_superuser:
        return
    if user.role not in roles or not is_in_subtree(org, user.scope_path):
        raise PermissionDenied(f"您不能对“{org.name}”{what}")


def _require_superior(problem: Problem, actor: Actor, what: str) -> None:
    """Verification, sign-off and 回头看 are the superior's: the staff above the organisation, not its own."""
    user = actor.user
    if user is None or user.is_superuser:
        return
    if user.role not in SUPERIOR_ROLES or not is_in_subtree(problem.organization, user.scope_path) \
            or (problem.organization_id == user.organization_id and user.role != "county_admin"):
        raise PermissionDenied(f"{what}由上级党组织（组织员或县委组织部）进行")


def _log(actor, action, obj, changes=None, note="", repr_=None):
    audit.record(actor=actor, action=action, obj=obj, object_repr=repr_ or str(obj), changes=changes or {}, note=note)


# --- 整改台账 -------------------------------------------------------------------------------------

def refresh_recurrence(pairs: Iterable[tuple[int, str]]) -> int:
    """Recompute 反复出现 for the problems of each (organisation, category); returns how many changed."""
    pairs = set(pairs)
    if not pairs:
        return 0
    days = rules.recurrence_days()
    groups: dict[tuple[int, str], list[Problem]] = defaultdict(list)
    org_ids = {o for o, _ in pairs}
    for p in Problem.objects.filter(organization_id__in=org_ids).only("id", "organization_id", "category", "found_on",
                                                                     "recurring"):
        if (p.organization_id, p.category) in pairs:
            groups[(p.organization_id, p.category)].append(p)
    changed = []
    for items in groups.values():
        for p, flag in zip(items, rules.recurring_flags([p.found_on for p in items], days)):
            if p.recurring != flag:
                p.recurring = flag
                changed.append(p)
    Problem.objects.bulk_update(changed, ["recurring"], batch_size=1000)
    return len(changed)


def _new_number(day: datetime.date) -> str:
    prefix = f"ZG{day:%Y}"
    last = (Problem.objects.filter(number__startswith=prefix, number__regex=r"^ZG\d{4}-\d+$")
            .order_by("-number").values_list("number", flat=True).first())
    n = int(last.split("-")[1]) + 1 if last else 1
    return f"{prefix}-{n:04d}"


def check_problem(fields: dict[str, Any], day: datetime.date) -> None:
    errors = rules.check_problem_dates(fields.get("found_on"), fields.get("deadline"), fields.get("completed_on"), day)
    errors["source"] = rules.check_source(fields.get("source"))
    errors["category"] = rules.check_category(fields.get("category"))
    for name, label in (("description", "问题描述"), ("responsible", "责任人"), ("found_on", "发现日期"),
                        ("deadline", "整改时限")):
        if not fields.get(name):
            errors.setdefault(name, []).append(f"请填写{label}")
    _raise_if(errors)


PROBLEM_FIELDS = ("source", "category", "description", "standard", "found_on", "deadline", "measures", "responsible")


def _create_problem(*, actor: Actor, organization: Organization, number: Optional[str] = None,
                    origin: Optional[str] = None, plan=None, debrief=None, **fields) -> Problem:
    fields = {k: fields.get(k) or ("" if k not in ("found_on", "deadline") else None) for k in PROBLEM_FIELDS}
    check_problem(fields, today())
    if number and Problem.objects.filter(number=number).exists():
        raise ValidationError({"number": [f"问题编号“{number}”已存在"]})
    p = Problem.objects.create(organization=organization, number=number or _new_number(fields["found_on"]),
                               origin=origin, plan=plan, debrief=debrief, **fields)
    refresh_recurrence([(organization.pk, p.category)])
    p.refresh_from_db()
    _log(actor, A.CREATED, p, {k: [None, getattr(p, k)] for k in ("number", "source", "category", "description",
                                                                    "found_on", "deadline", "responsible")})
    return p


@transaction.atomic(durable=True)
def create_problem(*, actor: Actor, organization: Organization, **fields) -> Problem:
    _require_org(organization, actor, SUPERIOR_ROLES, "登记整改问题")
    return _create_problem(actor=actor, organization=organization, **fields)


@transaction.atomic(durable=True)
def update_problem(problem: Problem, *, actor: Actor, **fields) -> Problem:
    problem = Problem.objects.select_for_update().select_related("organization").get(pk=problem.pk)
    _require_org(problem.organization, actor, SUPERIOR_ROLES, "修改整改问题")
    if problem.signed_off_on:
        raise ValidationError({"__all__": ["已销号的问题不能修改"]})
    before = audit.snapshot(problem, PROBLEM_FIELDS)
    merged = {**{k: getattr(problem, k) for k in PROBLEM_FIELDS}, **fields, "completed_on": problem.completed_on}
    check_problem(merged, today())
    for k in PROBLEM_FIELDS:
        setattr(problem, k, merged[k])
    problem.save()
    refresh_recurrence({(problem.organization_id, problem.category), (problem.organization_id, before["category"])})
    _log(actor, A.CHANGED, problem, audit.diff(before, audit.snapshot(problem, PROBLEM_FIELDS)))
    return problem


@transaction.atomic(durable=True)
def report_progress(problem: Problem, *, actor: Actor, day: datetime.date, text: str,
                    completed: bool = False) -> Problem:
    """The organisation reports progress; ``completed`` records 整改完成 on ``day``."""
    problem = Problem.objects.select_for_update().select_related("organization").get(pk=problem.pk)
    _require_org(problem.organization, actor, STAFF_ROLES, "报告整改进展")
    text = (text or "").strip()
    errors = {"text": [] if text else ["请填写整改进展"], "day": rules.check_not_future(day, today(), "日期")}
    if day and day < problem.found_on:
        errors["day"].append(f"日期{day:%Y-%m-%d}早于发现日期{problem.found_on:%Y-%m-%d}")
    if problem.signed_off_on:
        errors["__all__"] = ["该问题已销号"]
    _raise_if(errors)
    ProblemProgress.objects.create(problem=problem, day=day, kind="整改完成" if completed else "进展", text=text,
                                   author_name=actor.display_name)
    changes = {"整改进展": [None, text]}
    if completed:
        changes["completed_on"] = [problem.completed_on, day]
        problem.completed_on = day
        if problem.verdict == Verdict.FAILED:  # rectified again after a failed verification: verify anew
            changes["verdict"] = [problem.verdict, ""]
            problem.verdict, problem.verified_on = "", None
        problem.save()
    _log(actor, A.CHANGED, problem, changes, note="整改进展")
    return problem


@transaction.atomic(durable=True)
def verify(problem: Problem, *, actor: Actor, verified_on: datetime.date, verdict: str, note: str = "") -> Problem:
    """复查: the superior checks the rectification on the spot; a failed one sends it back to work."""
    problem = Problem.objects.select_for_update().select_related("organization").get(pk=problem.pk)
    _require_superior(problem, actor, "复查")
    errors = rules.check_verification(problem.completed_on, verified_on, verdict, today())
    if problem.signed_off_on:
        errors["__all__"] = ["该问题已销号"]
    _raise_if(errors)
    before = audit.snapshot(problem, ("verified_on", "verdict", "verification_note"))
    problem.verified_on, problem.verdict, problem.verification_note = verified_on, verdict, (note or "").strip()
    problem.save()
    ProblemProgress.objects.create(problem=problem, day=verified_on, kind="复查", author_name=actor.display_name,
                                   text=f"复查{verdict}" + (f"：{problem.verification_note}" if problem.verification_note else ""))
    _log(actor, A.CHANGED, problem, audit.diff(before, audit.snapshot(problem, ("verified_on", "verdict",
                                                                               "verification_note"))), note="复查")
    return problem


@transaction.atomic(durable=True)
def sign_off(problem: Problem, *, actor: Actor, day: datetime.date) -> Problem:
    """销号: only after a 复查 that passed, not before its day."""
    problem = Problem.objects.select_for_update().select_related("organization").get(pk=problem.pk)
    _require_superior(problem, actor, "销号")
    if problem.signed_off_on:
        raise ValidationError({"__all__": ["该问题已销号"]})
    _raise_if({"signed_off_on": rules.check_sign_off(problem.verified_on, problem.verdict, day, today())})
    problem.signed_off_on = day
    problem.save()
    ProblemProgress.objects.create(problem=problem, day=day, kind="销号", text="销号", author_name=actor.display_name)
    _log(actor, A.CHANGED, problem, {"signed_off_on": [None, day]}, note="销号")
    return problem


def lookback_due(problem: Problem) -> Optional[datetime.date]:
    if not problem.signed_off_on:
        return None
    return problem.signed_off_on + datetime.timedelta(days=get_setting("assessment.lookback_days"))


@transaction.atomic(durable=True)
def record_lookback(problem: Problem, *, actor: Actor, day: datetime.date, note: str, held: bool) -> Problem:
    """回头看 after sign-off; when the problem is back, it is entered again (and shows as 反复出现)."""
    problem = Problem.objects.select_for_update().select_related("organization").get(pk=problem.pk)
    _require_superior(problem, actor, "回头看")
    note = (note or "").strip()
    errors = {"day": rules.check_not_future(day, today(), "回头看日期"), "note": [] if note else ["请填写回头看情况"]}
    if not problem.signed_off_on:
        errors["__all__"] = ["尚未销号的问题不开展回头看"]
    elif day and day < problem.signed_off_on:
        errors["day"].append(f"回头看日期{day:%Y-%m-%d}早于销号日期{problem.signed_off_on:%Y-%m-%d}")
    _raise_if(errors)
    problem.lookback_on, problem.lookback_note = day, note + ("" if held else "（问题反弹）")
    problem.save()
    ProblemProgress.objects.create(problem=problem, day=day, kind="回头看", text=problem.lookback_note,
                                   author_name=actor.display_name)
    _log(actor, A.CHANGED, problem, {"lookback_on": [None, day], "lookback_note": [None, problem.lookback_note]},
         note="回头看")
    if not held:
        _create_problem(actor=actor, organization=problem.organization, source=ProblemSource.SUPERVISION,
                        category=problem.category, description=f"回头看发现问题反弹：{problem.description}",
                        found_on=day, deadline=day + datetime.timedelta(days=30), responsible=problem.responsible,
                        measures=problem.measures)
    return problem


def escalation_target(problem: Problem, day: datetime.date) -> Optional[Organization]:
    """The level an overdue item has climbed to on ``day`` (None: not overdue)."""
    levels = rules.escalation_levels(problem.deadline, day, get_setting("assessment.escalation_days"))
    if not levels or not problem.is_overdue(day):
        return None
    path = problem.organization.path
    depth = len(path) // STEP
    up = min(levels, depth - 1)
    return Organization.objects.filter(path=path[: len(path) - STEP * up]).first() if up else None


@transaction.atomic(durable=True)
def escalate_overdue(*, actor: Actor, day: Optional[datetime.date] = None) -> int:
    """Overdue items climb to the next level (one level on the first overdue day, one more every
    ``assessment.escalation_days``). Returns how many moved."""
    day = day or today()
    every = get_setting("assessment.escalation_days")
    moved = []
    qs = Problem.objects.overdue_on(day).select_related("organization", "escalated_to")
    paths = {}
    for p in qs:
        levels = rules.escalation_levels(p.deadline, day, every)
        path = p.organization.path
        up = min(levels, len(path) // STEP - 1)
        if up <= 0:
            continue
        paths[p.pk] = path[: len(path) - STEP * up]
    orgs = {o.path: o for o in Organization.objects.filter(path__in=set(paths.values()))}
    entries = []
    for p in qs:
        target = orgs.get(paths.get(p.pk))
        if target is None or p.escalated_to_id == target.pk:
            continue
        entries.append(audit.audit_entry(actor=actor, action=A.CHANGED, object_type="assessment.problem",
                                         object_id=str(p.pk), object_repr=str(p)[:255], scope_path=p.organization.path,
                                         changes={"escalated_to": [str(p.escalated_to or "") or None, target.name]},
                                         note="逾期上报"))
        p.escalated_to, p.escalated_on = target, day
        moved.append(p)
    Problem.objects.bulk_update(moved, ["escalated_to", "escalated_on"], batch_size=1000)
    AuditLog.objects.bulk_create(entries, batch_size=1000)
    return len(moved)


# The core hook: problems raised by other apps (orglife's 调阅 整改要求) land here, in their transaction.

def receive_problem(problem: extensions.RaisedProblem, *, actor) -> Optional[Problem]:
    if problem.origin and Problem.objects.filter(origin=problem.origin).exists():
        return None
    org = Organization.objects.get(pk=problem.organization_id)
    deadline = problem.deadline or problem.found_on + datetime.timedelta(days=30)
    return _create_problem(actor=actor, organization=org, origin=problem.origin, source=problem.source,
                           category=problem.category, description=problem.description, found_on=problem.found_on,
                           deadline=deadline, responsible=problem.responsible or "党组织书记")


def receive_answer(origin: str, text: str, day: datetime.date, *, actor) -> None:
    problem = Problem.objects.filter(origin=origin, signed_off_on__isnull=True).first()
    if problem is None:
        return
    ProblemProgress.objects.create(problem=problem, day=day, kind="整改完成", text=text, author_name=actor.display_name)
    if problem.completed_on is None:
        problem.completed_on = day
        problem.save(update_fields=["completed_on"])
    _log(actor, A.CHANGED, problem, {"completed_on": [None, day]}, note="调阅整改答复")


# --- Plans ----------------------------------------------------------------------------------------

def _require_plan_owner(plan: Plan, actor: Actor) -> None:
    _require_org(plan.owner, actor, SUPERIOR_ROLES, "制定或管理考核")


@transaction.atomic(durable=True)
def create_plan(*, actor: Actor, owner: Organization, name: str, kind: str, date_from, date_to,
                bottom_places: Optional[int] = None) -> Plan:
    _require_org(owner, actor, SUPERIOR_ROLES, "制定考核方案")
    name = (name or "").strip()
    errors = {"name": [] if name else ["请填写考核方案名称"],
              "kind": [] if kind in PlanKind.values else ["请选择考核类别"],
              "date_to": [] if date_from and date_to and date_to >= date_from else ["考核期间的结束日期不能早于开始日期"]}
    _raise_if(errors)
    plan = Plan.objects.create(owner=owner, name=name, kind=kind, date_from=date_from, date_to=date_to,
                               bottom_places=bottom_places or get_setting("assessment.bottom_places"))
    _log(actor, A.CREATED, plan, {"name": [None, name], "kind": [None, plan.get_kind_display()]})
    return plan


@transaction.atomic(durable=True)
def add_indicator(plan: Plan, *, actor: Actor, area: str, name: str, points, kind: str, computed_key: str = "",
                  deduction_per_item=None, rule: str = "", check_method: str = "") -> Indicator:
    _require_plan_owner(plan, actor)
    known = {i.key: i.label for i in extensions.computed_indicators()}
    area, name = (area or "").strip(), (name or "").strip()
    errors = rules.check_indicator_definition(name, kind, points, computed_key, check_method, rule, known)
    errors["area"] = [] if area else ["请填写考核方面"]
    if not name:
        errors["name"].append("请填写指标名称")
    if kind not in IndicatorKind.values:
        errors["kind"] = ["请选择评分方式"]
    if kind == IndicatorKind.DEDUCTION and (deduction_per_item is None or Decimal(deduction_per_item) <= 0):
        errors["deduction_per_item"] = ["按项扣分的指标须填写每项扣分（大于0）"]
    if plan.status != PlanStatus.DRAFT:
        errors["__all__"] = ["考核方案已开始评分，不能再修改指标"]
    _raise_if(errors)
    ind = Indicator.objects.create(plan=plan, area=area, name=name, points=Decimal(points), kind=kind,
                                   computed_key=computed_key if kind == IndicatorKind.COMPUTED else "",
                                   deduction_per_item=deduction_per_item if kind == IndicatorKind.DEDUCTION else None,
                                   rule=rule or "", check_method=check_method or "", order=plan.indicators.count() + 1)
    _log(actor, A.CHANGED, plan, {"指标": [None, f"{area}／{name}（{points}分）"]}, note="新增指标")
    return ind


@transaction.atomic(durable=True)
def remove_indicator(indicator: Indicator, *, actor: Actor) -> None:
    plan = Plan.objects.select_for_update().select_related("owner").get(pk=indicator.plan_id)
    _require_plan_owner(plan, actor)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError({"__all__": ["考核方案已开始评分，不能再删除指标"]})
    label = f"{indicator.area}／{indicator.name}（{indicator.points}分）"
    indicator.delete()
    _log(actor, A.CHANGED, plan, {"指标": [label, None]}, note="删除指标")


@transaction.atomic(durable=True)
def add_targets(plan: Plan, *, actor: Actor, organizations: Iterable[Organization], peer_group: str = "") -> int:
    _require_plan_owner(plan, actor)
    peer_group = (peer_group or "").strip()
    orgs = list(organizations)
    errors = {"organizations": [] if orgs else ["请选择被考核党组织"]}
    for o in orgs:
        if not is_in_subtree(o, plan.owner) or o.pk == plan.owner_id:
            errors["organizations"].append(f"“{o.name}”不是“{plan.owner.name}”的下级组织")
    if plan.status in (PlanStatus.PUBLISHED, PlanStatus.CLOSED):
        errors["__all__"] = ["考核结果已公布，不能再增加被考核组织"]
    _raise_if(errors)
    existing = set(plan.targets.values_list("organization_id", flat=True))
    new = [PlanTarget(plan=plan, organization=o, peer_group=peer_group) for o in orgs if o.pk not in existing]
    PlanTarget.objects.bulk_create(new)
    _log(actor, A.CHANGED, plan, {"被考核组织": [None, f"{peer_group or '（不分组）'}：{len(new)}个"]}, note="被考核组织")
    return len(new)


def _set_status(plan: Plan, actor: Actor, status: str, **extra) -> Plan:
    before = plan.get_status_display()
    plan.status = status
    for k, v in extra.items():
        setattr(plan, k, v)
    plan.save()
    _log(actor, A.CHANGED, plan, {"status": [before, plan.get_status_display()]})
    return plan


@transaction.atomic(durable=True)
def start_scoring(plan: Plan, *, actor: Actor) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require_plan_owner(plan, actor)
    errors = []
    if plan.status != PlanStatus.DRAFT:
        errors.append("只有制定中的方案可以开始评分")
    if not plan.indicators.exists():
        errors.append("请先设置考核指标")
    if not plan.targets.exists():
        errors.append("请先选择被考核党组织")
    _raise_if({"__all__": errors})
    return _set_status(plan, actor, PlanStatus.SCORING)


@transaction.atomic(durable=True)
def publish(plan: Plan, *, actor: Actor, day: Optional[datetime.date] = None) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require_plan_owner(plan, actor)
    if plan.status != PlanStatus.SCORING:
        raise ValidationError({"__all__": ["只有评分中的方案可以公布结果"]})
    sheet = scoring.compute(plan)
    missing = sheet.unscored
    if missing:
        raise ValidationError({"__all__": [f"还有{missing}项考核组评分未完成，不能公布"]})
    return _set_status(plan, actor, PlanStatus.PUBLISHED, published_on=day or today())


@transaction.atomic(durable=True)
def close_plan(plan: Plan, *, actor: Actor, day: Optional[datetime.date] = None) -> Plan:
    """The closing guard: every flagged bottom place needs an accountability decision first."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require_plan_owner(plan, actor)
    if plan.status != PlanStatus.PUBLISHED:
        raise ValidationError({"__all__": ["只有已公布结果的方案可以结束"]})
    undecided = [r.organization.name for r in scoring.compute(plan).flagged() if r.decision is None]
    if undecided:
        raise ValidationError({"__all__": [
            f"排序末位的“{'、'.join(undecided)}”尚未登记问责决定（约谈、通报批评、问责，或写明不予问责的理由），不能结束考核"]})
    return _set_status(plan, actor, PlanStatus.CLOSED, closed_on=day or today())


def _indicator_of(target: PlanTarget, indicator: Indicator) -> None:
    if indicator.plan_id != target.plan_id:
        raise ValidationError({"indicator": ["该指标不属于这个考核方案"]})


@transaction.atomic(durable=True)
def self_assess(target: PlanTarget, indicator: Indicator, *, actor: Actor, self_score, note: str = "") -> Score:
    target = PlanTarget.objects.select_related("plan__owner", "organization").get(pk=target.pk)
    _require_org(target.organization, actor, STAFF_ROLES, "自评")
    _indicator_of(target, indicator)
    value = None if self_score in (None, "") else Decimal(self_score)
    errors = {"self_score": rules.check_score(value, indicator.points, "自评分")}
    if target.plan.status != PlanStatus.SCORING:
        errors["__all__"] = ["考核方案不在自评和评分阶段"]
    _raise_if(errors)
    score, _ = Score.objects.get_or_create(target=target, indicator=indicator)
    before = score.self_score
    score.self_score, score.self_note = value, (note or "").strip()
    score.save()
    _log(actor, A.CHANGED, target, {str(indicator): [before, value]}, note="自评")
    return score


@transaction.atomic(durable=True)
def score_indicator(target: PlanTarget, indicator: Indicator, *, actor: Actor, score=None, faults=None,
                    comment: str = "", evidence: str = "") -> Score:
    """An assessor's score (scored indicator) or the faults found (deduction indicator), with a comment."""
    target = PlanTarget.objects.select_related("plan__owner", "organization").get(pk=target.pk)
    _require_plan_owner(target.plan, actor)
    _indicator_of(target, indicator)
    errors: dict[str, list[str]] = {"score": [], "faults": [], "__all__": []}
    if target.plan.status != PlanStatus.SCORING:
        errors["__all__"].append("考核方案不在自评和评分阶段")
    if indicator.kind == IndicatorKind.COMPUTED:
        errors["__all__"].append("该指标由平台数据自动计算，不由考核组评分")
    value = None
    if indicator.kind == IndicatorKind.SCORED:
        if score in (None, ""):
            errors["score"].append("请填写评分")
        else:
            value = Decimal(score)
            errors["score"] += rules.check_score(value, indicator.points)
    if indicator.kind == IndicatorKind.DEDUCTION:
        if faults in (None, "") or int(faults) < 0:
            errors["faults"].append("请填写扣分项数（不小于0的整数）")
        else:
            value = rules.deduction_score(indicator.points, indicator.deduction_per_item, int(faults))
    _raise_if(errors)
    s, _ = Score.objects.get_or_create(target=target, indicator=indicator)
    before = s.score
    s.score, s.faults = value, (int(faults) if indicator.kind == IndicatorKind.DEDUCTION else None)
    s.comment, s.evidence, s.scored_by_name = (comment or "").strip(), (evidence or "").strip(), actor.display_name
    s.save()
    _log(actor, A.CHANGED, target, {str(indicator): [before, value]}, note="考核评分")
    return s


@transaction.atomic(durable=True)
def record_decision(target: PlanTarget, *, actor: Actor, kind: str, reason: str, decided_on) -> Decision:
    target = PlanTarget.objects.select_related("plan__owner", "organization").get(pk=target.pk)
    _require_plan_owner(target.plan, actor)
    reason = (reason or "").strip()
    errors = {"kind": [] if kind in DecisionKind.values else ["请选择问责决定"],
              "reason": [] if reason else ["请填写决定内容" + ("（不予问责须写明理由）" if kind == DecisionKind.NONE else "")],
              "decided_on": rules.check_not_future(decided_on, today(), "决定日期") if decided_on else ["请填写决定日期"]}
    if target.plan.status not in (PlanStatus.PUBLISHED,):
        errors["__all__"] = ["考核结果公布后、考核结束前登记问责决定"]
    _raise_if(errors)
    decision, created = Decision.objects.update_or_create(
        target=target, defaults=dict(kind=kind, reason=reason, decided_on=decided_on, decided_by_name=actor.display_name))
    _log(actor, A.CHANGED, target, {"问责决定": [None, f"{kind}：{reason}"]}, note="末位问责决定")
    return decision


@transaction.atomic(durable=True)
def record_use(plan: Plan, *, actor: Actor, kind: str, decision: str, decided_on, decided_by: str,
               organization: Optional[Organization] = None) -> ResultUse:
    plan = Plan.objects.select_related("owner").get(pk=plan.pk)
    user = actor.user
    if user is not None and not user.is_superuser and (user.role not in SUPERIOR_ROLES
                                                       or not Plan.objects.for_user(user).filter(pk=plan.pk).exists()):
        raise PermissionDenied("只有组织员和县委组织部可以登记考核结果运用")
    decision, decided_by = (decision or "").strip(), (decided_by or "").strip()
    errors = {"kind": [] if kind in UseKind.values else ["请选择运用方式"],
              "decision": [] if decision else ["请填写决定事项"],
              "decided_by": [] if decided_by else ["请填写决定机关"],
              "decided_on": rules.check_not_future(decided_on, today(), "决定日期") if decided_on else ["请填写决定日期"]}
    if plan.status not in (PlanStatus.PUBLISHED, PlanStatus.CLOSED):
        errors["__all__"] = ["考核结果公布后才能运用"]
    if organization is not None and not plan.targets.filter(organization=organization).exists():
        errors["organization"] = [f"“{organization.name}”不是该方案的被考核组织"]
    _raise_if(errors)
    use = ResultUse.objects.create(plan=plan, organization=organization, kind=kind, decision=decision,
                                   decided_on=decided_on, decided_by=decided_by)
    _log(actor, A.CHANGED, plan, {"结果运用": [None, f"{kind}：{decision}"]}, note="考核结果运用")
    return use


# --- 述职评议 ----------------------------------------------------------------------------------------

@transaction.atomic(durable=True)
def record_debrief(*, actor: Actor, organization: Organization, year: int, secretary: str, held_on, report: str,
                   comment: str = "", votes: dict[str, int] | None = None, problems: Iterable[str] = (),
                   category: str = "制度落实", deadline=None) -> Debrief:
    """A secretary's 述职评议: report, the superior's comment, the vote; each problem named goes into
    the rectification ledger (source 述职评议)."""
    if organization.parent_id is None:
        raise ValidationError({"organization": ["县委书记的述职不在本平台登记"]})
    _require_org(organization.parent, actor, SUPERIOR_ROLES, "组织述职评议")
    votes = {k: int(v or 0) for k, v in (votes or {}).items()}
    problems = [p.strip() for p in problems if p and p.strip()]
    secretary, report = (secretary or "").strip(), (report or "").strip()
    errors = {"secretary": [] if secretary else ["请填写述职书记"], "report": [] if report else ["请填写述职报告"],
              "held_on": rules.check_not_future(held_on, today(), "评议日期") if held_on else ["请填写评议日期"],
              "votes": ["票数不能为负数"] if any(v < 0 for v in votes.values()) else [],
              "deadline": [], "category": rules.check_category(category) if problems else []}
    if problems and not deadline:
        errors["deadline"].append("有问题清单时须填写整改时限")
    if problems and deadline and held_on and deadline < held_on:
        errors["deadline"].append(f"整改时限{deadline:%Y-%m-%d}早于评议日期{held_on:%Y-%m-%d}")
    if Debrief.objects.filter(organization=organization, year=year).exists():
        errors["year"] = [f"{organization.name}{year}年度的述职评议已登记"]
    _raise_if(errors)
    d = Debrief.objects.create(
        organization=organization, year=year, secretary=secretary, held_on=held_on, report=report,
        comment=(comment or "").strip(), votes_good=votes.get("好", 0), votes_fairly_good=votes.get("较好", 0),
        votes_average=votes.get("一般", 0), votes_poor=votes.get("差", 0),
        grade=rules.debrief_grade(votes.get("好", 0), votes.get("较好", 0), votes.get("一般", 0), votes.get("差", 0)))
    _log(actor, A.CREATED, d, {"secretary": [None, secretary], "grade": [None, d.grade]})
    for text in problems:
        _create_problem(actor=actor, organization=organization, debrief=d, source=ProblemSource.DEBRIEF,
                        category=category, description=text, found_on=held_on, deadline=deadline,
                        responsible=secretary)
    return d


# --- 三单 -------------------------------------------------------------------------------------------

@transaction.atomic(durable=True)
def add_list_item(*, actor: Actor, organization: Organization, year: int, kind: str, content: str, owner: str,
                  deadline=None) -> ListItem:
    _require_org(organization, actor, STAFF_ROLES, "登记三单")
    content, owner = (content or "").strip(), (owner or "").strip()
    errors = {"kind": [] if kind in ListKind.values else ["请选择清单"], "content": [] if content else ["请填写内容"],
              "owner": [] if owner else ["请填写责任人"],
              "year": [] if year and 2000 <= int(year) <= 2100 else ["请填写年度"]}
    _raise_if(errors)
    item = ListItem.objects.create(organization=organization, year=year, kind=kind, content=content, owner=owner,
                                   deadline=deadline)
    _log(actor, A.CREATED, item, {"kind": [None, kind], "content": [None, content]}, repr_=f"{year}年{kind}：{content}")
    return item


@transaction.atomic(durable=True)
def complete_list_item(item: ListItem, *, actor: Actor, day) -> ListItem:
    _require_org(item.organization, actor, STAFF_ROLES, "登记三单")
    _raise_if({"done_on": rules.check_not_future(day, today(), "完成日期") if day else ["请填写完成日期"]})
    item.done_on = day
    item.save()
    _log(actor, A.CHANGED, item, {"done_on": [None, day]}, repr_=f"{item.year}年{item.kind}：{item.content}")
    return item


# --- 党建工作联席例会 --------------------------------------------------------------------------------

def open_tasks_before(organization: Organization, day: datetime.date):
    """Tasks of earlier meetings of the same organisation not done before ``day``: followed up at the meeting."""
    return (MeetingTask.objects.filter(meeting__organization=organization, meeting__held_on__lt=day)
            .exclude(done_on__lt=day).exclude(followed_up_at__held_on__lt=day, done_on__isnull=False)
            .select_related("meeting").order_by("deadline", "id"))


@transaction.atomic(durable=True)
def record_meeting(*, actor: Actor, organization: Organization, held_on, theme: str, attendance: str,
                   progress: str = "", tasks: Iterable[dict] = ()) -> JointMeeting:
    _require_org(organization, actor, SUPERIOR_ROLES, "召开联席例会")
    theme, attendance = (theme or "").strip(), (attendance or "").strip()
    tasks = [t for t in tasks if (t.get("content") or "").strip()]
    errors = {"theme": [] if theme else ["请填写主题"], "attendance": [] if attendance else ["请填写出席单位和人员"],
              "held_on": rules.check_not_future(held_on, today(), "召开日期") if held_on else ["请填写召开日期"],
              "tasks": []}
    for i, t in enumerate(tasks, start=1):
        if not (t.get("owner") or "").strip():
            errors["tasks"].append(f"第{i}项任务：请填写责任单位（人）")
        if not t.get("deadline"):
            errors["tasks"].append(f"第{i}项任务：请填写完成时限")
        elif held_on and t["deadline"] < held_on:
            errors["tasks"].append(f"第{i}项任务：完成时限早于召开日期")
    _raise_if(errors)
    m = JointMeeting.objects.create(organization=organization, held_on=held_on, theme=theme, attendance=attendance,
                                    progress=(progress or "").strip())
    MeetingTask.objects.bulk_create([MeetingTask(meeting=m, content=t["content"].strip(), owner=t["owner"].strip(),
                                                 deadline=t["deadline"]) for t in tasks])
    # The earlier meetings' open tasks are put on this meeting's agenda (followed up automatically).
    MeetingTask.objects.filter(pk__in=[t.pk for t in open_tasks_before(organization, held_on)]).update(followed_up_at=m)
    _log(actor, A.CREATED, m, {"theme": [None, theme], "布置任务": [None, len(tasks)]})
    return m


@transaction.atomic(durable=True)
def follow_up_task(task: MeetingTask, *, actor: Actor, note: str, done_on=None) -> MeetingTask:
    _require_org(task.meeting.organization, actor, SUPERIOR_ROLES, "跟进例会任务")
    note = (note or "").strip()
    errors = {"note": [] if note else ["请填写跟进情况"],
              "done_on": rules.check_not_future(done_on, today(), "完成日期")}
    if done_on and done_on < task.meeting.held_on:
        errors["done_on"].append("完成日期早于布置任务的例会")
    _raise_if(errors)
    task.follow_up, task.done_on = note, done_on
    task.save()
    _log(actor, A.CHANGED, task.meeting, {"例会任务": [task.content, f"{note}" + (f"（{done_on}完成）" if done_on else "")]},
         note="例会任务跟进")
    return task
