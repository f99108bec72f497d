"""The ``sms`` key of the ``platform`` statistics block (a ``StatsPart`` of the transfers' block):
SMS by kind and state — sent, pending (待发送 and 发送中), failed — by the day they are for."""
from __future__ import annotations

from django.db.models import Count, Q

from dangjian.core.extensions import KeyRecords, StatsPart
from dangjian.core.scope import subtree_q

from .models import SMS_KINDS, Channel, Message, MessageStatus


def _in(org):
    return subtree_q(org, "organization") if org is not None else Q()


def sms(org, as_of, date_from, date_to) -> dict:
    counts = {kind: {"sent": 0, "pending": 0, "failed": 0} for kind in SMS_KINDS}
    rows = (Message.objects.filter(_in(org), channel=Channel.SMS, day__gte=date_from, day__lte=date_to)
            .values_list("kind", "status").annotate(n=Count("pk")).order_by())
    bucket = {MessageStatus.SENT: "sent", MessageStatus.PENDING: "pending", MessageStatus.SENDING: "pending",
              MessageStatus.FAILED: "failed"}
    for kind, status, n in rows:
        counts.setdefault(kind, {"sent": 0, "pending": 0, "failed": 0})[bucket[status]] += n
    return counts


def records(org, as_of, date_from, date_to, key):
    """The SMS of a kind and state (key ``sms.<kind>.<state>``)."""
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "sms":
        states = {"sent": [MessageStatus.SENT], "pending": [MessageStatus.PENDING, MessageStatus.SENDING],
                  "failed": [MessageStatus.FAILED]}.get(parts[2])
        if states is None:
            return None
        qs = (Message.objects.filter(_in(org), channel=Channel.SMS, kind=parts[1],
                                     day__gte=date_from, day__lte=date_to, status__in=states)
              .select_related("member", "organization").order_by("day", "pk"))
        return KeyRecords(("日期", "党员", "党组织", "状态"), qs,
                          lambda m: (m.day, m.member.name if m.member_id else "",
                                     m.organization.name if m.organization_id else "", m.get_status_display()))
    return None


def _has_data(org, date_to) -> bool:
    return Message.objects.filter(_in(org), day__lte=date_to).exists()


def _probe(org) -> list:
    return [Message.objects.filter(_in(org), channel=Channel.SMS)]


def _empty(org, as_of, date_from, date_to) -> dict:
    return {kind: {"sent": 0, "pending": 0, "failed": 0} for kind in SMS_KINDS}


PARTS = [StatsPart(block="platform", key="sms", compute=sms, records=records, has_data=_has_data,
                   probe=_probe, empty=_empty)]
