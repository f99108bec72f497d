"""Every write of 组织关系转接 and 流动党员: one durable transaction, the actor explicit, the audit row inside.

Inside the platform a transfer runs 待审批 → (sending committee approves and issues the letter)
已开具介绍信 → (receiving organisation accepts: the member moves) 已接收 → (回执) 已办结; it may be
refused (未批准), withdrawn (已撤销) or returned by the receiving side (已退回). An expired letter
is issued again with a new number. Who may take which step is checked here, not in the views:
``PermissionDenied`` when the actor may not, ``ValidationError`` (Chinese, keyed by field) when the
step breaks a rule. A command or system actor (no user) may take any step.
"""
from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from dangjian.core import roles
from dangjian.core.roles import STAFF_ROLES
from dangjian.core.scope import ACT_FOR, CHANGE
from dangjian.core import audit, extensions
from dangjian.core.actor import Actor
from dangjian.core.dates import today  # one today(); tests and demos patch services.today
from dangjian.core.validation import raise_if as _raise_if
from dangjian.core.models import AuditLog
from dangjian.register import figures, services as register_services
from dangjian.register.models import Member, Organization
from dangjian.register.vocab import MemberStatus

from . import rules
from .models import (
    OPEN_STATUSES, ContactKind, Destination, Direction, FloatingContact,
    FloatingRecord, Kind, LetterSequence, Status, Transfer,
)




# --- Who may act --------------------------------------------------------------------------------

def _in_scope(user, org, action) -> bool:
    return org is not None and Organization.objects.for_user(user, action).filter(pk=org.pk).exists()


def is_committee_over(user, org) -> bool:
    """A county admin or a township organiser whose subtree holds ``org`` (the grassroots committee):
    the organisations the user may change."""
    return user is None or _in_scope(user, org, CHANGE)


def is_staff_over(user, org) -> bool:
    """The organisation's own staff or the staff above it: the organisations the user acts for."""
    return user is None or _in_scope(user, org, ACT_FOR)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def allowed_steps(transfer: Transfer, user, on: datetime.date | None = None) -> set[str]:
    """The steps ``user`` may take on ``transfer`` now (for the buttons on its page)."""
    on = on or today()
    steps: set[str] = set()
    if transfer.kind != Kind.INTERNAL:
        if transfer.status == Status.ACCEPTED and (is_committee_over(user, transfer.from_org)
                                                   or is_committee_over(user, transfer.to_org)):
            steps.add("receipt")
        return steps
    sending = is_committee_over(user, transfer.from_org)
    if transfer.status == Status.REQUESTED:
        if sending:
            steps |= {"approve", "reject"}
        if sending or is_staff_over(user, transfer.from_org) or transfer.requested_by_id == getattr(user, "pk", None):
            steps.add("cancel")
    elif transfer.status == Status.ISSUED:
        expired = transfer.valid_until is not None and on > transfer.valid_until
        if sending:
            steps.add("cancel")
            if expired:
                steps.add("reissue")
        if is_staff_over(user, transfer.to_org):
            steps.add("return")
            if not expired:
                steps.add("accept")
    elif transfer.status == Status.ACCEPTED:
        if sending or is_committee_over(user, transfer.to_org):
            steps.add("receipt")
    return steps


# --- Letters ------------------------------------------------------------------------------------

def next_letter_number(year: int) -> str:
    """转字〔2026〕0001号: numbered within the year, under a row lock so two issues never share one."""
    LetterSequence.objects.get_or_create(year=year)
    seq = LetterSequence.objects.select_for_update().get(year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"转字〔{year}〕{seq.last:04d}号"


def _lock(transfer: Transfer) -> Transfer:
    return (Transfer.objects.select_for_update(of=("self",))
            .select_related("member", "from_org", "to_org").get(pk=transfer.pk))


def _record(actor: Actor, transfer: Transfer, before: dict, note: str = "", action=AuditLog.Action.CHANGED) -> None:
    audit.record(actor=actor, action=action, obj=transfer,
                 changes=audit.diff(before, audit.snapshot(transfer, Transfer.AUDITED_FIELDS)), note=note)


def _notify_on_commit(users_of_orgs, member, text: str, kind: str, ref: str) -> None:
    """After commit: an in-app message to the staff of the given organisations and to the member."""
    def send():
        extensions.send_notice(extensions.Notice(kind=kind, text=text, ref=ref, day=today(),
                                                 organizations=tuple(users_of_orgs), member=member))

    transaction.on_commit(send)


# --- Inside the platform ------------------------------------------------------------------------

def _check_no_open_transfer(member: Member) -> None:
    open_one = Transfer.objects.filter(member=member, status__in=OPEN_STATUSES).first()
    if open_one is not None:
        raise ValidationError({"member": [
            f"{member.name}已有一项未办结的组织关系转接（转往{open_one.to_display}，{open_one.get_status_display()}），"
            "一人同时只能办理一项转接，请先办结或撤销"]})


@transaction.atomic(durable=True)
def start_transfer(*, actor: Actor, member: Member, to_org: Organization | None, reason: str = "",
                   destination: str = "") -> Transfer:
    """A branch, or the member from their own page, asks for a transfer to another organisation.

    The member may name the destination in words (``destination``) instead of choosing it: the
    sending committee then picks the organisation when it approves.
    """
    member = Member.objects.select_for_update(of=("self",)).select_related("organization").get(pk=member.pk)
    user = actor.user
    own = roles.is_member(user) and user.member_id == member.pk
    if user is not None:
        _require(own or (user.role in STAFF_ROLES and Member.objects.for_user(user, "change").filter(pk=member.pk).exists()),
                 "您不能为该党员申请组织关系转接")
    destination = (destination or "").strip()
    errors: dict[str, list[str]] = {"member": [], "to_org": [], "destination": []}
    if member.status != MemberStatus.NORMAL:
        errors["member"].append(f"{member.name}的党籍状态为“{member.status}”，不能办理组织关系转接")
    if to_org is not None or not destination:
        errors["to_org"] += rules.check_can_receive(to_org)
    if to_org is not None and to_org.pk == member.organization_id:
        errors["to_org"].append(f"转入党组织与{member.name}现所在党组织（{member.organization.name}）相同")
    if destination and destination == member.organization.name:
        errors["destination"].append(f"拟转入党组织与现所在党组织（{member.organization.name}）相同")
    _raise_if(errors)
    _check_no_open_transfer(member)
    transfer = Transfer.objects.create(
        kind=Kind.INTERNAL, member=member, from_org=member.organization, to_org=to_org, reason=reason.strip(),
        requested_destination="" if to_org is not None else destination,
        status=Status.REQUESTED, requested_on=today(), requested_by=user, by_member=own,
    )
    _record(actor, transfer, {}, action=AuditLog.Action.CREATED, note="申请组织关系转接")
    _notify_on_commit([member.organization], None,
                      f"{member.name}申请将组织关系转往{transfer.to_display}，请转出党委审批",
                      "transfer", f"transfer:{transfer.pk}:requested")
    return transfer


@transaction.atomic(durable=True)
def approve_transfer(transfer: Transfer, *, actor: Actor, note: str = "", to_org: Organization | None = None) -> Transfer:
    """The sending committee approves and issues the letter: a number and a validity.

    When the member named the destination in words, the committee chooses ``to_org`` here.
    """
    transfer = _lock(transfer)
    _require(is_committee_over(actor.user, transfer.from_org), "只有转出党组织的上级党委（县委组织部）可以审批并开具介绍信")
    if transfer.kind != Kind.INTERNAL or transfer.status != Status.REQUESTED:
        raise ValidationError({"status": [f"该转接当前为“{transfer.get_status_display()}”，不能审批"]})
    before = audit.snapshot(transfer, Transfer.AUDITED_FIELDS)
    if transfer.to_org_id is None:
        if to_org is None:
            raise ValidationError({"to_org": [f"党员填写的拟转入党组织为“{transfer.requested_destination}”，请选择对应的转入党组织"]})
        if to_org.pk == transfer.from_org_id:
            raise ValidationError({"to_org": ["转入党组织与现所在党组织相同"]})
        transfer.to_org = to_org
    _raise_if({"to_org": rules.check_can_receive(transfer.to_org)})
    day = today()
    transfer.letter_number = next_letter_number(day.year)
    transfer.issued_on = day
    transfer.valid_until = rules.letter_valid_until(day, within_city=True)
    transfer.letters_issued += 1
    transfer.status = Status.ISSUED
    transfer.decided_by = actor.user
    transfer.decision_note = note.strip()
    transfer.save()
    _record(actor, transfer, before, note="审批通过，开具介绍信")
    _notify_on_commit(
        [transfer.to_org], transfer.member,
        f"{transfer.member.name}的组织关系介绍信（{transfer.letter_number}）已开具，转往{transfer.to_org.name}，"
        f"有效期至{transfer.valid_until:%Y年%m月%d日}，请按时报到", "transfer", f"transfer:{transfer.pk}:issued:{transfer.letters_issued}")
    return transfer


@transaction.atomic(durable=True)
def reject_transfer(transfer: Transfer, *, actor: Actor, note: str) -> Transfer:
    transfer = _lock(transfer)
    _require(is_committee_over(actor.user, transfer.from_org), "只有转出党组织的上级党委可以审批")
    if transfer.kind != Kind.INTERNAL or transfer.status != Status.REQUESTED:
        raise ValidationError({"status": [f"该转接当前为“{transfer.get_status_display()}”，不能审批"]})
    if not note.strip():
        raise ValidationError({"note": ["请填写不予批准的理由"]})
    before = audit.snapshot(transfer, Transfer.AUDITED_FIELDS)
    transfer.status, transfer.decided_by, transfer.decision_note = Status.REJECTED, actor.user, note.strip()
    transfer.closed_on = today()
    transfer.save()
    _record(actor, transfer, before, note="不予批准")
    _notify_on_commit([transfer.from_org], transfer.member, f"{transfer.member.name}的组织关系转接申请未获批准：{note.strip()}",
                      "transfer", f"transfer:{transfer.pk}:rejected")
    return transfer


@transaction.atomic(durable=True)
def cancel_transfer(transfer: Transfer, *, actor: Actor, note: str = "") -> Transfer:
    """Withdrawn before acceptance: by whoever asked or the sending side (after issue: the committee only)."""
    transfer = _lock(transfer)
    user = actor.user
    if transfer.kind != Kind.INTERNAL or transfer.status not in (Status.REQUESTED, Status.ISSUED):
        raise ValidationError({"status": [f"该转接当前为“{transfer.get_status_display()}”，不能撤销"]})
    if transfer.status == Status.REQUESTED:
        _require(user is None or transfer.requested_by_id == user.pk or is_staff_over(user, transfer.from_org)
                 or (roles.is_member(user) and user.member_id == transfer.member_id), "您不能撤销该转接申请")
    else:
        _require(is_committee_over(user, transfer.from_org), "介绍信已开具，只有转出党组织的上级党委可以撤销")
    before = audit.snapshot(transfer, Transfer.AUDITED_FIELDS)
    transfer.status, transfer.closed_on = Status.CANCELLED, today()
    transfer.save()
    _record(actor, transfer, before, note=note.strip() or "撤销转接")
    return transfer


@transaction.atomic(durable=True)
def reissue_letter(transfer: Transfer, *, actor: Actor) -> Transfer:
    """An expired letter is issued again: a new number and a new validity; the old one is void."""
    transfer = _lock(transfer)
    _require(is_committee_over(actor.user, transfer.from_org), "只有转出党组织的上级党委可以重新开具介绍信")
    if transfer.kind != Kind.INTERNAL or transfer.status != Status.ISSUED:
        raise ValidationError({"status": [f"该转接当前为“{transfer.get_status_display()}”，不能重新开具介绍信"]})
    day = today()
    if transfer.valid_until is not None and day <= transfer.valid_until:
        raise ValidationError({"valid_until": [f"介绍信{transfer.letter_number}仍在有效期内（至{transfer.valid_until:%Y-%m-%d}），无需重新开具"]})
    _raise_if({"to_org": rules.check_can_receive(transfer.to_org)})
    before = audit.snapshot(transfer, Transfer.AUDITED_FIELDS)
    old_number = transfer.letter_number
    transfer.letter_number = next_letter_number(day.year)
    transfer.issued_on = day
    transfer.valid_until = rules.letter_valid_until(day, within_city=True)
    transfer.letters_issued += 1
    transfer.save()
    _record(actor, transfer, before, note=f"原介绍信{old_number}已过期作废，重新开具")
    _notify_on_commit([transfer.to_org], transfer.member,
                      f"{transfer.member.name}的组织关系介绍信已重新开具（{transfer.letter_number}），有效期至{transfer.valid_until:%Y年%m月%d日}",
                      "transfer", f"transfer:{transfer.pk}:issued:{transfer.letters_issued}")
    return transfer


@transaction.atomic(durable=True)
def accept_transfer(transfer: Transfer, *, actor: Actor, reported_on: datetime.date | None) -> Transfer:
    """The receiving organisation accepts the letter: the member moves there (their history stays).

    The row lock makes two simultaneous acceptances queue up: the second one finds the letter
    already accepted and is refused.
    """
    transfer = _lock(transfer)
    _require(is_staff_over(actor.user, transfer.to_org), "只有转入党组织（或其上级党委）可以接收")
    if transfer.kind != Kind.INTERNAL or transfer.status != Status.ISSUED:
        raise ValidationError({"status": [f"该介绍信当前为“{transfer.get_status_display()}”，不能接收"]})
    day = today()
    _raise_if({
        "valid_until": rules.check_letter_valid(transfer.valid_until, day),
        "to_org": rules.check_can_receive(transfer.to_org),
    })
    _raise_if({"reported_on": rules.check_report_date(reported_on, transfer.issued_on, transfer.valid_until, day)})
    member = transfer.member
    if member.status != MemberStatus.NORMAL or member.organization_id != transfer.from_org_id:
        raise ValidationError({"member": [f"{member.name}的党籍状态或所在党组织已变化，不能按此介绍信接收，请退回"]})
    before = audit.snapshot(transfer, Transfer.AUDITED_FIELDS)
    register_services.move_member_in_transaction(member, actor=actor, organization=transfer.to_org,
                                   reason=f"组织关系转接，介绍信{transfer.letter_number}")
    transfer.status, transfer.accepted_on, transfer.reported_on = Status.ACCEPTED, day, reported_on
    transfer.save()
    _record(actor, transfer, before, note="接收，党员已编入转入党组织")
    _notify_on_commit([transfer.from_org], transfer.member,
                      f"{member.name}已于{reported_on:%Y年%m月%d日}到{transfer.to_org.name}报到，组织关系已接收，待回执",
                      "transfer", f"transfer:{transfer.pk}:accepted")
    return transfer


@transaction.atomic(durable=True)
def return_transfer(transfer: Transfer, *, actor: Actor, reason: str) -> Transfer:
    """The receiving organisation sends the letter back, with a reason; the member stays where they are."""
    transfer = _lock(transfer)
    _require(is_staff_over(actor.user, transfer.to_org), "只有转入党组织（或其上级党委）可以退回")
    if transfer.kind != Kind.INTERNAL or transfer.status != Status.ISSUED:
        raise ValidationError({"status": [f"该介绍信当前为“{transfer.get_status_display()}”，不能退回"]})
    if not (reason or "").strip():
        raise ValidationError({"return_reason": ["请填写退回原因"]})
    before = audit.snapshot(transfer, Transfer.AUDITED_FIELDS)
    transfer.status, transfer.return_reason = Status.RETURNED, reason.strip()
    transfer.returned_on = transfer.closed_on = today()
    transfer.save()
    _record(actor, transfer, before, note="退回")
    _notify_on_commit([transfer.from_org], transfer.member,
                      f"{transfer.member.name}的组织关系介绍信（{transfer.letter_number}）被{transfer.to_org.name}退回：{reason.strip()}",
                      "transfer", f"transfer:{transfer.pk}:returned")
    return transfer


@transaction.atomic(durable=True)
def record_receipt(transfer: Transfer, *, actor: Actor, receipt_on: datetime.date | None) -> Transfer:
    """The receipt (回执) between the two grassroots committees closes the transfer."""
    transfer = _lock(transfer)
    _require(is_committee_over(actor.user, transfer.from_org) or is_committee_over(actor.user, transfer.to_org),
             "回执在转出、转入双方的基层党委之间办理")
    if transfer.status != Status.ACCEPTED:
        raise ValidationError({"status": [f"该转接当前为“{transfer.get_status_display()}”，不能登记回执"]})
    day = today()
    start = transfer.accepted_on or transfer.issued_on
    if receipt_on is None:
        raise ValidationError({"receipt_on": ["请填写回执日期"]})
    if receipt_on > day:
        raise ValidationError({"receipt_on": [f"回执日期{receipt_on:%Y-%m-%d}晚于今天"]})
    if start is not None and receipt_on < start:
        raise ValidationError({"receipt_on": [f"回执日期{receipt_on:%Y-%m-%d}早于接收日期{start:%Y-%m-%d}"]})
    before = audit.snapshot(transfer, Transfer.AUDITED_FIELDS)
    transfer.status, transfer.receipt_on = Status.COMPLETED, receipt_on
    transfer.completed_on = transfer.closed_on = receipt_on
    transfer.save()
    _record(actor, transfer, before, note="回执已收到，办结")
    return transfer


# --- To and from outside the platform ----------------------------------------------------------

def _check_letter_number(number: str, kind: str) -> list[str]:
    number = (number or "").strip()
    if not number:
        return ["请填写介绍信编号"]
    if kind == Kind.OUT and Transfer.objects.filter(letter_number=number).exists():
        return [f"介绍信编号“{number}”已被使用"]
    return []


@transaction.atomic(durable=True)
def record_transfer_out(*, actor: Actor, member: Member, external_org_name: str, destination: str,
                        letter_number: str, issued_on: datetime.date | None, reason: str = "",
                        receipt_on: datetime.date | None = None) -> Transfer:
    """A letter to outside the platform: the member leaves the register (已转出), history kept."""
    member = Member.objects.select_for_update(of=("self",)).select_related("organization").get(pk=member.pk)
    _require(is_committee_over(actor.user, member.organization), "只有党员所在党组织的上级党委可以开具转出平台外的介绍信")
    day = today()
    errors: dict[str, list[str]] = {
        "member": [] if member.status == MemberStatus.NORMAL else [f"{member.name}的党籍状态为“{member.status}”，不能转出"],
        "external_org_name": [] if external_org_name.strip() else ["请填写转入党组织名称"],
        "destination": [] if destination in Destination.values else ["请选择去向"],
        "letter_number": _check_letter_number(letter_number, Kind.OUT),
        "issued_on": [],
        "receipt_on": [],
    }
    if issued_on is None:
        errors["issued_on"].append("请填写开具日期")
    elif issued_on > day:
        errors["issued_on"].append(f"开具日期{issued_on:%Y-%m-%d}晚于今天")
    if receipt_on is not None and (receipt_on > day or (issued_on and receipt_on < issued_on)):
        errors["receipt_on"].append("回执日期应在开具日期与今天之间")
    _raise_if(errors)
    _check_no_open_transfer(member)
    status = Status.COMPLETED if receipt_on else Status.ACCEPTED
    transfer = Transfer.objects.create(
        kind=Kind.OUT, member=member, from_org=member.organization, external_org_name=external_org_name.strip(),
        destination=destination, reason=reason.strip(), status=status, requested_on=issued_on, requested_by=actor.user,
        letter_number=letter_number.strip(), issued_on=issued_on, letters_issued=1,
        valid_until=rules.letter_valid_until(issued_on, within_city=destination == Destination.CITY),
        accepted_on=issued_on, receipt_on=receipt_on, completed_on=receipt_on, closed_on=receipt_on,
        decided_by=actor.user,
    )
    _record(actor, transfer, {}, action=AuditLog.Action.CREATED, note="组织关系转出平台外")
    old_status = member.status
    member.status = MemberStatus.TRANSFERRED_OUT
    member.save(update_fields=["status", "updated_at"])
    figures.organizations_changed([member.organization_id])  # today's member figures (issue 15)
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=member, changes={"status": [old_status, member.status]},
                 note=f"组织关系转往{transfer.external_org_name}，介绍信{transfer.letter_number}")
    return transfer


@transaction.atomic(durable=True)
def record_transfer_in(*, actor: Actor, to_org: Organization, external_org_name: str, destination: str,
                       letter_number: str, issued_on: datetime.date | None, valid_until: datetime.date | None,
                       reported_on: datetime.date | None, member_data: dict[str, Any],
                       receipt_on: datetime.date | None = None) -> Transfer:
    """A letter from outside the platform: the person enters the register in ``to_org``."""
    _require(is_staff_over(actor.user, to_org), "只有转入党组织（或其上级党委）可以登记转入")
    day = today()
    errors: dict[str, list[str]] = {
        "to_org": rules.check_can_receive(to_org),
        "external_org_name": [] if external_org_name.strip() else ["请填写转出党组织名称"],
        "destination": [] if destination in Destination.values else ["请选择来源"],
        "letter_number": _check_letter_number(letter_number, Kind.IN),
        "issued_on": [] if issued_on else ["请填写介绍信开具日期"],
        "reported_on": rules.check_report_date(reported_on, issued_on, valid_until, day),
    }
    if issued_on and valid_until and valid_until < issued_on:
        errors["valid_until"] = ["有效期至不能早于开具日期"]
    if receipt_on is not None and reported_on and (receipt_on > day or receipt_on < reported_on):
        errors["receipt_on"] = ["回执日期应在报到日期与今天之间"]
    _raise_if(errors)
    member = register_services.create_member_in_transaction(actor=actor, organization=to_org, **member_data)
    status = Status.COMPLETED if receipt_on else Status.ACCEPTED
    transfer = Transfer.objects.create(
        kind=Kind.IN, member=member, to_org=to_org, external_org_name=external_org_name.strip(),
        destination=destination, status=status, requested_on=reported_on, requested_by=actor.user,
        letter_number=letter_number.strip(), issued_on=issued_on, valid_until=valid_until, letters_issued=1,
        accepted_on=reported_on, reported_on=reported_on, receipt_on=receipt_on, completed_on=receipt_on,
        closed_on=receipt_on,
    )
    _record(actor, transfer, {}, action=AuditLog.Action.CREATED, note="从平台外转入，已编入党员名册")
    return transfer


# --- 流动党员 ------------------------------------------------------------------------------------

def _check_floating_common(place: str, since: datetime.date | None, contact: str, day: datetime.date) -> dict:
    from dangjian.register.rules import check_mobile

    errors: dict[str, list[str]] = {"place": [], "since": [], "contact": []}
    if not place.strip():
        errors["place"].append("请填写外出（流出）地点")
    if since is None:
        errors["since"].append("请填写流动开始日期")
    elif since > day:
        errors["since"].append(f"流动开始日期{since:%Y-%m-%d}晚于今天")
    contact = (contact or "").strip()
    if contact and contact.isdigit() and check_mobile(contact):
        errors["contact"] += check_mobile(contact)
    return errors


@transaction.atomic(durable=True)
def register_floating_out(*, actor: Actor, member: Member, place: str, since: datetime.date | None,
                          contact: str = "", certificate_number: str = "") -> FloatingRecord:
    """A member goes out (外出流动): where to, since when, contact, certificate; marked 流动党员 in the register."""
    member = Member.objects.select_for_update(of=("self",)).select_related("organization").get(pk=member.pk)
    _require(is_staff_over(actor.user, member.organization), "您不能为该党员登记外出流动")
    errors = _check_floating_common(place, since, contact, today())
    if member.status != MemberStatus.NORMAL:
        errors["member"] = [f"{member.name}的党籍状态为“{member.status}”，不能登记外出流动"]
    if FloatingRecord.objects.filter(member=member, ended_on__isnull=True).exists():
        errors["member"] = [f"{member.name}已登记为外出流动党员，请先结束原登记"]
    _raise_if(errors)
    record = FloatingRecord(direction=Direction.OUT, member=member, organization=member.organization, name=member.name,
                            place=place.strip(), since=since, certificate_number=certificate_number.strip())
    record.contact = contact.strip()
    record.save()
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=record,
                 changes=audit.diff({}, audit.snapshot(record, FloatingRecord.AUDITED_FIELDS)), note="登记外出流动党员")
    if not member.is_floating:
        member.is_floating = True
        member.save(update_fields=["is_floating", "updated_at"])
        figures.organizations_changed([member.organization_id])  # today's member figures (issue 15)
        audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=member, changes={"is_floating": [False, True]},
                     note="登记为外出流动党员")
    return record


@transaction.atomic(durable=True)
def register_floating_in(*, actor: Actor, organization: Organization, name: str, home_org_name: str, place: str,
                         since: datetime.date | None, contact: str = "", certificate_number: str = "") -> FloatingRecord:
    """A member from elsewhere joins a local branch's activities (流入): no vote here."""
    _require(is_staff_over(actor.user, organization), "您不能为该党组织登记流入党员")
    errors = _check_floating_common(place, since, contact, today())
    errors["name"] = [] if name.strip() else ["请填写姓名"]
    errors["home_org_name"] = [] if home_org_name.strip() else ["请填写原党组织（组织关系所在党组织）"]
    errors["organization"] = rules.check_can_receive(organization)
    duplicate = FloatingRecord.objects.filter(direction=Direction.IN, organization=organization, name=name.strip(),
                                              home_org_name=home_org_name.strip(), ended_on__isnull=True)
    if name.strip() and duplicate.exists():
        errors["name"] = [f"{name.strip()}已登记为本党组织的流入党员，请先结束原登记"]
    _raise_if(errors)
    record = FloatingRecord(direction=Direction.IN, organization=organization, name=name.strip(),
                            home_org_name=home_org_name.strip(), place=place.strip(), since=since,
                            certificate_number=certificate_number.strip())
    record.contact = contact.strip()
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:  # a concurrent double submit: the constraint keeps one
        raise ValidationError({"name": [f"{name.strip()}已登记为本党组织的流入党员，请先结束原登记"]}) from None
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=record,
                 changes=audit.diff({}, audit.snapshot(record, FloatingRecord.AUDITED_FIELDS)), note="登记流入党员")
    return record


@transaction.atomic(durable=True)
def log_floating_contact(record: FloatingRecord, *, actor: Actor, kind: str, on: datetime.date | None,
                         note: str = "") -> FloatingContact:
    record = FloatingRecord.objects.select_for_update(of=("self",)).select_related("organization").get(pk=record.pk)
    _require(is_staff_over(actor.user, record.organization), "您不能为该流动党员登记联系情况")
    errors: dict[str, list[str]] = {"kind": [], "on": []}
    if kind not in ContactKind.values:
        errors["kind"].append("请选择联系类型")
    if on is None:
        errors["on"].append("请填写日期")
    elif on > today():
        errors["on"].append(f"日期{on:%Y-%m-%d}晚于今天")
    elif on < record.since:
        errors["on"].append(f"日期{on:%Y-%m-%d}早于流动开始日期{record.since:%Y-%m-%d}")
    if record.ended_on is not None:
        errors["kind"].append("该流动党员登记已结束")
    _raise_if(errors)
    entry = FloatingContact.objects.create(record=record, kind=kind, on=on, note=note.strip(), recorded_by=actor.user)
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=record,
                 changes={"contact_log": [None, f"{on:%Y-%m-%d} {entry.get_kind_display()}"]}, note=note.strip())
    return entry


@transaction.atomic(durable=True)
def end_floating(record: FloatingRecord, *, actor: Actor, ended_on: datetime.date | None, reason: str) -> FloatingRecord:
    record = FloatingRecord.objects.select_for_update(of=("self",)).select_related("organization", "member").get(pk=record.pk)
    _require(is_staff_over(actor.user, record.organization), "您不能结束该流动党员登记")
    errors: dict[str, list[str]] = {"ended_on": [], "end_reason": []}
    if record.ended_on is not None:
        errors["ended_on"].append("该流动党员登记已结束")
    elif ended_on is None:
        errors["ended_on"].append("请填写结束日期")
    elif ended_on > today() or ended_on < record.since:
        errors["ended_on"].append("结束日期应在流动开始日期与今天之间")
    if not reason.strip():
        errors["end_reason"].append("请填写结束原因（如：已返回、已转接组织关系）")
    _raise_if(errors)
    before = audit.snapshot(record, FloatingRecord.AUDITED_FIELDS)
    record.ended_on, record.end_reason = ended_on, reason.strip()
    record.save(update_fields=["ended_on", "end_reason"])
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=record,
                 changes=audit.diff(before, audit.snapshot(record, FloatingRecord.AUDITED_FIELDS)))
    member = record.member
    if member is not None and member.is_floating:
        member.is_floating = False
        member.save(update_fields=["is_floating", "updated_at"])
        figures.organizations_changed([member.organization_id])  # today's member figures (issue 15)
        audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=member, changes={"is_floating": [True, False]},
                     note="结束外出流动")
    return record


def flagged_without_record(members):
    """Members of ``members`` the register marks 流动党员 (imported or edited so) with no open 外出
    record: the 流动党员 page lists them to be registered, so the page counts what the list and the
    statistics count (issue 14)."""
    return members.filter(is_floating=True).exclude(
        pk__in=FloatingRecord.objects.filter(ended_on__isnull=True, member__isnull=False).values("member_id"))


def flagged_since(members) -> dict[int, datetime.date]:
    """The day each member of ``members`` was marked 流动党员: the last audited change of the flag
    (a form, an import, the creation), else the day the record was created. One query for the lot."""
    from django.db.models import Max
    from django.utils import timezone

    members = list(members)
    ids = [str(m.pk) for m in members]
    logged = {}
    for start in range(0, len(ids), 500):
        rows = (AuditLog.objects.filter(object_type=Member._meta.label_lower, object_id__in=ids[start:start + 500],
                                        changes__has_key="is_floating")
                .values("object_id").annotate(last=Max("created_at")).order_by())
        logged.update({int(r["object_id"]): timezone.localdate(r["last"]) for r in rows})
    return {m.pk: logged.get(m.pk) or timezone.localdate(m.created_at) for m in members}


def unregistered_warning(member: Member, since: datetime.date, day: datetime.date | None = None):
    """The 3/5-month warning of a member marked 流动党员 without a 外出 record (issue 14): counted from
    the day the flag was set (nothing of contact or dues is known before a record exists), organisational
    life attended in the platform counting as well — so flagged members are watched like registered ones."""
    last = {kind: since for kind in ContactKind.values}
    attended = extensions.last_participation(member.pk)
    if attended is not None:
        last["orglife"] = max(last["orglife"], attended)
    return rules.floating_warning(last, day or today())


def unregistered_warnings(members, day: datetime.date | None = None) -> list[tuple[Member, Any]]:
    """``[(member, warning or None)]`` for ``members``, flagged members without a 外出 record
    (``flagged_without_record``, possibly a page of them)."""
    members = list(members)
    since = flagged_since(members)
    return [(m, unregistered_warning(m, since[m.pk], day)) for m in members]


def last_dates(record: FloatingRecord) -> dict[str, datetime.date]:
    """The last contact, organisational life and dues of a floating member (the record's start if never).

    Organisational life attended in the platform (组织生活 attendance marked 出席) counts as well.
    """
    from django.db.models import Max

    result = {kind: record.since for kind in ContactKind.values}
    for row in record.contacts.values("kind").annotate(last=Max("on")).order_by():
        result[row["kind"]] = max(result[row["kind"]], row["last"])
    if record.member_id is not None:
        last = extensions.last_participation(record.member_id)
        if last is not None:
            result["orglife"] = max(result["orglife"], last)
    return result


def warning_for(record: FloatingRecord, day: datetime.date | None = None):
    if record.ended_on is not None:
        return None
    return rules.floating_warning(last_dates(record), day or today())


def transfer_history(transfer: Transfer):
    """The audit rows of a transfer, oldest first: every step, who, when."""
    return AuditLog.objects.filter(object_type=Transfer._meta.label_lower, object_id=str(transfer.pk)).order_by("created_at", "id")

