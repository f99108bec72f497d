"""Every write of governance: one durable transaction, the actor explicit, the audit row inside.

Views, the Excel import (through the same ``check_*`` functions), the demo and commands call these.
``check_*`` validate plain values and return field-keyed Chinese messages; the services raise them
as ``ValidationError`` so that nothing is half-written.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from dangjian.core import audit
from dangjian.core.actor import Actor
from dangjian.core.extensions import one_shoulder_org_ids
from dangjian.core.models import AuditLog
from dangjian.core.scope import ensure_in_scope
from dangjian.core.dates import today  # one today(); tests and demos patch services.today
from dangjian.core.validation import raise_if as _raise_if
from dangjian.register.models import Division, Organization

from . import rules
from .models import (
    Dispute, FourWindsCase, Matter, MatterStep, ProcedureStep, ProcedureTemplate, ServiceItem, ServiceRequest,
    StepAttachment,
)
from .vocab import (
    LEVEL_ABOVE, CaseCategory, DisputeCategory, DisputeResult, MatterCategory, MatterStatus, MeetingForm,
    MotionOrigin, ServiceLevel,
)

Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check_choice(errors: Errors, field: str, label: str, value: Any, choices, required: bool = True) -> None:
    if not value:
        if required:
            _add(errors, field, f"{label}不能为空")
        return
    if value not in choices.values:
        _add(errors, field, f"{label}“{value}”不是规定的取值，应为：{'、'.join(choices.values)}")


def _check_not_future(errors: Errors, field: str, label: str, day: Optional[datetime.date], now: datetime.date):
    if day is not None and day > now:
        _add(errors, field, f"{label}{day:%Y-%m-%d}晚于今天")


def _after(errors: Errors, field: str, label: str, day, before_label: str, before, strict: bool = False) -> None:
    if day is None or before is None:
        return
    if day < before or (strict and day == before):
        word = "晚于" if strict else "不早于"
        _add(errors, field, f"{label}{day:%Y-%m-%d}应{word}{before_label}{before:%Y-%m-%d}")


def _may_change(obj, actor: Actor) -> None:
    if actor.user is not None:
        ensure_in_scope(obj, actor.user)


# --- Matters ---------------------------------------------------------------------------------------

def check_matter_org(org: Optional[Organization]) -> list[str]:
    if org is None:
        return ["所在党组织不能为空"]
    if org.unit_type not in rules.VILLAGE_UNIT_TYPES:
        return [f"议事事项由村（社区）党组织登记，“{org.name}”的单位类别是{org.unit_type}"]
    if not org.is_active:
        return [f"党组织“{org.name}”已停用"]
    return []


def check_matter(*, organization, name: str, category: str, origin: str, opened_on, instance=None,
                 now: Optional[datetime.date] = None) -> Errors:
    now = now or today()
    errors: Errors = {}
    for msg in check_matter_org(organization):
        _add(errors, "organization", msg)
    if not name:
        _add(errors, "name", "事项名称不能为空")
    elif len(name) > 200:
        _add(errors, "name", "事项名称最多200个字")
    _check_choice(errors, "category", "事项类别", category, MatterCategory)
    _check_choice(errors, "origin", "提议来源", origin, MotionOrigin, required=False)
    if opened_on is None:
        _add(errors, "opened_on", "日期不能为空")
    _check_not_future(errors, "opened_on", "日期", opened_on, now)
    if organization is not None and name and opened_on and Matter.objects.filter(
            organization=organization, name=name, opened_on=opened_on).exclude(pk=getattr(instance, "pk", None)).exists():
        _add(errors, "name", f"本组织{opened_on:%Y-%m-%d}已登记过事项“{name}”")
    return errors


@transaction.atomic(durable=True)
def open_matter(*, actor: Actor, organization: Organization, name: str, category: str, origin: str = "",
                opened_on: datetime.date, meeting_form: str = "", content: str = "",
                one_shoulder: bool = False) -> Matter:
    """Open a matter under the procedure template in force, recording its first step (征求意见 or 提议)."""
    name = (name or "").strip()
    errors = check_matter(organization=organization, name=name, category=category, origin=origin,
                          opened_on=opened_on)
    _check_choice(errors, "meeting_form", "会议形式", meeting_form, MeetingForm, required=False)
    if one_shoulder and organization is not None:
        known = one_shoulder_org_ids(opened_on or today())
        if known is not None and organization.pk not in known:
            _add(errors, "one_shoulder", f"干部记录中“{organization.name}”的书记不是“一肩挑”，商议不能并入第一步")
    _raise_if(errors)
    tpl = active_procedure()
    matter = Matter.objects.create(
        organization=organization, name=name, category=category, origin=origin or "", template=tpl.name,
        procedure_steps=tpl.as_data(), one_shoulder=one_shoulder, opened_on=opened_on, steps_done=1,
        last_step_on=opened_on, created_by=actor.user,
    )
    first = tpl.step(1)
    MatterStep.objects.create(matter=matter, number=1, kind=first.kind, label=first.label, date=opened_on,
                              meeting_form=meeting_form or "", content=content or "", recorded_by=actor.user)
    _may_change(matter, actor)
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=matter,
                 changes={"name": [None, name], "category": [None, category], "template": [None, tpl.label],
                          "opened_on": [None, opened_on], "one_shoulder": [None, one_shoulder]})
    return matter


def allowed_step_numbers(matter: Matter) -> list[int]:
    """The step numbers that may be recorded next (from the matter's own procedure): the next one, and
    in a "一肩挑" matter also the ones after mergeable steps (商议) it may leave out."""
    if matter.status != MatterStatus.OPEN:
        return []
    tpl = matter.procedure
    numbers = []
    for number in range(matter.steps_done + 1, tpl.last + 1):
        numbers.append(number)
        if not rules.skippable(tpl.step(number), matter.one_shoulder):
            break
    return numbers


def check_step(matter: Matter, *, number: int, date, meeting_form: str = "", due=None, present=None,
               in_favour=None, against=None, content: str = "", confirm_failure: bool = False,
               now: Optional[datetime.date] = None) -> tuple[Errors, Optional[bool]]:
    """Field-keyed faults of recording step ``number`` of ``matter``, and the vote's outcome."""
    now = now or today()
    errors: Errors = {}
    tpl = matter.procedure
    if matter.status == MatterStatus.FAILED:
        _add(errors, "number", "该事项表决未通过，已终止，不能再登记后续步骤")
        return errors, None
    if matter.status == MatterStatus.DECIDED:
        _add(errors, "number", "该事项的实施结果已公开，程序已完成")
        return errors, None
    allowed = allowed_step_numbers(matter)
    if number not in allowed:
        expected = tpl.step(allowed[0]).label if allowed else ""
        label = tpl.step(number).label if 1 <= number <= len(tpl.steps) else f"第{number}步"
        _add(errors, "number", f"步骤须按顺序登记：下一步应为“{expected}”，不能登记“{label}”")
        return errors, None
    spec = tpl.step(number)
    if date is None:
        _add(errors, "date", "日期不能为空")
    else:
        _check_not_future(errors, "date", "日期", date, now)
        if date < matter.last_step_on:
            prev = tpl.step(matter.steps_done)
            _add(errors, "date", f"日期{date:%Y-%m-%d}早于上一步骤“{prev.label}”的日期{matter.last_step_on:%Y-%m-%d}")
    _check_choice(errors, "meeting_form", "会议形式", meeting_form, MeetingForm, required=False)
    if spec.counts_required:
        for field, label, value in (("due", "应到人数", due), ("present", "实到人数", present),
                                    ("in_favour", "赞成票数", in_favour)):
            if value is None:
                _add(errors, field, f"{spec.label}须填写{label}")
    for field, msgs in rules.check_counts(due, present, in_favour, against).items():
        for msg in msgs:
            _add(errors, field, msg)
    if spec.is_publication and not (content or "").strip():
        _add(errors, "content", f"{spec.label}须填写公开的内容")
    if spec.is_publication and not _has_resolution(matter, tpl, number):
        _add(errors, "number", f"“{spec.label}”须在决议之后：本事项尚未登记决议")
    passed = None
    if not errors:
        passed, reason = rules.vote_outcome(spec, due, present, in_favour)
        if passed is False and not confirm_failure:
            field = "present" if reason.endswith(rules.QUORUM_FAILED) else "in_favour"
            _add(errors, field, f"{reason}。如会议确实如此，请勾选“表决未通过，事项终止”后保存")
    return errors, passed


def _has_resolution(matter: Matter, tpl, number: int) -> bool:
    """A 公开 publishes a resolution: a 决议 step of the procedure before it was recorded (and passed)."""
    before = [n for n in tpl.numbers_of(rules.StepKind.RESOLVE) if n < number]
    if not before:
        return False
    return matter.steps.filter(number__in=before).exclude(passed=False).exists()


@transaction.atomic(durable=True)
def record_step(matter: Matter, *, actor: Actor, number: int, date: datetime.date, meeting_form: str = "",
                due: Optional[int] = None, present: Optional[int] = None, in_favour: Optional[int] = None,
                against: Optional[int] = None, content: str = "", confirm_failure: bool = False) -> MatterStep:
    matter = Matter.objects.select_for_update().select_related("organization").get(pk=matter.pk)
    _may_change(matter, actor)
    errors, passed = check_step(matter, number=number, date=date, meeting_form=meeting_form, due=due,
                                present=present, in_favour=in_favour, against=against, content=content,
                                confirm_failure=confirm_failure)
    _raise_if(errors)
    spec = matter.procedure.step(number)
    step = MatterStep.objects.create(
        matter=matter, number=number, kind=spec.kind, label=spec.label, date=date, meeting_form=meeting_form or "",
        due=due, present=present, in_favour=in_favour, against=against, content=content or "", passed=passed,
        is_publication=spec.is_publication, recorded_by=actor.user,
    )
    before = {"status": matter.get_status_display(), "steps_done": matter.steps_done}
    matter.steps_done, matter.last_step_on = number, date
    if passed is False:
        matter.status = MatterStatus.FAILED
    elif number == matter.procedure.last:
        matter.status, matter.decided_on = MatterStatus.DECIDED, date
    matter.save(update_fields=["steps_done", "last_step_on", "status", "decided_on", "updated_at"])
    changes = {"step": [None, f"{spec.label} {date:%Y-%m-%d}"]}
    if due is not None:
        changes["votes"] = [None, f"应到{due} 实到{present} 赞成{in_favour}" + (f" 反对{against}" if against is not None else "")]
    changes.update(audit.diff(before, {"status": matter.get_status_display(), "steps_done": matter.steps_done}))
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=matter, changes=changes,
                 note=f"登记步骤：{spec.label}" + ("（表决未通过，事项终止）" if passed is False else ""))
    return step


@transaction.atomic(durable=True)
def attach_to_step(step: MatterStep, *, actor: Actor, upload) -> StepAttachment:
    from dangjian.core.files import ALLOWED, MB, extension, upload_errors

    step = MatterStep.objects.select_related("matter__organization").get(pk=step.pk)
    _may_change(step.matter, actor)
    problems = upload_errors(upload, max_bytes=rules.get_setting("governance.attachment_max_mb") * MB, messages={
        "type": "附件类型“{ext}”不允许：只能上传 PDF、JPG、PNG、doc/docx、xls/xlsx",
        "size": "附件{size_mb:.1f}MB，超过上限{limit_mb}MB",
        "empty": "附件是空文件",
        "content": "附件内容与扩展名“{ext}”不符",
    })
    if problems:
        raise ValidationError({"file": problems})
    att = StepAttachment.from_upload(upload, uploaded_by=actor.user, step=step,
                                     content_type=ALLOWED[extension(upload.name)])
    att.save()
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=att, object_repr=f"{step}：{att.original_name}",
                 scope_path=step.matter.organization.path, changes={"attachments": [None, att.original_name]})
    return att


# --- Procedure templates -------------------------------------------------------------------------------
# The county's templates are data; the rule setting ``governance.procedure_template`` names the one new
# matters follow. Only the county admin changes them; each change is one audited write.

def active_template() -> ProcedureTemplate:
    name = rules.active_template_name()
    tpl = ProcedureTemplate.objects.filter(name=name).prefetch_related("steps").first()
    if tpl is None:  # the setting names a template that no longer exists: the first one
        tpl = ProcedureTemplate.objects.prefetch_related("steps").order_by("pk").first()
    return tpl


def active_procedure() -> rules.Procedure:
    tpl = active_template()
    if tpl is None:  # no template rows at all (cannot happen after the migration): the shipped default
        return rules.SHIPPED_TEMPLATES[rules.DEFAULT_TEMPLATE][1]
    return tpl.procedure()


def _require_county_admin(actor: Actor) -> None:
    if actor.user is not None and not actor.user.is_county_admin:
        raise PermissionDenied("议事程序模板由县委组织部管理员维护")


def check_template(*, name: str, description: str = "", steps: list[dict], instance=None) -> Errors:
    errors: Errors = {}
    if not name:
        _add(errors, "name", "模板名称不能为空")
    elif len(name) > 30:
        _add(errors, "name", "模板名称最多30个字")
    elif ProcedureTemplate.objects.filter(name=name).exclude(pk=getattr(instance, "pk", None)).exists():
        _add(errors, "name", f"已有名为“{name}”的议事程序模板")
    if len(description or "") > 200:
        _add(errors, "description", "说明最多200个字")
    for field, msgs in rules.check_template_steps(steps).items():
        for msg in msgs:
            _add(errors, field, msg)
    return errors


def _steps_text(steps: list[dict]) -> str:
    """A template's steps as one line of the audit log."""
    out = []
    for d in sorted(steps, key=lambda d: d["order"]):
        spec = rules.spec_from_data(d)
        extra = [spec.rule_text] if spec.rule_text else []
        if spec.mergeable:
            extra.append("“一肩挑”可并入")
        out.append(f"{d['order']}.{spec.label}（{spec.kind}{'；' + '；'.join(extra) if extra else ''}）")
    return " → ".join(out)


def _clean_steps(steps: list[dict]) -> list[dict]:
    return [{"order": d.get("order"), "kind": d.get("kind") or "", "label": str(d.get("label") or "").strip(),
             "meets": str(d.get("meets") or "").strip()[:100], "quorum_rule": d.get("quorum_rule") or "none",
             "vote_rule": d.get("vote_rule") or "none", "mergeable": bool(d.get("mergeable"))} for d in steps]


@transaction.atomic(durable=True)
def save_template(instance: Optional[ProcedureTemplate] = None, *, actor: Actor, name: str, description: str = "",
                  steps: list[dict]) -> ProcedureTemplate:
    """Create a template (instance None) or replace an existing one's name, description and steps.

    Matters already opened keep their own snapshot of the steps; only matters opened afterwards under
    this template follow the change. Renaming the template in force renames it in the rule setting too."""
    _require_county_admin(actor)
    name, description, steps = (name or "").strip(), (description or "").strip(), _clean_steps(steps)
    if instance is not None:
        instance = ProcedureTemplate.objects.select_for_update().get(pk=instance.pk)
    _raise_if(check_template(name=name, description=description, steps=steps, instance=instance))
    steps = sorted(steps, key=lambda d: d["order"])
    for n, d in enumerate(steps, start=1):  # the order numbers as given, renumbered 1, 2, 3 …
        d["order"] = n
    if instance is None:
        tpl = ProcedureTemplate.objects.create(name=name, description=description)
        ProcedureStep.objects.bulk_create([ProcedureStep(template=tpl, **d) for d in steps])
        audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=tpl,
                     changes={"name": [None, name], "procedure_steps": [None, _steps_text(steps)]})
        return tpl
    before = {"name": instance.name, "description": instance.description,
              "procedure_steps": _steps_text(instance.steps_data())}
    was_active = instance.name == rules.active_template_name()
    instance.name, instance.description = name, description
    instance.save()
    instance.steps.all().delete()
    ProcedureStep.objects.bulk_create([ProcedureStep(template=instance, **d) for d in steps])
    changes = audit.diff(before, {"name": name, "description": description, "procedure_steps": _steps_text(steps)})
    if changes:
        audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=instance, changes=changes)
    if was_active and before["name"] != name:
        from dangjian.core.rules import change_rule_setting

        change_rule_setting("governance.procedure_template", name, actor=actor)
    return instance


def copy_template(source: ProcedureTemplate, *, actor: Actor, name: str) -> ProcedureTemplate:
    """A new template with the steps of ``source`` (the county edits the copy, keeping the original)."""
    return save_template(actor=actor, name=name, description=f"复制自“{source.name}”", steps=source.steps_data())


def activate_template(template: ProcedureTemplate, *, actor: Actor) -> None:
    """Make ``template`` the one new matters follow: a change of the rule setting (audited there)."""
    from dangjian.core.rules import change_rule_setting

    _require_county_admin(actor)
    with transaction.atomic(durable=True):
        change_rule_setting("governance.procedure_template", template.name, actor=actor)


# --- Disputes --------------------------------------------------------------------------------------

def check_dispute(*, case_no: str, division: Optional[Division], category: str, accepted_on, result: str = "",
                  transferred_to: str = "", closed_on=None, instance=None, now=None, unique: bool = True,
                  require_transfer_target: bool = True) -> Errors:
    now = now or today()
    errors: Errors = {}
    if not case_no:
        _add(errors, "case_no", "案件编号不能为空")
    elif unique and Dispute.objects.filter(case_no=case_no).exclude(pk=getattr(instance, "pk", None)).exists():
        _add(errors, "case_no", f"案件编号“{case_no}”已被使用")
    if division is None:
        _add(errors, "division", "所在行政区划不能为空")
    elif division.parent_id is None:
        _add(errors, "division", "纠纷由乡镇（街道）、村（社区）受理，不能是县")
    _check_choice(errors, "category", "纠纷类别", category, DisputeCategory)
    if accepted_on is None:
        _add(errors, "accepted_on", "受理日期不能为空")
    _check_not_future(errors, "accepted_on", "受理日期", accepted_on, now)
    _check_choice(errors, "result", "调处结果", result, DisputeResult, required=False)
    if result and closed_on is None:
        _add(errors, "closed_on", "填写了调处结果，须填写办结日期")
    if closed_on is not None and not result:
        _add(errors, "result", "填写了办结日期，须填写调处结果")
    if require_transfer_target and result == DisputeResult.TRANSFERRED and not (transferred_to or "").strip():
        _add(errors, "transferred_to", "移交的纠纷须写明移交单位")
    _after(errors, "closed_on", "办结日期", closed_on, "受理日期", accepted_on)
    _check_not_future(errors, "closed_on", "办结日期", closed_on, now)
    return errors


DISPUTE_FIELDS = ("case_no", "division", "category", "accepted_on", "mediator", "result", "transferred_to", "closed_on")


@transaction.atomic(durable=True)
def save_dispute(instance: Optional[Dispute] = None, *, actor: Actor, **values) -> Dispute:
    """Register a dispute (instance None) or change one (e.g. record its result)."""
    values = {f: values.get(f, getattr(instance, f, None) if instance else None) for f in DISPUTE_FIELDS}
    for f in ("case_no", "mediator", "result", "transferred_to"):
        values[f] = (values[f] or "").strip()
    if instance is not None:
        instance = Dispute.objects.select_for_update().get(pk=instance.pk)
        _may_change(instance, actor)
    _raise_if(check_dispute(instance=instance, **{k: v for k, v in values.items() if k != "mediator"}))
    if values["result"] != DisputeResult.TRANSFERRED:
        values["transferred_to"] = ""
    return _save(Dispute, instance, values, actor)


def _save(model, instance, values: dict, actor: Actor):
    if instance is None:
        obj = model.objects.create(**values)
        _may_change(obj, actor)
        audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=obj,
                     changes={k: [None, v] for k, v in audit.snapshot(obj, model.AUDITED_FIELDS).items() if v not in (None, "")})
        return obj
    before = audit.snapshot(instance, model.AUDITED_FIELDS)
    for k, v in values.items():
        setattr(instance, k, v)
    instance.save()
    _may_change(instance, actor)
    changes = audit.diff(before, audit.snapshot(instance, model.AUDITED_FIELDS))
    if changes:
        audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=instance, changes=changes)
    return instance


# --- The service catalogue ---------------------------------------------------------------------------

def check_item(*, category: str, name: str, level: str, starts_on=None, stops_on=None, instance=None,
               unique: bool = True) -> Errors:
    errors: Errors = {}
    if not category:
        _add(errors, "category", "服务大类不能为空")
    if not name:
        _add(errors, "name", "服务事项不能为空")
    elif unique and ServiceItem.objects.filter(name=name).exclude(pk=getattr(instance, "pk", None)).exists():
        _add(errors, "name", f"服务事项“{name}”已在目录中")
    _check_choice(errors, "level", "提供层级", level, ServiceLevel)
    _after(errors, "stops_on", "停用日期", stops_on, "启用日期", starts_on, strict=True)
    return errors


ITEM_FIELDS = ("category", "name", "level", "starts_on", "stops_on", "description")


@transaction.atomic(durable=True)
def save_item(instance: Optional[ServiceItem] = None, *, actor: Actor, **values) -> ServiceItem:
    if actor.user is not None and not actor.user.is_county_admin:
        raise PermissionDenied("服务目录由县委组织部管理员维护")
    values = {f: values.get(f, getattr(instance, f, None) if instance else None) for f in ITEM_FIELDS}
    for f in ("category", "name", "description"):
        values[f] = (values[f] or "").strip()
    if instance is not None:
        instance = ServiceItem.objects.select_for_update().get(pk=instance.pk)
    _raise_if(check_item(instance=instance, **{k: v for k, v in values.items() if k != "description"}))
    return _save(ServiceItem, instance, values, actor)


# --- Service requests ----------------------------------------------------------------------------------

def check_request(*, number: str, level: str, division: Optional[Division], item: Optional[ServiceItem],
                  accepted_on, closed_on=None, instance=None, now=None, unique: bool = True) -> Errors:
    now = now or today()
    errors: Errors = {}
    if not number:
        _add(errors, "number", "受理编号不能为空")
    elif unique and ServiceRequest.objects.filter(number=number).exclude(pk=getattr(instance, "pk", None)).exists():
        _add(errors, "number", f"受理编号“{number}”已被使用")
    _check_choice(errors, "level", "受理层级", level, ServiceLevel)
    if division is None:
        _add(errors, "division", "所在行政区划不能为空")
    elif level in ServiceLevel.values and not rules.level_matches_division(level, division.category):
        _add(errors, "division", rules.level_mismatch_message(level, division.name, division.category))
    if item is None:
        _add(errors, "item", "服务事项不能为空，且须是服务目录中的事项")
    elif accepted_on is not None and not item.in_use_on(accepted_on):
        _add(errors, "item", f"服务事项“{item.name}”在{accepted_on:%Y-%m-%d}未启用或已停用")
    if accepted_on is None:
        _add(errors, "accepted_on", "受理日期不能为空")
    _check_not_future(errors, "accepted_on", "受理日期", accepted_on, now)
    _after(errors, "closed_on", "办结日期", closed_on, "受理日期", accepted_on)
    _check_not_future(errors, "closed_on", "办结日期", closed_on, now)
    return errors


@transaction.atomic(durable=True)
def register_request(*, actor: Actor, number: str, level: str, division: Division, item: ServiceItem,
                     accepted_on: datetime.date, closed_on: Optional[datetime.date] = None) -> ServiceRequest:
    number = (number or "").strip()
    _raise_if(check_request(number=number, level=level, division=division, item=item, accepted_on=accepted_on,
                            closed_on=closed_on))
    return _save(ServiceRequest, None, {
        "number": number, "level": level, "division": division, "item": item, "accepted_on": accepted_on,
        "closed_on": closed_on, "handled_level": level, "handled_division": division}, actor)


@transaction.atomic(durable=True)
def close_request(request_obj: ServiceRequest, *, actor: Actor, closed_on: datetime.date) -> ServiceRequest:
    obj = ServiceRequest.objects.select_for_update().get(pk=request_obj.pk)
    _may_change(obj, actor)
    errors: Errors = {}
    if obj.closed_on is not None:
        _add(errors, "closed_on", f"该服务已于{obj.closed_on:%Y-%m-%d}办结")
    if closed_on is None:
        _add(errors, "closed_on", "办结日期不能为空")
    _after(errors, "closed_on", "办结日期", closed_on, "受理日期", obj.accepted_on)
    if obj.handed_up_on:
        _after(errors, "closed_on", "办结日期", closed_on, "代办上交日期", obj.handed_up_on)
    _check_not_future(errors, "closed_on", "办结日期", closed_on, today())
    _raise_if(errors)
    return _save(ServiceRequest, obj, {"closed_on": closed_on}, actor)


@transaction.atomic(durable=True)
def hand_up_request(request_obj: ServiceRequest, *, actor: Actor, date: datetime.date) -> ServiceRequest:
    """代办: hand an open request up to the centre one level above, keeping its number."""
    obj = ServiceRequest.objects.select_for_update().select_related("handled_division").get(pk=request_obj.pk)
    _may_change(obj, actor)
    errors: Errors = {}
    above = LEVEL_ABOVE.get(obj.handled_level)
    if obj.closed_on is not None:
        _add(errors, "date", "已办结的服务不能再上交代办")
    elif above is None:
        _add(errors, "date", "县级服务中心已是最高一级，不能再上交")
    if date is None:
        _add(errors, "date", "上交日期不能为空")
    _after(errors, "date", "上交日期", date, "受理日期", obj.accepted_on)
    _check_not_future(errors, "date", "上交日期", date, today())
    target = obj.handled_division.parent
    if not errors and (target is None or not rules.level_matches_division(above, target.category)):
        _add(errors, "date", f"“{obj.handled_division.name}”的上级区划不是{above}服务中心所在地")
    _raise_if(errors)
    return _save(ServiceRequest, obj, {"handled_level": above, "handled_division": target, "handed_up_on": date},
                 actor)


# --- 四风 cases ---------------------------------------------------------------------------------------------

def check_case(*, case_no: str, division: Optional[Division], category: str, opened_on, concluded_on=None,
               instance=None, now=None, unique: bool = True) -> Errors:
    now = now or today()
    errors: Errors = {}
    if not case_no:
        _add(errors, "case_no", "案件编号不能为空")
    elif unique and FourWindsCase.objects.filter(case_no=case_no).exclude(pk=getattr(instance, "pk", None)).exists():
        _add(errors, "case_no", f"案件编号“{case_no}”已被使用")
    if division is None:
        _add(errors, "division", "所在行政区划不能为空")
    _check_choice(errors, "category", "案件类别", category, CaseCategory)
    if opened_on is None:
        _add(errors, "opened_on", "立案日期不能为空")
    _check_not_future(errors, "opened_on", "立案日期", opened_on, now)
    _after(errors, "concluded_on", "结案日期", concluded_on, "立案日期", opened_on)
    _check_not_future(errors, "concluded_on", "结案日期", concluded_on, now)
    return errors


CASE_FIELDS = ("case_no", "division", "category", "opened_on", "concluded_on")


@transaction.atomic(durable=True)
def save_case(instance: Optional[FourWindsCase] = None, *, actor: Actor, **values) -> FourWindsCase:
    values = {f: values.get(f, getattr(instance, f, None) if instance else None) for f in CASE_FIELDS}
    values["case_no"] = (values["case_no"] or "").strip()
    if instance is not None:
        instance = FourWindsCase.objects.select_for_update().get(pk=instance.pk)
        _may_change(instance, actor)
    _raise_if(check_case(instance=instance, **values))
    return _save(FourWindsCase, instance, values, actor)
