"""Bookings of the bases."""
from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.core import audit
from dangjian.core import booking as booking_engine
from dangjian.core.actor import Actor
from dangjian.core.dates import today  # one today(); tests patch it here (orglife/tests/conftest.py freeze_today)
from dangjian.core.validation import raise_if as _raise_if
from dangjian.core.models import AuditLog
from dangjian.register.models import Organization
from dangjian.register.vocab import BRANCH_TYPES

from ..models import Activity, Base, Booking
from ..vocab import HOLDING_STATUSES, BookingStatus
from .common import _ensure_branch_in_scope


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
