"""What the daily job tells whom about transfers and floating members (core.extensions.Reminder).

- a letter about to expire (within the county's warning days): the receiving organisation's staff
  and the member; an expired one: the sending committee, which must issue it again;
- a floating member 3 or 5 months without contact, organisational life or dues: their branch's staff
  (also a member marked 流动党员 without a 外出 record, counted from the day of the mark).

Each reminder is dated by the day it is about (the letter's 有效期至, the day a warning was reached),
so the job run on any later day finds the same key and sends nothing twice.
"""
from __future__ import annotations

import datetime

from dangjian.accounts.models import User
from dangjian.core.extensions import Reminder
from dangjian.core.rules import get_setting
from dangjian.register.models import Member
from dangjian.register.vocab import MemberStatus

from .models import FloatingRecord, Kind, Status, Transfer


def _staff(org):
    return list(User.objects.staff_over(org).values_list("pk", flat=True)) if org is not None else []


def transfer_reminders(day: datetime.date):
    warn = get_setting("transfers.letter_expiry_warning_days")
    issued = Transfer.objects.filter(kind=Kind.INTERNAL, status=Status.ISSUED).select_related("member", "from_org", "to_org")
    for t in issued.filter(valid_until__gte=day, valid_until__lte=day + datetime.timedelta(days=warn)):
        left = (t.valid_until - day).days
        text = (f"{t.member.name}的组织关系介绍信（{t.letter_number}）将于{t.valid_until:%Y年%m月%d日}到期"
                f"（{'今天到期' if left == 0 else f'还有{left}天'}），请尽快到{t.to_org.name}报到并办理接收；过期须重新开具")
        key = f"transfer:{t.pk}:{t.letter_number}"
        for user_id in _staff(t.to_org):
            yield Reminder("transfer_expiring", key, text, t.valid_until, user_id=user_id, organization_id=t.to_org_id)
        yield Reminder("transfer_expiring", key, text, t.valid_until, member_id=t.member_id, organization_id=t.from_org_id)
    for t in issued.filter(valid_until__lt=day):
        text = (f"{t.member.name}的组织关系介绍信（{t.letter_number}）已于{t.valid_until:%Y年%m月%d日}过期，"
                f"转入党组织尚未接收，请重新开具或撤销")
        for user_id in _staff(t.from_org):
            yield Reminder("transfer_expired", f"transfer:{t.pk}:{t.letter_number}", text,
                           t.valid_until + datetime.timedelta(days=1), user_id=user_id, organization_id=t.from_org_id)


def floating_reminders(day: datetime.date):
    from .services import warning_for

    for record in FloatingRecord.objects.active().select_related("organization"):
        warning = warning_for(record, day)
        if warning is None:
            continue
        text = f"流动党员{record.name}（{record.place}）{warning.text}"
        key = f"floating:{record.pk}:{warning.months}:{warning.category}:{warning.last_on:%Y%m%d}"
        for user_id in _staff(record.organization):
            yield Reminder("floating_warning", key, text, warning.due_on, user_id=user_id,
                           organization_id=record.organization_id)


def unregistered_floating_reminders(day: datetime.date):
    """Members marked 流动党员 without a 外出 record are warned about like the registered ones (issue 14),
    counted from the day they were marked, and the text asks for the record."""
    from .services import flagged_without_record, unregistered_warnings

    members = flagged_without_record(Member.objects.filter(status=MemberStatus.NORMAL)).select_related("organization")
    for member, warning in unregistered_warnings(members, day):
        if warning is None:
            continue
        text = f"流动党员{member.name}（尚未登记外出信息）{warning.text}；请补登记外出地点和联系方式"
        key = f"floating-member:{member.pk}:{warning.months}:{warning.category}:{warning.last_on:%Y%m%d}"
        for user_id in _staff(member.organization):
            yield Reminder("floating_warning", key, text, warning.due_on, user_id=user_id,
                           organization_id=member.organization_id)


def daily_reminders(day: datetime.date):
    yield from transfer_reminders(day)
    yield from floating_reminders(day)
    yield from unregistered_floating_reminders(day)
