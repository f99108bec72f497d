"""Every write of organisational life: one durable transaction, the actor explicit, the audit row inside.

Views, the Excel import, the demo and commands call these. ``check_*`` validate and raise
``ValidationError`` with field-keyed Chinese messages.
"""
from __future__ import annotations

import datetime
from typing import Any, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dangjian.core import audit, extensions
from dangjian.core import booking as booking_engine
from dangjian.core.roles import is_supervisor
from dangjian.core.actor import Actor
from dangjian.core.dates import today  # one today(); tests and demos patch services.today
from dangjian.core.validation import raise_if as _raise_if
from dangjian.core.models import AuditLog
from dangjian.core.rules import get_setting
from dangjian.core.scope import ACT_FOR, ensure_in_scope
from dangjian.register.models import Member, Organization
from dangjian.register.vocab import BRANCH_TYPES, MemberStatus

from . import rules
from .files import check_upload
from .models import (
    Activity, Amendment, Attachment, Attendance, Base, Booking, PartyGroup, Review, ReviewComment,
)
from .vocab import HOLDING_STATUSES, ActivityType, AttendanceStatus, BookingStatus, CommentKind, Source




def snapshot(obj, fields) -> dict[str, Any]:
    """audit.snapshot, with times as HH:MM (JSON has no time type)."""
    snap = audit.snapshot(obj, fields)
    return {k: v.strftime("%H:%M") if isinstance(v, datetime.time) else v for k, v in snap.items()}


def _ensure_branch_in_scope(branch: Organization, actor: Actor) -> None:
    """The branch's own staff and the staff above it act for the branch."""
    user = actor.user
    if user is None:
        return
    if not Organization.objects.for_user(user, ACT_FOR).filter(pk=branch.pk).exists():
        raise PermissionDenied("只能以本人管理范围内党支部的名义操作")


def _check_user_may_change(obj, actor: Actor) -> None:
    if actor.user is not None:
        ensure_in_scope(obj, actor.user)


# --- Party groups ----------------------------------------------------------------------------

def check_party_group(*, branch: Organization, name: str, members: list[Member], leader: Member | None,
                      instance: PartyGroup | None = None) -> None:
    errors: dict[str, list[str]] = {"branch": [], "name": [], "members": [], "leader": []}
    if branch.org_type not in BRANCH_TYPES:
        errors["branch"].append(f"党小组只能设在党支部或联合党支部之下，“{branch.name}”是{branch.org_type}")
    if not name:
        errors["name"].append("党小组名称不能为空")
    elif PartyGroup.objects.filter(branch=branch, name=name).exclude(pk=getattr(instance, "pk", None)).exists():
        errors["name"].append(f"本支部已有党小组“{name}”")
    outsiders = [m.name for m in members if m.organization_id != branch.pk]
    if outsiders:
        errors["members"].append(f"以下人员不是本支部党员：{'、'.join(outsiders)}")
    taken = (PartyGroup.members.through.objects.filter(member__in=members, partygroup__branch=branch)
             .exclude(partygroup=getattr(instance, "pk", None)).select_related("member", "partygroup"))
    for row in taken:
        errors["members"].append(f"{row.member.name}已编入党小组“{row.partygroup.name}”，一名党员只编入一个党小组")
    if leader is not None and leader not in members:
        errors["leader"].append("党小组组长须是本小组成员")
    _raise_if(errors)


@transaction.atomic(durable=True)
def create_party_group(*, actor: Actor, branch: Organization, name: str, members: Iterable[Member] = (),
                       leader: Member | None = None) -> PartyGroup:
    members = list(members)
    check_party_group(branch=branch, name=name, members=members, leader=leader)
    group = PartyGroup.objects.create(branch=branch, name=name, leader=leader)
    group.members.set(members)
    _check_user_may_change(group, actor)
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=group,
                 changes={"name": [None, name], "members": [None, sorted(m.name for m in members)],
                          "leader": [None, str(leader) if leader else None]})
    return group


@transaction.atomic(durable=True)
def update_party_group(group: PartyGroup, *, actor: Actor, name: str, members: Iterable[Member],
                       leader: Member | None = None) -> PartyGroup:
    group = PartyGroup.objects.select_for_update().get(pk=group.pk)
    members = list(members)
    check_party_group(branch=group.branch, name=name, members=members, leader=leader, instance=group)
    before = {"name": group.name, "members": sorted(m.name for m in group.members.all()),
              "leader": str(group.leader) if group.leader else None}
    group.name, group.leader = name, leader
    group.save()
    group.members.set(members)
    after = {"name": name, "members": sorted(m.name for m in members), "leader": str(leader) if leader else None}
    changes = audit.diff(before, after)
    if changes:
        audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=group, changes=changes)
    return group


@transaction.atomic(durable=True)
def delete_party_group(group: PartyGroup, *, actor: Actor) -> None:
    group = PartyGroup.objects.select_for_update().get(pk=group.pk)
    if group.activities.exists():
        raise ValidationError({"__all__": [f"党小组“{group.name}”已有活动记录，不能删除"]})
    audit.record(actor=actor, action=AuditLog.Action.DELETED, obj=group, changes={"name": [group.name, None]})
    group.delete()


# --- Activity records ------------------------------------------------------------------------

def _eligible_members(branch: Organization, group: PartyGroup | None):
    qs = Member.objects.filter(organization=branch, status=MemberStatus.NORMAL)
    if group is not None:
        qs = qs.filter(party_groups=group)
    return qs


def check_activity(*, organization: Organization, fields: dict[str, Any], attendance: list[dict] | None,
                   instance: Activity | None = None, day: datetime.date | None = None) -> None:
    """Validate a record. ``attendance`` is a list of {member, status, reason} or None (counts given)."""
    day = day or today()
    errors: dict[str, list[str]] = {k: [] for k in (
        "organization", "activity_type", "party_group", "date", "end_time", "host", "topic", "lecturer", "place",
        "attendance", "expected_count")}
    t = fields.get("activity_type")
    if organization.org_type not in BRANCH_TYPES:
        errors["organization"].append(f"组织生活记录由党支部登记，“{organization.name}”是{organization.org_type}")
    if t not in ActivityType.values:
        errors["activity_type"].append("请选择活动类型")
    group = fields.get("party_group")
    if t == ActivityType.GROUP_MEETING and fields.get("source") != Source.IMPORT and group is None:
        errors["party_group"].append("党小组会须选择党小组")
    if group is not None and group.branch_id != organization.pk:
        errors["party_group"].append(f"党小组“{group.name}”不属于{organization.name}")
    if group is not None and t != ActivityType.GROUP_MEETING:
        errors["party_group"].append("只有党小组会需要选择党小组")
    if not fields.get("date"):
        errors["date"].append("日期不能为空")
    errors["date"] += rules.check_held_not_future(fields.get("date"), day)
    if not fields.get("start_time") or not fields.get("end_time"):
        errors["end_time"].append("开始时间和结束时间不能为空")
    errors["end_time"] += rules.check_times(fields.get("start_time"), fields.get("end_time"))
    if not fields.get("host"):
        errors["host"].append("主持人不能为空")
    if not fields.get("topic"):
        errors["topic"].append("主题不能为空")
    if t == ActivityType.PARTY_LECTURE and not fields.get("lecturer"):
        errors["lecturer"].append("党课须填写授课人")
    if t != ActivityType.PARTY_LECTURE and fields.get("lecturer"):
        errors["lecturer"].append("授课人只适用于党课")
    if not fields.get("base") and not fields.get("place"):
        errors["place"].append("请选择活动基地或填写地点")
    if attendance is not None:
        eligible = set(_eligible_members(organization, group if t == ActivityType.GROUP_MEETING else None)
                       .values_list("pk", flat=True))
        strangers = [a["member"].name for a in attendance if a["member"].pk not in eligible]
        if strangers:
            where = f"党小组“{group.name}”" if (group is not None and t == ActivityType.GROUP_MEETING) else organization.name
            errors["attendance"].append(f"以下人员不是{where}的党员，不能登记出席：{'、'.join(strangers)}")
        ids = [a["member"].pk for a in attendance]
        if len(ids) != len(set(ids)):
            errors["attendance"].append("同一党员只能登记一次")
        bad = [a["member"].name for a in attendance if a["status"] not in AttendanceStatus.values]
        if bad:
            errors["attendance"].append(f"出席情况不正确：{'、'.join(bad)}")
    else:
        errors["expected_count"] += rules.check_counts(fields.get("expected_count"), fields.get("present_count"),
                                                       fields.get("leave_count"))
    if fields.get("date") and fields.get("start_time") and t:
        clash = Activity.objects.filter(organization=organization, activity_type=t, date=fields["date"],
                                        start_time=fields["start_time"])
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors["date"].append(
                f"{organization.name}已登记{fields['date']:%Y-%m-%d} {fields['start_time']:%H:%M}开始的"
                f"{ActivityType(t).label}，请勿重复登记")
    _raise_if(errors)


def _counts_from_attendance(attendance: list[dict]) -> dict[str, int]:
    return {
        "expected_count": len(attendance),
        "present_count": sum(1 for a in attendance if a["status"] == AttendanceStatus.PRESENT),
        "leave_count": sum(1 for a in attendance if a["status"] == AttendanceStatus.LEAVE),
    }


def _write_attendance(activity: Activity, attendance: list[dict]) -> None:
    activity.attendance.all().delete()
    Attendance.objects.bulk_create([
        Attendance(activity=activity, member=a["member"], status=a["status"],
                   reason=a.get("reason", "") if a["status"] != AttendanceStatus.PRESENT else "")
        for a in attendance
    ])


def _attendance_snapshot(activity: Activity) -> list[str]:
    return [f"{a.member.name}:{a.get_status_display()}" for a in activity.attendance.select_related("member")]


EDITABLE = ("activity_type", "party_group", "date", "start_time", "end_time", "base", "place", "host", "recorder",
            "topic", "lecturer", "minutes", "decisions", "expected_count", "present_count", "leave_count")


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    out = {k: fields[k] for k in EDITABLE if k in fields}
    for k in ("place", "host", "recorder", "topic", "lecturer", "minutes", "decisions"):
        if k in out:
            out[k] = (out[k] or "").strip()
    for k in ("expected_count", "present_count", "leave_count"):
        if k in out:
            out[k] = out[k] or 0
    return out


@transaction.atomic(durable=True)
def record_activity(*, actor: Actor, organization: Organization, attendance: list[dict] | None = None,
                    source: str = Source.WEB, **fields: Any) -> Activity:
    """Record an activity that has been held. With ``attendance`` (members of the branch, or of the
    group for a 党小组会) the counts come from it; without, the counts given are kept."""
    day = today()
    fields = _normalise(fields)
    check_activity(organization=organization, fields={**fields, "source": source}, attendance=attendance, day=day)
    if attendance is not None:
        fields.update(_counts_from_attendance(attendance))
    activity = Activity(organization=organization, source=source, recorded_on=day,
                        created_by=actor.user, **fields)
    activity.quorum_met = rules.quorum_met(activity.activity_type, activity.expected_count, activity.present_count)
    # A ledger imported from Excel was kept on paper at the time: it is not judged as recorded late.
    activity.is_late = source == Source.WEB and rules.is_late(activity.date, day)
    activity.save()
    if attendance is not None:
        _write_attendance(activity, attendance)
    _check_user_may_change(activity, actor)
    changes = audit.diff({}, snapshot(activity, Activity.AUDITED_FIELDS))
    if attendance is not None:
        changes["attendance"] = [None, _attendance_snapshot(activity)]
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=activity, changes=changes)
    return activity


@transaction.atomic(durable=True)
def update_activity(activity: Activity, *, actor: Actor, attendance: list[dict] | None = None,
                    amendment_reason: str = "", **fields: Any) -> Activity:
    """Edit a record. Within the edit window (setting ``orglife.edit_days`` after it was recorded) a plain
    edit; after it the record is locked and a change is an amendment that must give its reason."""
    activity = Activity.objects.select_for_update().select_related("organization").get(pk=activity.pk)
    day = today()
    amendment_reason = (amendment_reason or "").strip()
    locked = rules.is_locked(activity.recorded_on, day)
    if locked and not amendment_reason:
        raise ValidationError({"amendment_reason": [
            f"该记录于{activity.recorded_on:%Y-%m-%d}录入，录入后{get_setting('orglife.edit_days')}天内可修改，"
            f"已于{rules.lock_date(activity.recorded_on):%Y-%m-%d}后锁定；如需更正，请填写更正理由"]})
    fields = _normalise(fields)
    merged = {k: fields.get(k, getattr(activity, k)) for k in EDITABLE}
    check_activity(organization=activity.organization, fields={**merged, "source": activity.source},
                   attendance=attendance, instance=activity, day=day)
    before = snapshot(activity, Activity.AUDITED_FIELDS)
    before_attendance = _attendance_snapshot(activity)
    if attendance is not None:
        merged.update(_counts_from_attendance(attendance))
    for k, v in merged.items():
        setattr(activity, k, v)
    activity.quorum_met = rules.quorum_met(activity.activity_type, activity.expected_count, activity.present_count)
    if activity.source == Source.WEB:
        activity.is_late = rules.is_late(activity.date, activity.recorded_on)
    activity.save()
    changes = audit.diff(before, snapshot(activity, Activity.AUDITED_FIELDS))
    if attendance is not None:
        _write_attendance(activity, attendance)
        after_attendance = _attendance_snapshot(activity)
        if after_attendance != before_attendance:
            changes["attendance"] = [before_attendance, after_attendance]
    if not changes:
        return activity
    if locked:
        Amendment.objects.create(activity=activity, reason=amendment_reason,
                                 changes=changes,
                                 actor=actor.user, actor_name=actor.display_name)
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=activity, changes=changes,
                 note=f"更正（记录已锁定）：{amendment_reason}" if locked else "")
    return activity


@transaction.atomic(durable=True)
def delete_activity(activity: Activity, *, actor: Actor) -> None:
    activity = Activity.objects.select_for_update().select_related("organization").get(pk=activity.pk)
    if rules.is_locked(activity.recorded_on, today()):
        raise ValidationError({"__all__": ["该记录已锁定，不能删除；如有错误请提交更正"]})
    audit.record(actor=actor, action=AuditLog.Action.DELETED, obj=activity,
                 changes={k: [v, None] for k, v in snapshot(activity, Activity.AUDITED_FIELDS).items() if v not in (None, "")})
    files = [a.file.name for a in activity.attachments.all()]
    Booking.objects.filter(activity=activity).update(activity=None)
    activity.delete()
    transaction.on_commit(lambda: _delete_files(files))


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


# --- Attachments -----------------------------------------------------------------------------

@transaction.atomic(durable=True)
def add_attachment(activity: Activity, *, actor: Actor, upload) -> Attachment:
    """Attach a file (pdf, jpg, png, doc, docx, xls, xlsx; checked by content, limit a setting). Attachments
    are never required: 整治形式主义为基层减负."""
    activity = Activity.objects.select_related("organization").get(pk=activity.pk)
    content_type, is_photo = check_upload(upload)
    attachment = Attachment(activity=activity, original_name=upload.name[:255], size=upload.size,
                            content_type=content_type, is_photo=is_photo, uploaded_by=actor.user)
    attachment.file.save(upload.name, upload, save=False)
    saved_name = attachment.file.name
    try:
        attachment.save()
        _check_user_may_change(attachment, actor)
        audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=activity,
                     changes={"attachments": [None, attachment.original_name]}, note="上传附件")
    except Exception:
        _delete_files([saved_name])
        raise
    return attachment


@transaction.atomic(durable=True)
def remove_attachment(attachment: Attachment, *, actor: Actor) -> None:
    attachment = Attachment.objects.select_related("activity__organization").get(pk=attachment.pk)
    if rules.is_locked(attachment.activity.recorded_on, today()):
        raise ValidationError({"__all__": ["该记录已锁定，附件不能删除"]})
    name = attachment.file.name
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=attachment.activity,
                 changes={"attachments": [attachment.original_name, None]}, note="删除附件")
    attachment.delete()
    transaction.on_commit(lambda: _delete_files([name]))


# --- Review (调阅) ---------------------------------------------------------------------------

def is_reviewer(user) -> bool:
    return user is not None and is_supervisor(user)


@transaction.atomic(durable=True)
def log_review(activity: Activity, *, actor: Actor) -> Review | None:
    """An organiser or the county opened a record: log who, when, which record, and count it.
    A branch's own staff reading their record is not a review (returns None)."""
    user = actor.user
    if not is_reviewer(user):
        return None
    # One 调阅 per reader per record per day, however often the page is reloaded (issue 14).
    same_day = Review.objects.filter(activity=activity, reviewer=user, reviewed_at__date=timezone.localdate())
    if same_day.exists():
        return same_day.first()
    review = Review.objects.create(activity=activity, reviewer=user, reviewer_name=actor.display_name)
    Activity.objects.filter(pk=activity.pk).update(review_count=F("review_count") + 1)
    return review


@transaction.atomic(durable=True)
def add_review_comment(activity: Activity, *, actor: Actor, kind: str, text: str) -> ReviewComment:
    if not is_reviewer(actor.user):
        raise PermissionDenied("只有组织员和县委组织部可以提出调阅意见")
    text = (text or "").strip()
    errors = {"text": [] if text else ["请填写意见内容"],
              "kind": [] if kind in CommentKind.values else ["请选择意见类别"]}
    _raise_if(errors)
    comment = ReviewComment.objects.create(activity=activity, kind=kind, text=text, author=actor.user,
                                           author_name=actor.display_name)
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=comment, object_repr=f"{activity}：{comment.get_kind_display()}",
                 changes={"kind": [None, comment.get_kind_display()], "text": [None, text]})
    if kind == CommentKind.RECTIFICATION:
        # The rectification ledger (if installed) keeps it, in this transaction (core.extensions).
        extensions.problem_raised(extensions.RaisedProblem(
            source="调阅", category="组织生活", organization_id=activity.organization_id,
            description=f"{activity}：{text}", found_on=timezone.localdate(comment.created_at),
            origin=f"orglife.reviewcomment:{comment.pk}", responsible=""), actor=actor)
    return comment


@transaction.atomic(durable=True)
def answer_review_comment(comment: ReviewComment, *, actor: Actor, answer: str) -> ReviewComment:
    comment = ReviewComment.objects.select_for_update().select_related("activity__organization").get(pk=comment.pk)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": ["请填写答复内容（整改情况）"]})
    before = comment.answer
    comment.answer, comment.answered_by, comment.answered_by_name = answer, actor.user, actor.display_name
    comment.answered_at = timezone.now()
    comment.save()
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=comment,
                 object_repr=f"{comment.activity}：{comment.get_kind_display()}", changes={"answer": [before or None, answer]})
    if comment.kind == CommentKind.RECTIFICATION:
        extensions.problem_answered(f"orglife.reviewcomment:{comment.pk}", answer, timezone.localdate(comment.answered_at),
                                    actor=actor)
    return comment


# --- Bases -----------------------------------------------------------------------------------

BASE_FIELDS = ("kind", "name", "address", "capacity", "opens_at", "closes_at", "open_days", "theme", "contact_name",
               "contact_phone", "manager", "has_venue", "has_facilities", "has_sign", "has_flag", "has_materials",
               "has_rules", "is_active")


def check_base(fields: dict[str, Any], instance: Base | None = None) -> None:
    errors: dict[str, list[str]] = {"name": [], "capacity": [], "closes_at": [], "open_days": [], "address": []}
    name = fields.get("name") or ""
    if not name:
        errors["name"].append("名称不能为空")
    elif Base.objects.filter(name=name).exclude(pk=getattr(instance, "pk", None)).exists():
        errors["name"].append(f"基地“{name}”已登记")
    if not fields.get("address"):
        errors["address"].append("地址不能为空")
    if not fields.get("capacity") or fields["capacity"] < 1:
        errors["capacity"].append("可容纳人数须大于0")
    errors["closes_at"] += rules.check_times(fields.get("opens_at"), fields.get("closes_at"))
    days = fields.get("open_days") or ""
    if not days or any(d not in "1234567" for d in days):
        errors["open_days"].append("请至少选择一个开放日")
    _raise_if(errors)


@transaction.atomic(durable=True)
def create_base(*, actor: Actor, organization: Organization, **fields: Any) -> Base:
    fields = {k: fields[k] for k in BASE_FIELDS if k in fields}
    fields["open_days"] = "".join(sorted(set(fields.get("open_days") or "")))
    check_base(fields)
    base = Base.objects.create(organization=organization, **fields)
    _check_user_may_change(base, actor)
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=base,
                 changes=audit.diff({}, snapshot(base, Base.AUDITED_FIELDS)))
    return base


@transaction.atomic(durable=True)
def update_base(base: Base, *, actor: Actor, **fields: Any) -> Base:
    base = Base.objects.select_for_update().get(pk=base.pk)
    merged = {k: fields.get(k, getattr(base, k)) for k in BASE_FIELDS}
    merged["open_days"] = "".join(sorted(set(merged.get("open_days") or "")))
    check_base(merged, instance=base)
    before = snapshot(base, Base.AUDITED_FIELDS)
    for k, v in merged.items():
        setattr(base, k, v)
    base.save()
    changes = audit.diff(before, snapshot(base, Base.AUDITED_FIELDS))
    if changes:
        audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=base, changes=changes)
    return base


# --- Bookings --------------------------------------------------------------------------------

def check_booking(base: Base, *, date, start_time, end_time, expected_count, purpose, day: datetime.date,
                  exclude_pk=None) -> None:
    """The slot through the shared booking engine (dangjian.core.booking), plus the activity's content."""
    errors = booking_engine.slot_errors(
        base, holding=Booking.objects.filter(base=base, status__in=HOLDING_STATUSES).select_related("organization"),
        date=date, start_time=start_time, end_time=end_time, expected_count=expected_count, day=day,
        exclude_pk=exclude_pk, describe=lambda b: b.organization.name)
    errors["purpose"] = [] if (purpose or "").strip() else ["请填写活动内容"]
    _raise_if(errors)


@transaction.atomic(durable=True)
def book_base(base: Base, *, actor: Actor, organization: Organization, date, start_time, end_time,
              expected_count: int, purpose: str, contact_name: str = "") -> Booking:
    """A branch books a base for a time slot. The base row is locked first, so two requests for the same
    slot are serialised and the second sees the first's booking (on SQLite the IMMEDIATE transaction
    already serialises writers)."""
    base = booking_engine.lock(base)
    if organization.org_type not in BRANCH_TYPES:
        raise ValidationError({"organization": [f"预约须以党支部名义提出，“{organization.name}”是{organization.org_type}"]})
    check_booking(base, date=date, start_time=start_time, end_time=end_time, expected_count=expected_count,
                  purpose=purpose, day=today())
    booking = Booking.objects.create(base=base, organization=organization, date=date, start_time=start_time,
                                     end_time=end_time, expected_count=expected_count, purpose=purpose.strip(),
                                     contact_name=(contact_name or "").strip(), created_by=actor.user)
    _ensure_branch_in_scope(organization, actor)
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=booking,
                 changes={"base": [None, base.name], "date": [None, date.isoformat()], "time": [None, f"{start_time:%H:%M}-{end_time:%H:%M}"],
                          "expected_count": [None, expected_count], "status": [None, booking.get_status_display()]})
    return booking


def may_decide(base: Base, user) -> bool:
    if user is None:
        return True
    return Base.objects.for_user(user, "change").filter(pk=base.pk).exists()


def _set_status(booking: Booking, *, actor: Actor, status: str, note: str = "", **extra) -> Booking:
    old = booking.get_status_display()
    booking.status = status
    for k, v in extra.items():
        setattr(booking, k, v)
    booking.save()
    changes = {"status": [old, booking.get_status_display()]}
    changes.update({k: [None, v] for k, v in extra.items() if k in ("visitors", "decision_note")})
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=booking, changes=changes, note=note)
    return booking


@transaction.atomic(durable=True)
def decide_booking(booking: Booking, *, actor: Actor, approve: bool, note: str = "") -> Booking:
    booking = Booking.objects.select_for_update().select_related("base", "organization").get(pk=booking.pk)
    if not may_decide(booking.base, actor.user):
        raise PermissionDenied("只有基地管理人或其上级党组织可以审核预约")
    if booking.status != BookingStatus.PENDING:
        raise ValidationError({"__all__": [f"该预约{booking.get_status_display()}，不能再审核"]})
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"decision_note": ["不同意预约时请说明理由"]})
    status = BookingStatus.APPROVED if approve else BookingStatus.DECLINED
    result = _set_status(booking, actor=actor, status=status, decision_note=note, decided_by=actor.user,
                         decided_at=timezone.now())
    return result


@transaction.atomic(durable=True)
def cancel_booking(booking: Booking, *, actor: Actor, reason: str = "") -> Booking:
    booking = Booking.objects.select_for_update().select_related("base", "organization").get(pk=booking.pk)
    _ensure_branch_in_scope(booking.organization, actor)
    if booking.status not in (BookingStatus.PENDING, BookingStatus.APPROVED):
        raise ValidationError({"__all__": [f"该预约{booking.get_status_display()}，不能取消"]})
    if booking.date < today():
        raise ValidationError({"__all__": ["预约日期已过，不能取消；如已开展请登记到馆情况"]})
    return _set_status(booking, actor=actor, status=BookingStatus.CANCELLED, note=(reason or "").strip())


@transaction.atomic(durable=True)
def complete_booking(booking: Booking, *, actor: Actor, visitors: int, activity: Activity | None = None) -> Booking:
    """A held booking ends in a visit record: how many members came, linked to the activity record."""
    booking = Booking.objects.select_for_update().select_related("base", "organization").get(pk=booking.pk)
    errors: dict[str, list[str]] = {"__all__": [], "visitors": [], "activity": []}
    if booking.status != BookingStatus.APPROVED:
        errors["__all__"].append(f"只有已同意的预约可以登记开展情况（当前：{booking.get_status_display()}）")
    if booking.date > today():
        errors["__all__"].append(f"预约日期{booking.date:%Y-%m-%d}未到，不能登记开展情况")
    if visitors is None or visitors < 1:
        errors["visitors"].append("实到人数须大于0")
    elif visitors > booking.base.capacity:
        errors["visitors"].append(f"实到人数{visitors}人超过基地可容纳人数{booking.base.capacity}人")
    if activity is not None and activity.organization_id != booking.organization_id:
        errors["activity"].append("对应的活动记录须是本支部的记录")
    _raise_if(errors)
    return _set_status(booking, actor=actor, status=BookingStatus.HELD, visitors=visitors, activity=activity)
