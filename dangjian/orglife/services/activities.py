"""Activity records and their attendance."""
from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.core import audit
from dangjian.core.actor import Actor
from dangjian.core.dates import today  # one today(); tests patch it here (orglife/tests/conftest.py freeze_today)
from dangjian.core.validation import raise_if as _raise_if
from dangjian.core.models import AuditLog
from dangjian.core.rules import get_setting
from dangjian.register.models import Member, Organization
from dangjian.register.vocab import BRANCH_TYPES, MemberStatus

from .. import rules
from ..models import Activity, Amendment, Attendance, Booking, PartyGroup
from ..vocab import ActivityType, AttendanceStatus, Source
from .common import _check_user_may_change, _delete_files, snapshot


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
