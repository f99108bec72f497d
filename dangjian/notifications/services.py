"""Writes of the notifications app: templates, opt-outs, retries, read marks, and in-app notices
sent by other services after their commit."""
from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.core import roles
from dangjian.core import audit
from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.accounts.models import User
from dangjian.register.models import Member

from . import templating
from .models import Channel, Message, MessageStatus, MessageTemplate, SmsOptOut

def _is_county_admin(user) -> bool:
    return user is None or roles.is_county_admin(user)


@transaction.atomic(durable=True)
def update_template(kind: str, text: str, *, actor: Actor) -> MessageTemplate:
    if not _is_county_admin(actor.user):
        raise PermissionDenied("只有县委组织部管理员可以修改短信模板")
    text = (text or "").strip()
    templating.validate_template(kind, text)
    row = MessageTemplate.objects.select_for_update().filter(kind=kind).first()
    old = row.text if row else templating.DEFAULT_TEMPLATES.get(kind, "")
    if row is None:
        row = MessageTemplate(kind=kind)
    if old == text and row.pk:
        return row
    row.text = text
    row.save()
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=row, changes={"text": [old, text]})
    return row


@transaction.atomic(durable=True)
def set_birthday_sms(member: Member, *, actor: Actor, receive: bool) -> bool:
    """A member (or their branch) chooses whether to receive political-birthday SMS."""
    user = actor.user
    if user is not None and not (user.member_id == member.pk or Member.objects.for_user(user, "change").filter(pk=member.pk).exists()):
        raise PermissionDenied("您不能修改该党员的短信设置")
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    opted_out = SmsOptOut.objects.filter(member=member).exists()
    if opted_out == (not receive):
        return receive
    if receive:
        SmsOptOut.objects.filter(member=member).delete()
    else:
        SmsOptOut.objects.create(member=member)
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=member,
                 changes={"birthday_sms": ["不接收" if receive else "接收", "接收" if receive else "不接收"]},
                 note="政治生日短信设置")
    return receive


@transaction.atomic(durable=True)
def retry_message(message: Message, *, actor: Actor) -> Message:
    """A person has checked a failed SMS and sends it again (the only way a failed one goes out)."""
    message = Message.objects.select_for_update(of=("self",)).select_related("organization").get(pk=message.pk)
    user = actor.user
    if user is not None and not roles.is_supervisor(user):
        raise PermissionDenied("只有县委组织部或乡镇组织员可以重新发送短信")
    if message.status != MessageStatus.FAILED:
        raise ValidationError({"status": [f"该消息当前为“{message.get_status_display()}”，只有发送失败的消息可以重新发送"]})
    old_error = message.last_error
    message.status, message.attempts, message.next_attempt_at = MessageStatus.PENDING, 0, None
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=message,
                 changes={"status": [MessageStatus.FAILED.label, MessageStatus.PENDING.label]}, note=f"重新发送；原失败原因：{old_error}")
    return message


def mark_read(message: Message, user) -> None:
    """Reading one's own message is not an audited change; only the addressee's view marks it."""
    if message.read_at is None and (message.user_id == user.pk or (user.member_id and message.member_id == user.member_id)):
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())


def staff_users_for(org):
    """Organisers and secretaries whose organisation is ``org`` or above it (not the county admins)."""
    return User.objects.staff_over(org)


def notify_staff_and_member(*, orgs, member, kind: str, text: str, ref: str, day: datetime.date) -> int:
    """In-app messages (after a service's commit) to the staff of ``orgs`` and to ``member``."""
    now = timezone.now()
    rows = []
    seen = set()
    for org in orgs:
        if org is None:
            continue
        for user_id in staff_users_for(org).values_list("pk", flat=True):
            if user_id in seen:
                continue
            seen.add(user_id)
            rows.append(Message(channel=Channel.IN_APP, kind=kind, day=day, ref=ref, user_id=user_id,
                                organization=org, text=text, status=MessageStatus.SENT, sent_at=now))
    if member is not None:
        rows.append(Message(channel=Channel.IN_APP, kind=kind, day=day, ref=ref, member=member,
                            organization_id=member.organization_id, text=text, status=MessageStatus.SENT, sent_at=now))
    Message.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
