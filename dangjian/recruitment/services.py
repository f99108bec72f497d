"""Every write to a recruitment file: one transaction, the acting user explicit, the audit row inside.

``register_application`` opens a file with step ①; ``record_step`` records the next step;
``record_event`` records a half-yearly review, a 公示, an extension or a cancellation. Each checks
the rules of ``rules.py``; a failing rule refuses the write (``RuleRefused``) unless an organiser
with the right gives a written reason, which is kept as an ``Override`` and audited as "overridden".
The ``_inner`` variants run inside a caller's transaction (the roster import).
"""
from __future__ import annotations

import datetime
from typing import Any, Iterable, Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from dangjian.core import roles
from dangjian.core import audit
from dangjian.core import files as core_files
from dangjian.core.actor import Actor
from dangjian.core.dates import today  # one today(); tests and demos patch services.today
from dangjian.core.models import AuditLog
from dangjian.core.scope import CHANGE
from dangjian.register import rules as register_rules
from dangjian.register import services as register_services
from dangjian.register.models import Member, Organization
from dangjian.register.vocab import MemberStatus

from . import rules
from .models import Attachment, Event, EventKind, Override, Recruitment, Status, StepRecord
from .rules import Failure
from .steps import LAST_STEP

ATTACHMENT_MAX_BYTES_DEFAULT = 20 * 1024 * 1024
# The checks themselves (extension AND first bytes): dangjian.core.files; the messages are these.
UPLOAD_MESSAGES = {
    "type": "附件“{name}”的类型不允许：只能上传PDF、图片（JPG、PNG）或Office文档（DOC、DOCX、XLS、XLSX）",
    "size": "附件“{name}”大小为{size_mb:.1f}MB，超过{limit_mb}MB的上限",
    "content": "附件“{name}”的内容与扩展名“.{ext}”不符，请上传真实的PDF、图片或Office文档",
}


def attachment_max_bytes() -> int:
    return getattr(settings, "DANGJIAN_ATTACHMENT_MAX_BYTES", ATTACHMENT_MAX_BYTES_DEFAULT)


class RuleRefused(ValidationError):
    """Rule checks failed that an organiser with the right may set aside with a written reason."""

    def __init__(self, failures: Sequence[Failure]):
        self.failures = list(failures)
        super().__init__({"__all__": [f.message for f in self.failures]})


def may_override(user) -> bool:
    """越过规则检查的权限：县委组织部管理员和乡镇（街道）组织员，在其管理范围内。"""
    if user is None:
        return False
    return roles.is_supervisor(user)


def check_upload(upload) -> list[str]:
    """PDF, an image or an Office document, by name AND by content, within the size limit."""
    return core_files.upload_errors(upload, max_bytes=attachment_max_bytes(), messages=UPLOAD_MESSAGES)


def _check_uploads(files: Iterable) -> None:
    errors = [m for f in files for m in check_upload(f)]
    if errors:
        raise ValidationError({"files": errors})


def _attach(recruitment: Recruitment, files: Iterable, actor: Actor, *, step_record=None, event=None) -> list[Attachment]:
    out = []
    for upload in files:
        a = Attachment.from_upload(upload, uploaded_by=actor.user, recruitment=recruitment, step_record=step_record,
                                   event=event)
        a.save()
        out.append(a)
    return out


def _ensure_may_change(recruitment: Recruitment, actor: Actor) -> None:
    if actor.user is not None and not Recruitment.objects.for_user(actor.user, CHANGE).filter(pk=recruitment.pk).exists():
        raise PermissionDenied("该发展党员纪实不在您的管理范围内")


def _gate(failures: list[Failure], override_reason: str, actor: Actor) -> list[Failure]:
    """Refuse on any failure, unless every one may be overridden and the actor does so with a reason.

    Returns the failures set aside (to be recorded as an Override)."""
    if not failures:
        return []
    hard = [f for f in failures if not f.overridable]
    if hard:
        raise ValidationError({"__all__": [f.message for f in failures]})
    reason = (override_reason or "").strip()
    if not reason:
        raise RuleRefused(failures)
    if actor.user is not None and not may_override(actor.user):
        raise ValidationError({"override_reason": ["只有县委组织部或乡镇（街道）组织员可以越过规则检查"]})
    return failures


def _record_override(recruitment: Recruitment, failures: list[Failure], reason: str, actor: Actor, *,
                     step: int | None = None, event_kind: str = "") -> None:
    if not failures:
        return
    ov = Override.objects.create(recruitment=recruitment, step=step, event_kind=event_kind,
                                 rules=[f.message for f in failures], reason=reason.strip(), actor=actor.user,
                                 actor_name=actor.display_name)
    audit.record(actor=actor, action=AuditLog.Action.OVERRIDDEN, obj=recruitment,
                 object_repr=f"{recruitment.name} {ov.what}",
                 changes={"rules": [None, ov.rules]}, note=ov.reason)


# --- ① registration ---------------------------------------------------------------------------

PERSON_FIELDS = ("name", "sex", "ethnicity", "birth_date", "education", "occupation", "unit")


def check_person(data: dict[str, Any], *, on: datetime.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field, messages):
        if messages:
            errors.setdefault(field, []).extend(messages)

    id_number = register_rules.normalise_id_number(data.get("id_number", ""))
    if not (data.get("name") or "").strip():
        add("name", ["姓名不能为空"])
    for field, label in (("sex", "性别"), ("education", "学历"), ("occupation", "人员类别"), ("birth_date", "出生日期")):
        if not data.get(field):
            add(field, [f"请填写{label}"])
    add("id_number", register_rules.check_id_number(id_number, data.get("birth_date"), data.get("sex")))
    if id_number and "id_number" not in errors:
        if Member.objects.with_id_number(id_number).exists():
            add("id_number", ["该公民身份号码已是党员名册中的党员，不能再登记入党申请"])
        elif Recruitment.objects.with_id_number(id_number).open().exists():
            add("id_number", ["该同志已有一份正在进行的发展党员纪实，同一人不能同时有两份"])
    add("birth_date", register_rules.check_not_future("出生日期", data.get("birth_date"), on))
    org = data.get("organization")
    if org is None:
        add("organization", ["请选择所在党支部"])
    else:
        add("organization", rules.applicant_organization(org.name, org.org_type, org.is_active))
    return errors


def _register_application(*, actor: Actor, applied_on: datetime.date, note: str = "", files: Sequence = (),
                          override_reason: str = "", **person: Any) -> Recruitment:
    now = today()
    errors = check_person(person, on=now)
    failures = rules.check_step_date(1, applied_on, None, now)
    if person.get("birth_date") and applied_on:
        failures += rules.article_5_applicant_age(person["birth_date"], applied_on)
    hard = [f.message for f in failures if not f.overridable]
    if hard:
        errors.setdefault("applied_on", []).extend(hard)
    if errors:
        raise ValidationError(errors)
    _check_uploads(files)
    overridden = _gate(failures, override_reason, actor)
    r = Recruitment(**{k: person.get(k) or "" if k == "unit" else person.get(k) for k in PERSON_FIELDS},
                    organization=person["organization"], applied_on=applied_on, last_step=1, last_step_on=applied_on)
    r.id_number = register_rules.normalise_id_number(person["id_number"])
    try:
        with transaction.atomic():
            r.save()
    except IntegrityError:  # the same person registered a moment ago by someone else
        raise ValidationError({"id_number": ["该同志已有一份正在进行的发展党员纪实，同一人不能同时有两份"]}) from None
    if actor.user is not None and not Recruitment.objects.for_user(actor.user, CHANGE).filter(pk=r.pk).exists():
        raise PermissionDenied("该党支部不在您的管理范围内")
    record = StepRecord.objects.create(recruitment=r, step=1, date=applied_on, note=note, recorded_by=actor.user)
    _attach(r, files, actor, step_record=record)
    snap = audit.snapshot(r, Recruitment.AUDITED_FIELDS)
    snap["id_number"] = r.id_number_masked
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=r, changes=audit.diff({}, snap))
    _record_override(r, overridden, override_reason, actor, step=1)
    return r


@transaction.atomic(durable=True)
def register_application(*, actor: Actor, **data: Any) -> Recruitment:
    """① 递交入党申请书: open the file of an applicant with their letter."""
    return _register_application(actor=actor, **data)


# --- ②–㉕ -------------------------------------------------------------------------------------

def _step_dates(r: Recruitment) -> dict[int, datetime.date]:
    return dict(r.steps.values_list("step", "date"))


def _review_dates(r: Recruitment, dates: dict[int, datetime.date]) -> list[datetime.date]:
    reviews = list(r.events.filter(kind=EventKind.REVIEW).values_list("date", flat=True))
    if 6 in dates:
        reviews.append(dates[6])
    return reviews


def step_failures(r: Recruitment, step: int, data: dict[str, Any], on: datetime.date) -> list[Failure]:
    """Every rule the recording of ``step`` on ``data['date']`` must satisfy."""
    day = data.get("date")
    out = rules.check_step_order(r.last_step, step)
    if r.status != Status.OPEN:
        return [Failure("程序", f"该发展党员纪实{r.get_status_display()}，不能再记录步骤", False)]
    out += rules.check_step_date(step, day, r.last_step_on, on)
    if out:
        return out
    dates = _step_dates(r)
    votes = [data.get(k) for k in ("votes_entitled", "votes_present", "votes_for", "votes_against", "votes_abstain")]
    committee = data.get("committee")
    if step == 2:
        out += rules.article_7_talk_within_a_month(r.applied_on, day)
    elif step == 5:
        out += rules.contacts_are_one_or_two_full_members(list(data.get("contacts") or []), day)
    elif step == 7:
        out += rules.one_year_as_activist(r.activist_on, day)
        out += rules.half_yearly_reviews(r.activist_on, _review_dates(r, dates), day)
    elif step == 9:
        out += rules.two_full_member_introducers(list(data.get("introducers") or []), day)
    elif step == 11:
        out += rules.article_17_training(data.get("training_days"), data.get("training_hours"))
    elif step == 12:
        out += rules.check_votes(*votes) or rules.committee_meeting_quorum(votes[0], votes[1])
        out += rules.political_review_validity(dates[10], day)
        out += rules.publicity_before_committee(r.publicity_start_on, r.publicity_end_on, day)
    elif step in (15, 23):
        out += rules.check_votes(*votes) or rules.branch_meeting_quorum_and_majority(votes[0], votes[1], votes[2], step)
        if step == 23:
            out += rules.constitution_7_probation_complete(r.admitted_on, r.probation_extension_months, day)
    elif step in (17, 24):
        out += rules.approving_committee(committee, r.organization)
        if step == 17:
            out += rules.approval_within_three_months(r.admitted_on, day, bool(data.get("approval_extended")))
    if committee is not None and step not in (17, 24) and not r.organization.is_descendant_of(committee):
        out.append(Failure("程序", f"{committee.name}不是{r.organization.name}的上级党组织", False))
    return out


STEP_DETAIL_FIELDS = ("note", "committee", "talker", "votes_entitled", "votes_present", "votes_for", "votes_against",
                      "votes_abstain", "training_days", "training_hours", "approval_extended")


def _apply_step(r: Recruitment, record: StepRecord, actor: Actor, *, save: bool = True) -> None:
    """What a step changes on the file and in the register."""
    step, day = record.step, record.date
    r.last_step, r.last_step_on = step, day
    if step == 2:
        r.talked_on = day
    elif step == 3:
        r.activist_on = day
    elif step == 6:
        r.last_review_on = max(day, r.last_review_on or day)
    elif step == 7:
        r.target_on = day
    elif step == 10:
        r.political_review_on = day
    elif step == 15:
        r.admitted_on = day
        r.probation_ends_on = rules.probation_end(day, None)
        # ⑮ is the 入党日期: the candidate enters the register as a 预备党员 (an import may find
        # them there already, from the workbook's 党员 sheet).
        existing = Member.objects.with_id_number(r.id_number).first()
        r.member = existing if existing is not None and existing.joined_on == day else register_services.create_member_in_transaction(
            actor=actor, name=r.name, sex=r.sex, ethnicity=r.ethnicity, id_number=r.id_number,
            birth_date=r.birth_date, education=r.education, occupation=r.occupation, organization=r.organization,
            joined_on=day, full_on=None, is_floating=False, under_party_probation=False,
        )
    elif step == 17:
        r.approved_on = day
    elif step == 24:
        r.full_on = r.probation_ends_on
        if r.member_id is None:
            raise ValidationError({"__all__": ["该同志在党员名册中没有对应记录，无法登记转正日期"]})
        register_services.update_member_in_transaction(r.member, actor=actor, full_on=r.full_on)
    elif step == LAST_STEP:
        r.status, r.closed_on = Status.COMPLETED, day
    if save:
        r.save()


def _record_step(recruitment: Recruitment, *, actor: Actor, step: int, date: datetime.date,
                 contacts: Sequence[Member] = (), introducers: Sequence[Member] = (), files: Sequence = (),
                 override_reason: str = "", **details: Any) -> StepRecord:
    r = Recruitment.objects.select_for_update(of=("self",)).select_related("organization", "member").get(pk=recruitment.pk)
    _ensure_may_change(r, actor)
    unknown = set(details) - set(STEP_DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"unknown step details {unknown}")
    data = dict(details, date=date, contacts=list(contacts), introducers=list(introducers))
    failures = step_failures(r, step, data, today())
    _check_uploads(files)
    overridden = _gate(failures, override_reason, actor)
    record = StepRecord(recruitment=r, step=step, date=date, recorded_by=actor.user,
                        **{k: v for k, v in details.items() if v is not None and k in STEP_DETAIL_FIELDS})
    record.save()
    if contacts:
        record.contacts.set(contacts)
    if introducers:
        record.introducers.set(introducers)
    _apply_step(r, record, actor)
    _attach(r, files, actor, step_record=record)
    changes = {"step": [None, record.title], "date": [None, date]}
    for k in ("committee", "talker", "votes_entitled", "votes_present", "votes_for", "votes_against", "votes_abstain",
              "training_days", "training_hours"):
        if details.get(k) not in (None, ""):
            changes[k] = [None, details[k]]
    if contacts:
        changes["contacts"] = [None, "、".join(m.name for m in contacts)]
    if introducers:
        changes["introducers"] = [None, "、".join(m.name for m in introducers)]
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=record, object_repr=f"{r.name} {record.title}",
                 scope_path=r.organization.path, changes=changes)
    _record_override(r, overridden, override_reason, actor, step=step)
    return record


@transaction.atomic(durable=True)
def record_step(recruitment: Recruitment, *, actor: Actor, step: int, date: datetime.date, **kwargs: Any) -> StepRecord:
    """Record the next step of a recruitment, with its people, meeting, attachments."""
    return _record_step(recruitment, actor=actor, step=step, date=date, **kwargs)


# --- the roster import ---------------------------------------------------------------------------

def import_recruitment(*, actor: Actor, organization: Organization, dates: dict[int, datetime.date],
                       **person: Any) -> Recruitment:
    """A file already under way, from the roster workbook (checked there by ``rules.check_timeline``).

    Runs inside the import's transaction; the sheet handler writes the audit row."""
    r = Recruitment(organization=organization, applied_on=dates[1], last_step=0,
                    **{k: person[k] for k in ("name", "sex", "ethnicity", "birth_date", "education", "occupation")})
    r.id_number = person["id_number"]
    r.save()
    return import_steps(r, actor=actor, dates=dates)


def import_steps(r: Recruitment, *, actor: Actor, dates: dict[int, datetime.date]) -> Recruitment:
    """Append the steps of ``dates`` after the file's last recorded step."""
    new = [n for n in sorted(dates) if n > r.last_step]
    records = StepRecord.objects.bulk_create(
        [StepRecord(recruitment=r, step=n, date=dates[n], note="名册导入", recorded_by=actor.user) for n in new])
    for record in records:
        _apply_step(r, record, actor, save=False)
    r.save()
    return r


# --- events between the steps -------------------------------------------------------------------

def event_failures(r: Recruitment, kind: str, day: datetime.date | None, *, end_on=None, months=None,
                   note: str = "", on: datetime.date) -> list[Failure]:
    label = EventKind(kind).label
    if r.status != Status.OPEN:
        return [Failure("程序", f"该发展党员纪实{r.get_status_display()}，不能再记录{label}", False)]
    if day is None:
        return [Failure("程序", f"{label}须填写日期", False)]
    if day > on:
        return [Failure("程序", f"{label}的日期{rules.d(day)}晚于今天{rules.d(on)}", False)]
    out: list[Failure] = []
    if kind == EventKind.REVIEW:
        if not 3 <= r.last_step <= 6:
            return [Failure("程序", "半年考察只在入党积极分子阶段（③至⑦之间）记录", False)]
        since = max(r.activist_on, r.last_review_on or r.activist_on)
        if day < since:
            out.append(Failure("程序", f"考察日期{rules.d(day)}早于上次考察或确定为入党积极分子的日期{rules.d(since)}", False))
    elif kind == EventKind.PUBLICITY:
        if not 7 <= r.last_step <= 11:
            return [Failure("程序", "发展对象公示在确定发展对象之后、支部委员会审查（⑫）之前进行", False)]
        if day < r.target_on:
            out.append(Failure("程序", f"公示开始日期{rules.d(day)}早于确定为发展对象的日期{rules.d(r.target_on)}", False))
        out += rules.check_publicity_length(day, end_on or rules.publicity_end(day))
    elif kind == EventKind.EXTENSION:
        if not (r.admitted_on and 15 <= r.last_step <= 22):
            return [Failure("程序", "延长预备期只能在预备期内、支部大会讨论转正（㉓）之前决定", False)]
        if day < r.admitted_on:
            out.append(Failure("程序", f"决定日期{rules.d(day)}早于接收为预备党员的日期{rules.d(r.admitted_on)}", False))
        out += rules.constitution_7_extension(months, r.probation_extension_months)
    elif kind == EventKind.CANCELLATION:
        if not (r.admitted_on and 15 <= r.last_step <= 23):
            return [Failure("程序", "取消预备党员资格只适用于预备期内的预备党员", False)]
        if day < r.last_step_on:
            out.append(Failure("程序", f"决定日期{rules.d(day)}早于最近步骤的日期{rules.d(r.last_step_on)}", False))
    elif kind == EventKind.TERMINATION:
        if r.last_step >= 15:
            return [Failure("程序", "已接收为预备党员的，应记录“取消预备党员资格”", False)]
        if day < r.last_step_on:
            out.append(Failure("程序", f"终止日期{rules.d(day)}早于最近步骤的日期{rules.d(r.last_step_on)}", False))
    if kind in (EventKind.CANCELLATION, EventKind.TERMINATION, EventKind.EXTENSION) and not note.strip():
        out.append(Failure("程序", f"请写明{label}的决定和理由", False))
    return out


def _record_event(recruitment: Recruitment, *, actor: Actor, kind: str, date: datetime.date,
                  end_on: datetime.date | None = None, months: int | None = None, note: str = "",
                  files: Sequence = (), override_reason: str = "") -> Event:
    r = Recruitment.objects.select_for_update(of=("self",)).select_related("organization", "member").get(pk=recruitment.pk)
    _ensure_may_change(r, actor)
    failures = event_failures(r, kind, date, end_on=end_on, months=months, note=note, on=today())
    _check_uploads(files)
    overridden = _gate(failures, override_reason, actor)
    if kind == EventKind.PUBLICITY and end_on is None:
        end_on = rules.publicity_end(date)
    event = Event.objects.create(recruitment=r, kind=kind, date=date, end_on=end_on,
                                 months=months if kind == EventKind.EXTENSION else None, note=note, recorded_by=actor.user)
    before = audit.snapshot(r, ("status", "last_review_on", "publicity_start_on", "publicity_end_on",
                                "probation_extension_months", "probation_ends_on", "closed_on"))
    if kind == EventKind.REVIEW:
        r.last_review_on = max(date, r.last_review_on or date)
    elif kind == EventKind.PUBLICITY:
        r.publicity_start_on, r.publicity_end_on = date, end_on
    elif kind == EventKind.EXTENSION:
        r.probation_extension_months = months
        r.probation_ends_on = rules.probation_end(r.admitted_on, months)
    elif kind in (EventKind.CANCELLATION, EventKind.TERMINATION):
        r.status, r.closed_on, r.closed_reason = Status.CANCELLED, date, note.strip()
        if kind == EventKind.CANCELLATION and r.member_id:
            member = r.member
            r.member = None
            r.save()
            # 取消预备党员资格: the person leaves the register; this file keeps the history. If other
            # records (organisational life, transfers) still point at the member, the row stays as
            # history with the status 已转出, which every count leaves out.
            try:
                with transaction.atomic():
                    register_services.delete_member_in_transaction(
                        member, actor=actor, note=f"取消预备党员资格：{note.strip()}")
            except ValidationError:
                register_services.set_member_status_in_transaction(
                    member, actor=actor, status=MemberStatus.TRANSFERRED_OUT,
                    reason=f"取消预备党员资格（仍有其他业务记录，保留为历史记录）：{note.strip()}")
    r.save()
    _attach(r, files, actor, event=event)
    changes = audit.diff(before, audit.snapshot(r, tuple(before)))
    changes["event"] = [None, event.get_kind_display()]
    changes["date"] = [None, date]
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=event, object_repr=f"{r.name} {event.get_kind_display()}",
                 scope_path=r.organization.path, changes=changes, note=note)
    _record_override(r, overridden, override_reason, actor, event_kind=kind)
    return event


@transaction.atomic(durable=True)
def record_event(recruitment: Recruitment, *, actor: Actor, kind: str, date: datetime.date, **kwargs: Any) -> Event:
    return _record_event(recruitment, actor=actor, kind=kind, date=date, **kwargs)


@transaction.atomic(durable=True)
def add_attachments(recruitment: Recruitment, *, actor: Actor, files: Sequence, step_record: StepRecord | None = None) -> list[Attachment]:
    """Attach more documents to a step already recorded (a scanned form arriving later)."""
    r = Recruitment.objects.select_related("organization").get(pk=recruitment.pk)
    _ensure_may_change(r, actor)
    if not files:
        raise ValidationError({"files": ["请选择要上传的文件"]})
    _check_uploads(files)
    out = _attach(r, files, actor, step_record=step_record)
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=r,
                 changes={"attachments": [None, "、".join(a.original_name for a in out)]})
    return out
