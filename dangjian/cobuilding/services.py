"""Every write of co-building, 双报到, "两新" units, star ratings and brands.

One durable transaction each, the actor explicit, the audit row written inside; ``check_*`` raise
``ValidationError`` keyed by field with Chinese messages naming the field. Nothing is half-written: all
checks run before the first write, and the scope is re-checked on the result inside the transaction.
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from dangjian.core import audit, extensions, roles
from dangjian.core import booking as booking_engine
from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.core.scope import CHANGE, VIEW, ensure_in_scope, is_in_subtree
from dangjian.core.dates import today  # one today(); tests and demos patch services.today
from dangjian.core.validation import raise_if
from dangjian.register.models import Organization
from dangjian.register.vocab import BRANCH_TYPES, TWO_NEW_UNIT_TYPES

from . import rules
from .models import (
    AgendaSending, Brand, DualReport, ListItem, Matter, Meeting, MemberUnit, Milestone, PartTimeMember, Region, ResourceBooking,
    ServiceRecord, SharedResource, StarRating, TwoNewUnit,
)
from .vocab import (
    HOLDING_STATUSES, BookingStatus, ListKind, MatterCategory, RatingStatus, RegionKind, ResourceCategory, UnitCategory,
)


def snapshot(obj, fields) -> dict[str, Any]:
    """audit.snapshot, with times as HH:MM (JSON has no time type)."""
    snap = audit.snapshot(obj, fields)
    return {k: v.strftime("%H:%M") if isinstance(v, datetime.time) else v for k, v in snap.items()}


def _in_scope(obj, actor: Actor, action: str = CHANGE) -> None:
    if actor.user is not None:
        ensure_in_scope(obj, actor.user, action)


def _created(obj, actor: Actor, note: str = "") -> None:
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=obj,
                 changes=audit.diff({}, snapshot(obj, obj.AUDITED_FIELDS)), note=note)


def _changed(obj, before: dict, actor: Actor, note: str = "") -> None:
    changes = audit.diff(before, snapshot(obj, obj.AUDITED_FIELDS))
    if changes:
        audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=obj, changes=changes, note=note)


def _save(model, instance, fields: dict[str, Any], actor: Actor, **fixed):
    """Create (instance None) or update ``instance`` with ``fields`` — already checked — and audit it."""
    if instance is None:
        obj = model(**fixed, **fields)
        obj.save()
        _in_scope(obj, actor)
        _created(obj, actor)
        return obj
    obj = model.objects.select_for_update().get(pk=instance.pk)
    before = snapshot(obj, obj.AUDITED_FIELDS)
    for k, v in fields.items():
        setattr(obj, k, v)
    obj.save()
    _in_scope(obj, actor)
    _changed(obj, before, actor)
    return obj


@transaction.atomic(durable=True)
def delete(obj, *, actor: Actor) -> None:
    _in_scope(obj, actor)
    audit.record(actor=actor, action=AuditLog.Action.DELETED, obj=obj,
                 changes=audit.diff(snapshot(obj, obj.AUDITED_FIELDS), {}) if hasattr(obj, "AUDITED_FIELDS") else {})
    obj.delete()


def _text(fields, key, label, errors, required=True, max_length=200):
    value = (fields.get(key) or "").strip()
    fields[key] = value
    if required and not value:
        errors.setdefault(key, []).append(f"{label}不能为空")
    elif len(value) > max_length:
        errors.setdefault(key, []).append(f"{label}不能超过{max_length}个字")
    return value


def _date(fields, key, label, errors, required=True):
    value = fields.get(key)
    if required and not value:
        errors.setdefault(key, []).append(f"{label}不能为空")
    return value


# --- regions -------------------------------------------------------------------------------------------

def check_region(organization, kind) -> None:
    errors = {"organization": rules.check_region_organization(organization),
              "kind": [] if kind in RegionKind.values else [f"类型“{kind}”不在规定的取值中：{'、'.join(RegionKind.labels)}"]}
    if organization is not None and not errors["organization"] and Region.objects.filter(organization=organization).exists():
        errors["organization"].append(f"“{organization.name}”已登记为区域党建组织")
    raise_if(errors)


def default_kind(organization) -> str:
    return RegionKind.STREET_COMMITTEE if organization.division.category == "街道" else RegionKind.COMMUNITY_COMMITTEE


@transaction.atomic(durable=True)
def create_region(*, actor: Actor, organization: Organization, kind: str = "", established_on=None, note: str = "") -> Region:
    kind = kind or (default_kind(organization) if organization is not None else "")
    check_region(organization, kind)
    return _save(Region, None, {"organization": organization, "kind": kind, "established_on": established_on,
                                "note": (note or "").strip()}, actor)


# --- member units, part-time members ----------------------------------------------------------------

def check_member_unit(region: Region, fields: dict, instance=None) -> None:
    errors: dict[str, list[str]] = {}
    _text(fields, "unit_name", "共建单位", errors)
    _text(fields, "liaison", "联络人", errors, required=False, max_length=50)
    _date(fields, "joined_on", "加入日期", errors)
    errors.setdefault("joined_on", []).extend(rules.check_not_future(fields.get("joined_on"), today(), "加入日期"))
    errors.setdefault("left_on", []).extend(rules.check_end_after_start(
        fields.get("joined_on"), fields.get("left_on"), start_label="加入日期", end_label="退出日期"))
    if fields.get("unit_name") and fields.get("joined_on") and (
            MemberUnit.objects.filter(region=region, unit_name=fields["unit_name"], joined_on=fields["joined_on"])
            .exclude(pk=getattr(instance, "pk", None)).exists()):
        errors.setdefault("unit_name", []).append(f"“{fields['unit_name']}”同一加入日期已登记")
    raise_if(errors)


@transaction.atomic(durable=True)
def save_member_unit(*, actor: Actor, region: Region, instance: MemberUnit | None = None, **fields) -> MemberUnit:
    fields = {k: fields.get(k) for k in ("unit_name", "liaison", "joined_on", "left_on")}
    check_member_unit(region, fields, instance)
    fields["organization"] = Organization.objects.filter(name=fields["unit_name"]).first()
    return _save(MemberUnit, instance, fields, actor, **({"region": region} if instance is None else {}))


def check_part_time(region: Region, fields: dict, instance=None) -> None:
    errors: dict[str, list[str]] = {}
    _text(fields, "name", "姓名", errors, max_length=50)
    _text(fields, "unit_name", "所在单位", errors)
    _text(fields, "position", "职务", errors, required=False, max_length=50)
    _date(fields, "started_on", "任职日期", errors)
    errors.setdefault("ended_on", []).extend(rules.check_end_after_start(
        fields.get("started_on"), fields.get("ended_on"), start_label="任职日期", end_label="离任日期"))
    if all(fields.get(k) for k in ("name", "unit_name", "started_on")) and (
            PartTimeMember.objects.filter(region=region, name=fields["name"], unit_name=fields["unit_name"],
                                          started_on=fields["started_on"]).exclude(pk=getattr(instance, "pk", None)).exists()):
        errors.setdefault("name", []).append(f"{fields['name']}（{fields['unit_name']}）同一任职日期已登记")
    raise_if(errors)


@transaction.atomic(durable=True)
def save_part_time(*, actor: Actor, region: Region, instance: PartTimeMember | None = None, **fields) -> PartTimeMember:
    fields = {k: fields.get(k) for k in ("name", "unit_name", "position", "started_on", "ended_on")}
    check_part_time(region, fields, instance)
    return _save(PartTimeMember, instance, fields, actor, **({"region": region} if instance is None else {}))


# --- meetings --------------------------------------------------------------------------------------------

def units_due(region_id: int, meeting_date: datetime.date) -> list[MemberUnit]:
    """The member units an agenda must reach: those participating on the meeting day."""
    return [u for u in MemberUnit.objects.filter(region_id=region_id).order_by("joined_on", "unit_name")
            if rules.active_on(u.joined_on, u.left_on, meeting_date)]


def first_sent(meeting: Meeting) -> dict[int, datetime.date]:
    """Unit id → the first day the meeting's agenda reached it."""
    out: dict[int, datetime.date] = {}
    through = AgendaSending.units.through
    for unit_id, day in (through.objects.filter(agendasending__meeting=meeting)
                         .values_list("memberunit_id", "agendasending__sent_on")):
        if unit_id not in out or day < out[unit_id]:
            out[unit_id] = day
    return out


def agenda_status(meeting: Meeting, day: datetime.date | None = None) -> dict:
    """The meeting's agenda state on ``day`` (rules.agenda_state), with the units and their first sending."""
    sent = first_sent(meeting)
    due = units_due(meeting.region_id, meeting.date)
    status = rules.agenda_state(meeting.date, sent, due, day or today())
    status["units"] = [{"unit": u, "sent_on": sent.get(u.pk),
                        "on_time": rules.agenda_on_time(meeting.date, sent.get(u.pk))} for u in due]
    return status


def _all_reached_on(meeting: Meeting) -> datetime.date | None:
    """The day the agenda had reached every participating unit (None: one is still missing, or none is due)."""
    sent = first_sent(meeting)
    due = units_due(meeting.region_id, meeting.date)
    if not due or any(u.pk not in sent for u in due):
        return None
    return max(sent[u.pk] for u in due)


@transaction.atomic(durable=True)
def save_meeting(*, actor: Actor, region: Region, instance: Meeting | None = None, attendees=(), **fields) -> Meeting:
    """The meeting itself (date, topic, agenda, minutes, attendance); the agenda is sent by ``send_agenda``."""
    fields = {k: fields.get(k) for k in ("date", "topic", "agenda", "minutes")}
    errors: dict[str, list[str]] = {}
    _date(fields, "date", "会议日期", errors)
    _text(fields, "topic", "议题", errors)
    fields["agenda"] = (fields.get("agenda") or "").strip()
    fields["minutes"] = (fields.get("minutes") or "").strip()
    if instance is not None and fields.get("date"):
        late = AgendaSending.objects.filter(meeting=instance, sent_on__gt=fields["date"]).order_by("-sent_on").first()
        if late is not None:
            errors.setdefault("date", []).append(
                f"议程已于{late.sent_on:%Y-%m-%d}送达，会议日期不能早于送达日期")
    attendees = list(attendees)
    wrong = [u.unit_name for u in attendees if u.region_id != region.pk]
    if wrong:
        errors.setdefault("attendees", []).append(f"出席单位须是本区域的共建单位：{'、'.join(wrong)}")
    if fields.get("date"):
        absent = [u.unit_name for u in attendees if not rules.active_on(u.joined_on, u.left_on, fields["date"])]
        if absent:
            errors.setdefault("attendees", []).append(f"会议当天不在共建期内的单位不能出席：{'、'.join(absent)}")
    raise_if(errors)
    if instance is not None:
        probe = Meeting(pk=instance.pk, region_id=instance.region_id, date=fields["date"])
        fields["agenda_sent_on"] = _all_reached_on(probe)
    meeting = _save(Meeting, instance, fields, actor, **({"region": region} if instance is None else {}))
    meeting.attendees.set(attendees)
    return meeting


@transaction.atomic(durable=True)
def send_agenda(meeting: Meeting, *, actor: Actor, sent_on, units, agenda: str = "", method: str = "") -> AgendaSending:
    """议程送达: the agenda sent to member units of the region ahead of the meeting (setting
    cobuilding.agenda_days_ahead, default 15 days: the deadline is the meeting day less those days). A sending
    after the deadline is recorded and flagged late. The staff of the units inside the county get an in-app
    notice after the commit."""
    meeting = Meeting.objects.select_for_update().select_related("region__organization").get(pk=meeting.pk)
    _in_scope(meeting, actor)
    errors: dict[str, list[str]] = {"sent_on": rules.check_agenda_sent_on(meeting.date, sent_on, today()),
                                    "agenda": [], "units": []}
    agenda = (agenda or meeting.agenda or "").strip()
    if not agenda:
        errors["agenda"].append("议程不能为空")
    units = list(units)
    if not units:
        errors["units"].append("请选择送达的共建单位")
    wrong = [u.unit_name for u in units if u.region_id != meeting.region_id]
    if wrong:
        errors["units"].append(f"送达单位须是本区域的共建单位：{'、'.join(wrong)}")
    absent = [u.unit_name for u in units if u.region_id == meeting.region_id
              and not rules.active_on(u.joined_on, u.left_on, meeting.date)]
    if absent:
        errors["units"].append(f"会议当天不在共建期内的单位无需送达：{'、'.join(absent)}")
    method = (method or "").strip()
    if len(method) > 50:
        errors.setdefault("method", []).append("送达方式不能超过50个字")
    raise_if(errors)
    before = snapshot(meeting, meeting.AUDITED_FIELDS)
    sending = AgendaSending.objects.create(meeting=meeting, sent_on=sent_on, agenda=agenda, method=method)
    sending.units.set(units)
    meeting.agenda = agenda
    meeting.agenda_sent_on = _all_reached_on(meeting)
    meeting.save()
    names = "、".join(u.unit_name for u in units)
    on_time = rules.agenda_on_time(meeting.date, sent_on)
    changes = audit.diff(before, snapshot(meeting, meeting.AUDITED_FIELDS))
    changes["agenda_units"] = [None, f"{sent_on:%Y-%m-%d}送达：{names}"]
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=meeting, changes=changes,
                 note="议程送达" + ("" if on_time else f"（逾期：应于{rules.agenda_deadline(meeting.date):%Y-%m-%d}前送达）"))
    orgs = tuple({u.organization_id: u.organization for u in units if u.organization_id}.values())
    if orgs:
        text = (f"{meeting.region.organization.name}定于{meeting.date:%Y年%-m月%-d日}召开党建联席会议，议题：{meeting.topic}。"
                f"议程：{agenda[:120]}")
        transaction.on_commit(lambda: extensions.send_notice(extensions.Notice(
            kind="联席会议议程", text=text, ref=f"cobuilding.meeting:{meeting.pk}", day=today(), organizations=orgs)))
    return sending


# --- 三张清单 -------------------------------------------------------------------------------------------

@transaction.atomic(durable=True)
def save_list_item(*, actor: Actor, region: Region, instance: ListItem | None = None, **fields) -> ListItem:
    fields = {k: fields.get(k) for k in ("kind", "title", "unit_name", "description", "listed_on", "answered_by", "done_on")}
    errors: dict[str, list[str]] = {}
    if fields.get("kind") not in ListKind.values:
        errors["kind"] = [f"清单类别“{fields.get('kind') or ''}”不在规定的取值中：{'、'.join(ListKind.labels)}"]
    _text(fields, "title", "事项", errors)
    _text(fields, "unit_name", "提出/提供单位", errors, required=False)
    fields["description"] = (fields.get("description") or "").strip()
    _date(fields, "listed_on", "登记日期", errors)
    errors.setdefault("done_on", []).extend(rules.check_not_before(
        fields.get("listed_on"), fields.get("done_on"), start_label="登记日期", end_label="完成日期"))
    answer = fields.get("answered_by")
    if answer is not None:
        if fields.get("kind") == ListKind.RESOURCE:
            errors.setdefault("answered_by", []).append("资源清单事项不对接其他资源")
        elif answer.kind != ListKind.RESOURCE or answer.region_id != region.pk:
            errors.setdefault("answered_by", []).append("对接的须是本区域资源清单中的资源")
    raise_if(errors)
    return _save(ListItem, instance, fields, actor, **({"region": region} if instance is None else {}))


@transaction.atomic(durable=True)
def match_need(need: ListItem, resource: ListItem, *, actor: Actor) -> ListItem:
    """A need answered by a unit's resource (需求与资源对接)."""
    need = ListItem.objects.select_for_update().get(pk=need.pk)
    errors = {"answered_by": []}
    if need.kind != ListKind.NEED:
        errors["answered_by"].append("只有需求清单中的事项可以对接资源")
    if resource.kind != ListKind.RESOURCE or resource.region_id != need.region_id:
        errors["answered_by"].append("对接的须是本区域资源清单中的资源")
    raise_if(errors)
    before = snapshot(need, need.AUDITED_FIELDS)
    need.answered_by = resource
    need.save()
    _in_scope(need, actor)
    _changed(need, before, actor, note="需求对接资源")
    return need


def suggestions(need: ListItem, limit: int = 5) -> list[ListItem]:
    """Resources of the region that may answer a need: those sharing a word of its title first."""
    resources = list(ListItem.objects.filter(region_id=need.region_id, kind=ListKind.RESOURCE)
                     .exclude(done_on__isnull=False).order_by("-listed_on")[:200])
    words = {need.title[i:i + 2] for i in range(len(need.title) - 1)}

    def score(r):
        return -sum(1 for w in words if w in r.title + r.description)
    return sorted(resources, key=score)[:limit]


# --- 共建事项 -------------------------------------------------------------------------------------------

def check_matter(region: Region, fields: dict, instance=None) -> None:
    errors: dict[str, list[str]] = {}
    if fields.get("category") not in MatterCategory.values:
        errors["category"] = [f"类别“{fields.get('category') or ''}”不在规定的取值中：{'、'.join(MatterCategory.values)}"]
    _text(fields, "title", "事项", errors)
    _text(fields, "raised_by", "提出单位", errors, required=False)
    _date(fields, "raised_on", "提出日期", errors)
    errors.setdefault("completed_on", []).extend(rules.check_not_before(
        fields.get("raised_on"), fields.get("completed_on"), start_label="提出日期", end_label="完成日期"))
    if not errors.get("category") and fields.get("title") and fields.get("raised_on") and (
            Matter.objects.filter(region=region, category=fields["category"], title=fields["title"],
                                  raised_on=fields["raised_on"]).exclude(pk=getattr(instance, "pk", None)).exists()):
        errors.setdefault("title", []).append(f"{fields['category']}“{fields['title']}”同一提出日期已登记")
    raise_if(errors)


@transaction.atomic(durable=True)
def save_matter(*, actor: Actor, region: Region, instance: Matter | None = None, **fields) -> Matter:
    fields = {k: fields.get(k) for k in ("category", "title", "raised_by", "raised_on", "completed_on")}
    check_matter(region, fields, instance)
    return _save(Matter, instance, fields, actor, **({"region": region} if instance is None else {}))


# --- shared resources and their bookings ----------------------------------------------------------------

RESOURCE_FIELDS = ("provider", "name", "category", "registered_on", "stopped_on", "address", "capacity", "opens_at",
                   "closes_at", "open_days")


def check_resource(region: Region, fields: dict, instance=None) -> None:
    errors: dict[str, list[str]] = {}
    _text(fields, "provider", "提供单位", errors)
    _text(fields, "name", "资源名称", errors)
    _text(fields, "address", "地址或存放地点", errors, required=False)
    if fields.get("category") not in ResourceCategory.values:
        errors["category"] = [f"资源类别“{fields.get('category') or ''}”不在规定的取值中：{'、'.join(ResourceCategory.values)}"]
    _date(fields, "registered_on", "登记日期", errors)
    errors.setdefault("stopped_on", []).extend(rules.check_end_after_start(
        fields.get("registered_on"), fields.get("stopped_on"), start_label="登记日期", end_label="停用日期"))
    fields["open_days"] = "".join(sorted(set(fields.get("open_days") or "")))
    if any(d not in "1234567" for d in fields["open_days"]):
        errors.setdefault("open_days", []).append("开放日只能是1-7（周一至周日）")
    hours = [fields.get("opens_at"), fields.get("closes_at")]
    if any(hours) and not all(hours):
        errors.setdefault("closes_at", []).append("开放开始时间和结束时间须同时填写")
    errors.setdefault("closes_at", []).extend(booking_engine.time_order_errors(*hours))
    if all(hours) and not fields["open_days"]:
        errors.setdefault("open_days", []).append("可预约的场地请至少选择一个开放日")
    if fields.get("provider") and fields.get("name") and (
            SharedResource.objects.filter(region=region, provider=fields["provider"], name=fields["name"])
            .exclude(pk=getattr(instance, "pk", None)).exists()):
        errors.setdefault("name", []).append(f"{fields['provider']}的“{fields['name']}”已登记")
    raise_if(errors)


@transaction.atomic(durable=True)
def save_resource(*, actor: Actor, region: Region, instance: SharedResource | None = None, **fields) -> SharedResource:
    fields = {k: fields.get(k) for k in RESOURCE_FIELDS}
    check_resource(region, fields, instance)
    return _save(SharedResource, instance, fields, actor, **({"region": region} if instance is None else {}))


@transaction.atomic(durable=True)
def book_resource(resource: SharedResource, *, actor: Actor, organization: Organization, date, start_time, end_time,
                  expected_count: int, purpose: str) -> ResourceBooking:
    """Book a shared venue through the one booking engine (the same as the open bases')."""
    resource = booking_engine.lock(resource)
    errors = {"__all__": [] if resource.is_bookable else [f"“{resource.name}”未设开放时间，不接受预约"]}
    if not errors["__all__"]:
        errors.update(booking_engine.slot_errors(
            resource, holding=ResourceBooking.objects.filter(resource=resource, status__in=HOLDING_STATUSES)
            .select_related("organization"), date=date, start_time=start_time, end_time=end_time,
            expected_count=expected_count, day=today(), describe=lambda b: b.organization.name))
    errors["purpose"] = [] if (purpose or "").strip() else ["请填写用途"]
    if organization is None:
        errors["organization"] = ["请选择预约党组织"]
    raise_if(errors)
    if actor.user is not None and not actor.user.is_superuser and not is_in_subtree(organization, actor.user.scope_path):
        raise PermissionDenied("只能以本人管理范围内党组织的名义预约")
    booking = ResourceBooking.objects.create(resource=resource, organization=organization, date=date,
                                             start_time=start_time, end_time=end_time, expected_count=expected_count,
                                             purpose=purpose.strip(), created_by=actor.user)
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=booking,
                 changes={"resource": [None, resource.name], "date": [None, date.isoformat()],
                          "time": [None, f"{start_time:%H:%M}-{end_time:%H:%M}"], "status": [None, booking.get_status_display()]})
    return booking


@transaction.atomic(durable=True)
def decide_resource_booking(booking: ResourceBooking, *, actor: Actor, approve: bool, note: str = "") -> ResourceBooking:
    booking = ResourceBooking.objects.select_for_update().select_related("resource__region__organization").get(pk=booking.pk)
    user = actor.user
    if user is not None and not SharedResource.objects.for_user(user, CHANGE).filter(pk=booking.resource_id).exists():
        raise PermissionDenied("只有区域党组织可以审核共享场地预约")
    if booking.status != BookingStatus.PENDING:
        raise ValidationError({"__all__": [f"该预约{booking.get_status_display()}，不能再审核"]})
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"decision_note": ["不同意预约时请说明理由"]})
    old = booking.get_status_display()
    booking.status = BookingStatus.APPROVED if approve else BookingStatus.DECLINED
    booking.decision_note = note
    booking.save()
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=booking,
                 changes={"status": [old, booking.get_status_display()]}, note=note)
    return booking


@transaction.atomic(durable=True)
def cancel_resource_booking(booking: ResourceBooking, *, actor: Actor) -> ResourceBooking:
    booking = ResourceBooking.objects.select_for_update().get(pk=booking.pk)
    _in_scope(booking, actor)
    if booking.status not in HOLDING_STATUSES:
        raise ValidationError({"__all__": [f"该预约{booking.get_status_display()}，不能取消"]})
    old = booking.get_status_display()
    booking.status = BookingStatus.CANCELLED
    booking.save()
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=booking, changes={"status": [old, "已取消"]})
    return booking


# --- 双报到 ---------------------------------------------------------------------------------------------

@transaction.atomic(durable=True)
def save_dual_report(*, actor: Actor, member, community: Organization, reported_on, posts: str = "",
                     ended_on=None) -> DualReport:
    errors: dict[str, list[str]] = {}
    if member is None:
        errors["member"] = ["请选择党员"]
    if community is None:
        errors["community"] = ["请选择报到社区党组织"]
    elif community.division.category not in ("城市社区", "村改居社区"):
        errors["community"] = [f"双报到须报到到社区党组织，“{community.name}”所在行政区划是{community.division.category}"]
    if not reported_on:
        errors["reported_on"] = ["报到日期不能为空"]
    else:
        errors["reported_on"] = rules.check_not_future(reported_on, today(), "报到日期")
    errors["ended_on"] = rules.check_end_after_start(reported_on, ended_on, start_label="报到日期", end_label="结束日期")
    if member is not None and community is not None and member.organization_id == community.pk:
        errors.setdefault("community", []).append("双报到是到居住地社区报到，不是本人所在党组织")
    if not errors.get("reported_on") and member and community and DualReport.objects.filter(
            member=member, community=community, reported_on=reported_on).exists():
        errors["reported_on"] = ["该党员同一天已向该社区报到"]
    raise_if(errors)
    report = DualReport(member=member, community=community, reported_on=reported_on, ended_on=ended_on,
                        posts=(posts or "").strip()[:200])
    report.save()
    if actor.user is not None and not DualReport.objects.for_user(actor.user, CHANGE).filter(pk=report.pk).exists():
        raise PermissionDenied("操作结果超出您的管理范围")
    _created(report, actor)
    return report


def _report_in_reach(report: DualReport, actor: Actor) -> None:
    """Staff act on the slips they may change; a member on their own slip only (the member's view scope of
    双报到 is exactly their own slips)."""
    user = actor.user
    if user is None:
        return
    action = VIEW if roles.is_member(user) else CHANGE
    if not DualReport.objects.for_user(user, action).filter(pk=report.pk).exists():
        raise PermissionDenied("只能办理本人（或管理范围内党员）的双报到")


@transaction.atomic(durable=True)
def claim_post(report: DualReport, *, actor: Actor, post: str) -> DualReport:
    """The member claims a service post of the community (setting cobuilding.dual_posts)."""
    report = DualReport.objects.select_for_update().get(pk=report.pk)
    _report_in_reach(report, actor)
    post = (post or "").strip()
    claimed = rules.post_list(report.posts)
    errors: dict[str, list[str]] = {"post": []}
    if not post:
        errors["post"].append("请选择服务岗位")
    elif post not in rules.dual_posts():
        errors["post"].append(f"服务岗位“{post}”不在本县设定的岗位中：{'、'.join(rules.dual_posts())}")
    elif post in claimed:
        errors["post"].append(f"已认领“{post}”")
    if report.ended_on and report.ended_on <= today():
        errors["post"].append("报到已结束，不能再认领岗位")
    posts = "、".join(claimed + [post])
    if len(posts) > 200:
        errors["post"].append("认领的岗位过多（合计不超过200字）")
    raise_if(errors)
    before = snapshot(report, report.AUDITED_FIELDS)
    report.posts = posts
    report.save(update_fields=["posts"])
    _changed(report, before, actor, note="认领服务岗位")
    return report


@transaction.atomic(durable=True)
def record_service(report: DualReport, *, actor: Actor, date, post: str, hours, note: str = "") -> ServiceRecord:
    """Hours served on a post, by the community's or the branch's staff, or by the member (on a post they
    claimed)."""
    _report_in_reach(report, actor)
    errors: dict[str, list[str]] = {"date": [], "post": [], "hours": []}
    if actor.user is not None and roles.is_member(actor.user) and (post or "").strip() not in rules.post_list(report.posts):
        errors["post"].append("请先认领该服务岗位，再登记服务时长")
    if not date:
        errors["date"].append("服务日期不能为空")
    else:
        errors["date"] += rules.check_not_future(date, today(), "服务日期")
        if date < report.reported_on or (report.ended_on and date >= report.ended_on):
            errors["date"].append(f"服务日期须在报到期间（{report.reported_on:%Y-%m-%d}起）")
    if not (post or "").strip():
        errors["post"].append("服务岗位不能为空")
    try:
        hours = Decimal(str(hours)).quantize(Decimal("0.1"))
        if hours <= 0 or hours > 24:
            errors["hours"].append("服务时长须在0-24小时之间")
    except Exception:
        errors["hours"].append(f"服务时长“{hours}”不是数字")
    raise_if(errors)
    rec = ServiceRecord.objects.create(report=report, date=date, post=post.strip(), hours=hours, note=(note or "").strip())
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=rec, object_repr=f"{report}：{rec}",
                 changes={"date": [None, date.isoformat()], "post": [None, rec.post], "hours": [None, str(hours)]})
    return rec


def quarterly_card(report: DualReport) -> list[dict]:
    """The quarterly card back to the member's own branch: services and hours per quarter, latest first."""
    cards: dict[tuple, dict] = {}
    for s in report.services.all():
        key = (s.date.year, (s.date.month - 1) // 3 + 1)
        card = cards.setdefault(key, {"label": f"{key[0]}年第{key[1]}季度", "count": 0, "hours": Decimal("0"), "posts": set()})
        card["count"] += 1
        card["hours"] += s.hours
        card["posts"].add(s.post)
    return [{**c, "posts": "、".join(sorted(c["posts"]))} for _, c in sorted(cards.items(), reverse=True)]


# --- "两新" units ----------------------------------------------------------------------------------------

UNIT_FIELDS = ("name", "category", "division", "sector", "staff_count", "member_count", "investor", "organization",
               "instructor", "no_body_reason", "surveyed_on")


def check_unit(fields: dict, instance=None) -> None:
    errors: dict[str, list[str]] = {}
    _text(fields, "name", "单位名称", errors)
    if fields.get("category") not in UnitCategory.values:
        errors["category"] = [f"单位类别“{fields.get('category') or ''}”不在规定的取值中：{'、'.join(UnitCategory.values)}"]
    if fields.get("division") is None:
        errors["division"] = ["请选择所在行政区划"]
    for key, label in (("staff_count", "从业人员数"), ("member_count", "党员数")):
        if fields.get(key) is None or fields[key] < 0:
            errors[key] = [f"{label}须是不小于0的整数"]
    if not errors.get("member_count") and not errors.get("staff_count") and fields["member_count"] > fields["staff_count"]:
        errors["member_count"] = [f"党员数{fields['member_count']}不能多于从业人员数{fields['staff_count']}"]
    for key, label, n in (("sector", "行业", 50), ("investor", "出资人", 100), ("instructor", "党建指导员", 50),
                          ("no_body_reason", "未建党组织原因", 200)):
        _text(fields, key, label, errors, required=False, max_length=n)
    errors.setdefault("instructor", []).extend(rules.check_two_new_body(fields.get("organization"), fields.get("instructor")))
    _date(fields, "surveyed_on", "排查日期", errors)
    errors.setdefault("surveyed_on", []).extend(rules.check_not_future(fields.get("surveyed_on"), today(), "排查日期"))
    if fields.get("name") and TwoNewUnit.objects.filter(name=fields["name"]).exclude(pk=getattr(instance, "pk", None)).exists():
        errors.setdefault("name", []).append(f"单位“{fields['name']}”已登记")
    raise_if(errors)


def _unit_in_scope(unit: TwoNewUnit, actor: Actor) -> None:
    if actor.user is not None and not TwoNewUnit.objects.for_user(actor.user, CHANGE).filter(pk=unit.pk).exists():
        raise PermissionDenied("操作结果超出您的管理范围")


@transaction.atomic(durable=True)
def save_unit(*, actor: Actor, instance: TwoNewUnit | None = None, **fields) -> TwoNewUnit:
    """排查 (a unit with or without a body) and 组建 (linking the body once built)."""
    fields = {k: fields.get(k) for k in UNIT_FIELDS}
    check_unit(fields, instance)
    if instance is None:
        unit = TwoNewUnit.objects.create(**fields)
        _unit_in_scope(unit, actor)
        _created(unit, actor)
        return unit
    unit = TwoNewUnit.objects.select_for_update().get(pk=instance.pk)
    before = snapshot(unit, unit.AUDITED_FIELDS)
    for k, v in fields.items():
        setattr(unit, k, v)
    unit.save()
    _unit_in_scope(unit, actor)
    _changed(unit, before, actor, note="组建党组织" if fields["organization"] and not before["organization"] else "")
    return unit


# --- star ratings ----------------------------------------------------------------------------------------

def check_rating(organization, year, score, veto: bool, instance=None) -> Decimal | None:
    errors: dict[str, list[str]] = {"organization": rules.check_rating_organization(organization), "year": [], "score": []}
    if not year or not (2000 <= int(year) <= today().year):
        errors["year"].append(f"评定年度“{year or ''}”不正确：应为2000年至今年之间的年份")
    parsed, score_errors = (None, ["得分不能为空"]) if score in (None, "") else rules.parse_score(score)
    errors["score"] += score_errors
    if organization is not None and year and StarRating.objects.filter(organization=organization, year=year).exclude(
            pk=getattr(instance, "pk", None)).exists():
        errors["year"].append(f"“{organization.name}”{year}年度已评定，同一年度不能重复评定")
    elif organization is not None and year and not errors["year"]:
        others = StarRating.objects.filter(organization=organization).exclude(pk=getattr(instance, "pk", None))
        pending = others.filter(status__in=(RatingStatus.SELF, RatingStatus.REVIEWED)).first()
        if pending is not None:
            errors["year"].append(f"“{organization.name}”{pending.year}年度的评定{pending.get_status_display()}，"
                                  "办结后才能开始新的评定")
        errors["year"] += rules.check_new_rating_cycle(organization.name, int(year), latest_published(organization),
                                                       today())
    raise_if(errors)
    return parsed


def latest_published(organization) -> StarRating | None:
    return (StarRating.objects.filter(organization=organization, status=RatingStatus.PUBLISHED)
            .order_by("-year").first())


def two_new_organizations(queryset):
    """The "两新" Party organisations that are rated: active branches of non-public firms and social bodies."""
    return queryset.filter(unit_type__in=TWO_NEW_UNIT_TYPES, org_type__in=BRANCH_TYPES, is_active=True)


def _published_by_org(org_ids) -> dict[int, list[StarRating]]:
    out: dict[int, list[StarRating]] = {}
    for r in StarRating.objects.filter(organization_id__in=org_ids, status=RatingStatus.PUBLISHED).order_by("year"):
        out.setdefault(r.organization_id, []).append(r)
    return out


def rating_cycle_rows(queryset, day: datetime.date) -> list[dict]:
    """Every "两新" organisation of ``queryset`` with its latest published rating, its expiry and whether it is
    due on ``day`` (expired, or never rated): ``{"org", "rating", "expires_on", "due", "state"}``."""
    orgs = list(two_new_organizations(queryset).order_by("path"))
    published = _published_by_org([o.pk for o in orgs])
    expiry = {year: rules.rating_expires_on(year) for year in {r.year for rs in published.values() for r in rs}}
    rows = []
    for org in orgs:
        latest = (published.get(org.pk) or [None])[-1]
        expires = expiry[latest.year] if latest else None
        if latest is None:
            state = "从未评定"
        elif (latest.published_on or datetime.date(latest.year + 1, 1, 1)) <= day <= expires:  # rules.rating_valid_on
            state = "有效"
        elif expires < day:
            state = "已过期"
        else:
            state = "待生效"  # published with a later publication date than ``day``
        rows.append({"org": org, "rating": latest, "expires_on": expires, "state": state,
                     "due": state in ("从未评定", "已过期")})
    return rows


def subsidy_rows(queryset, year: int) -> list[dict]:
    """党建工作经费 of ``year`` per "两新" organisation: by the stars of the published rating whose cycle covers
    the year (rules.rating_covers); without one, at the unrated rate."""
    orgs = list(two_new_organizations(queryset).select_related("division").order_by("path"))
    cycle = rules.get_setting("twonew.cycle_years")  # a rating of year Y covers Y+1 … Y+cycle (rules.rating_covers)
    published = _published_by_org([o.pk for o in orgs])
    by_stars = {s: (rules.get_setting(f"twonew.subsidy_percent_{s}"), rules.subsidy_for(s)) for s in range(6)}
    rows = []
    for org in orgs:
        covering = [r for r in published.get(org.pk, []) if year - cycle <= r.year < year]
        rating = covering[-1] if covering else None
        stars = rating.stars if rating else None
        percent, amount = by_stars[stars or 0]
        rows.append({"org": org, "rating": rating, "stars": stars, "percent": percent, "amount": amount})
    return rows


def rating_in_force(organization, day: datetime.date) -> StarRating | None:
    """The published rating valid on ``day`` (rules.rating_valid_on), if any."""
    rating = latest_published(organization)
    return rating if rating is not None and rules.rating_valid_on(rating, day) else None


def _scheme_total(indicator_scores: dict) -> tuple[Decimal, list[str]]:
    errors, total = [], Decimal("0")
    for area, name, points in rules.scheme():
        key = f"{area}/{name}"
        raw = indicator_scores.get(key)
        try:
            value = Decimal(str(raw if raw not in (None, "") else 0))
        except Exception:
            errors.append(f"{key}的得分“{raw}”不是数字")
            continue
        if value < 0 or value > points:
            errors.append(f"{key}的得分{value}超出0-{points}分")
        total += value
    return total, errors


@transaction.atomic(durable=True)
def self_assess(*, actor: Actor, organization: Organization, year: int, indicator_scores: dict | None = None,
                score=None, veto: bool = False, veto_reason: str = "") -> StarRating:
    """The organisation's self-assessment (自评): by the scheme's indicators, or a total score."""
    if indicator_scores:
        total, errs = _scheme_total(indicator_scores)
        if errs:
            raise ValidationError({"indicator_scores": errs})
        score = total
    parsed = check_rating(organization, year, score, veto)
    rating = StarRating.objects.create(
        organization=organization, year=year, self_score=parsed, score=parsed, indicator_scores=indicator_scores or {},
        veto=bool(veto), veto_reason=(veto_reason or "").strip(), stars=rules.stars_for(parsed, veto),
        status=RatingStatus.SELF)
    _in_scope(rating, actor)
    _created(rating, actor, note="自评")
    return rating


def _may(user, *allowed) -> bool:
    return user is None or roles.has_role(user, allowed)


@transaction.atomic(durable=True)
def review_rating(rating: StarRating, *, actor: Actor, score=None, veto: bool | None = None, veto_reason: str = "",
                  approve: bool = True, note: str = "") -> StarRating:
    """The township reviews (审核): confirms or corrects the score, or returns the self-assessment."""
    rating = StarRating.objects.select_for_update().select_related("organization").get(pk=rating.pk)
    _in_scope(rating, actor)
    if not _may(actor.user, "organiser", "county_admin"):
        raise PermissionDenied("只有乡镇（街道）组织员或县委组织部可以审核星级评定")
    if rating.status != RatingStatus.SELF:
        raise ValidationError({"__all__": [f"该评定{rating.get_status_display()}，不能审核"]})
    before = snapshot(rating, rating.AUDITED_FIELDS)
    if not approve:
        if not (note or "").strip():
            raise ValidationError({"review_note": ["退回时请写明理由"]})
        rating.status, rating.review_note = RatingStatus.RETURNED, note.strip()
    else:
        parsed, errs = rules.parse_score(score if score not in (None, "") else rating.score)
        if errs:
            raise ValidationError({"score": errs})
        if veto is not None:
            rating.veto, rating.veto_reason = bool(veto), (veto_reason or "").strip()
        if rating.veto and not rating.veto_reason:
            raise ValidationError({"veto_reason": ["一票否决须写明事由"]})
        rating.score, rating.stars = parsed, rules.stars_for(parsed, rating.veto)
        rating.status, rating.review_note = RatingStatus.REVIEWED, (note or "").strip()
    rating.save()
    _changed(rating, before, actor, note="乡镇（街道）审核")
    return rating


@transaction.atomic(durable=True)
def publish_rating(rating: StarRating, *, actor: Actor) -> StarRating:
    """The county approves and publishes (审定公布)."""
    rating = StarRating.objects.select_for_update().get(pk=rating.pk)
    _in_scope(rating, actor)
    if not _may(actor.user, "county_admin"):
        raise PermissionDenied("只有县委组织部可以审定公布星级评定")
    if rating.status != RatingStatus.REVIEWED:
        raise ValidationError({"__all__": [f"该评定{rating.get_status_display()}，须经乡镇（街道）审核后才能审定公布"]})
    before = snapshot(rating, rating.AUDITED_FIELDS)
    rating.status, rating.published_on = RatingStatus.PUBLISHED, today()
    rating.save()
    _changed(rating, before, actor, note="县委组织部审定公布")
    return rating


# --- brands ----------------------------------------------------------------------------------------------

def check_brand(organization, fields: dict, instance=None) -> None:
    errors: dict[str, list[str]] = {}
    if organization is None:
        errors["organization"] = ["请选择所在党组织"]
    _text(fields, "name", "品牌名称", errors, max_length=100)
    _date(fields, "applied_on", "立项日期", errors)
    errors.setdefault("applied_on", []).extend(rules.check_not_future(fields.get("applied_on"), today(), "立项日期"))
    errors.setdefault("recognised_on", []).extend(rules.check_not_before(
        fields.get("applied_on"), fields.get("recognised_on"), start_label="立项日期", end_label="认定日期"))
    if fields.get("revoked_on") and not fields.get("recognised_on"):
        errors.setdefault("revoked_on", []).append("尚未认定的品牌不能撤销")
    errors.setdefault("revoked_on", []).extend(rules.check_end_after_start(
        fields.get("recognised_on"), fields.get("revoked_on"), start_label="认定日期", end_label="撤销日期"))
    if organization is not None and fields.get("name") and Brand.objects.filter(
            organization=organization, name=fields["name"]).exclude(pk=getattr(instance, "pk", None)).exists():
        errors.setdefault("name", []).append(f"“{organization.name}”已有品牌“{fields['name']}”")
    raise_if(errors)


@transaction.atomic(durable=True)
def save_brand(*, actor: Actor, organization: Organization, instance: Brand | None = None, **fields) -> Brand:
    fields = {k: fields.get(k) for k in ("name", "summary", "applied_on", "recognised_on", "revoked_on", "revoke_reason")}
    fields["summary"] = (fields.get("summary") or "").strip()
    fields["revoke_reason"] = (fields.get("revoke_reason") or "").strip()
    check_brand(organization, fields, instance)
    fields["organization"] = organization
    return _save(Brand, instance, fields, actor)


@transaction.atomic(durable=True)
def recognise_brand(brand: Brand, *, actor: Actor, on: datetime.date) -> Brand:
    if not _may(actor.user, "organiser", "county_admin"):
        raise PermissionDenied("品牌由乡镇（街道）或县委组织部认定")
    brand = Brand.objects.select_for_update().get(pk=brand.pk)
    fields = {k: getattr(brand, k) for k in ("name", "applied_on", "recognised_on", "revoked_on")}
    fields["recognised_on"] = on
    errors = {"recognised_on": ([] if on else ["认定日期不能为空"]) + rules.check_not_before(
        brand.applied_on, on, start_label="立项日期", end_label="认定日期") + rules.check_not_future(on, today(), "认定日期")}
    if brand.revoked_on:
        errors["recognised_on"].append("已撤销的品牌不能认定")
    raise_if(errors)
    before = snapshot(brand, brand.AUDITED_FIELDS)
    brand.recognised_on = on
    brand.save()
    _in_scope(brand, actor)
    _changed(brand, before, actor, note="认定")
    return brand


@transaction.atomic(durable=True)
def revoke_brand(brand: Brand, *, actor: Actor, on: datetime.date, reason: str) -> Brand:
    if not _may(actor.user, "organiser", "county_admin"):
        raise PermissionDenied("品牌由乡镇（街道）或县委组织部撤销")
    brand = Brand.objects.select_for_update().get(pk=brand.pk)
    errors = {"revoked_on": [], "revoke_reason": [] if (reason or "").strip() else ["请写明撤销原因"]}
    if not brand.recognised_on:
        errors["revoked_on"].append("尚未认定的品牌不能撤销")
    elif not on:
        errors["revoked_on"].append("撤销日期不能为空")
    else:
        errors["revoked_on"] += rules.check_end_after_start(brand.recognised_on, on, start_label="认定日期",
                                                            end_label="撤销日期")
    raise_if(errors)
    before = snapshot(brand, brand.AUDITED_FIELDS)
    brand.revoked_on, brand.revoke_reason = on, reason.strip()
    brand.save()
    _in_scope(brand, actor)
    _changed(brand, before, actor, note="撤销")
    return brand


@transaction.atomic(durable=True)
def add_milestone(brand: Brand, *, actor: Actor, date, title: str, evidence: str = "") -> Milestone:
    errors = {"date": [] if date else ["日期不能为空"], "title": [] if (title or "").strip() else ["节点不能为空"]}
    if date:
        errors["date"] += rules.check_not_before(brand.applied_on, date, start_label="立项日期", end_label="节点日期")
    raise_if(errors)
    _in_scope(brand, actor)
    m = Milestone.objects.create(brand=brand, date=date, title=title.strip(), evidence=(evidence or "").strip())
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=m, object_repr=f"{brand.name}：{m.title}",
                 changes={"date": [None, date.isoformat()], "title": [None, m.title]})
    return m


def is_branch(org) -> bool:
    return org.org_type in BRANCH_TYPES
