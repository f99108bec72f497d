"""The ``platform`` block of ``party_stats``: transfers, floating members and SMS over a period.

- transfers_online: transfers inside the platform completed (回执 recorded) in the period;
- transfers_out / transfers_in: letters to outside the platform issued, and members from outside
  who reported in, in the period;
- floating_out / floating_in: floating-member records in force at any time of the period;
- sms: per kind, the SMS dated in the period (by the day they are for, not the day they went
  out): sent, pending (waiting or being sent) and failed.

With an organisation: a transfer counts when either side lies in its subtree; records and messages
by their organisation. Dates inclusive.
"""
from __future__ import annotations

from django.db.models import Count, Q

from dangjian.core.extensions import KeyRecords, StatsBlock
from dangjian.core.scope import subtree_q

from .models import Direction, FloatingRecord, Kind, Status, Transfer


def _in(org, *fields) -> Q:
    if org is None:
        return Q()
    q = Q()
    for field in fields:
        q |= subtree_q(org, field)
    return q


def platform(org, as_of, date_from, date_to) -> dict:
    """The transfers' keys of the ``platform`` block (the notifications app adds ``sms``: a StatsPart)."""
    period = {"from": date_from, "to": date_to}
    transfers = Transfer.objects.all()
    online = transfers.filter(_in(org, "from_org", "to_org"), kind=Kind.INTERNAL, status=Status.COMPLETED,
                              completed_on__gte=date_from, completed_on__lte=date_to).count()
    out = transfers.filter(_in(org, "from_org"), kind=Kind.OUT, issued_on__gte=date_from, issued_on__lte=date_to).count()
    came = transfers.filter(_in(org, "to_org"), kind=Kind.IN, reported_on__gte=date_from, reported_on__lte=date_to).count()
    in_force = Q(since__lte=date_to) & (Q(ended_on__isnull=True) | Q(ended_on__gte=date_from))
    floating = FloatingRecord.objects.filter(_in(org, "organization"), in_force).aggregate(
        out=Count("pk", filter=Q(direction=Direction.OUT)), came=Count("pk", filter=Q(direction=Direction.IN)))
    return {
        "period": {k: v.isoformat() for k, v in period.items()},
        "transfers_online": online, "transfers_out": out, "transfers_in": came,
        "floating_out": floating["out"], "floating_in": floating["came"],
    }


def _has_data(org, date_to) -> bool:
    return Transfer.objects.filter(_in(org, "from_org", "to_org"), requested_on__lte=date_to).exists()


def records(org, as_of, date_from, date_to, key):
    """The records behind a key: the transfers completed online (the SMS: notifications' part)."""
    if key == "transfers_online":
        qs = (Transfer.objects.filter(_in(org, "from_org", "to_org"), kind=Kind.INTERNAL, status=Status.COMPLETED,
                                      completed_on__gte=date_from, completed_on__lte=date_to)
              .select_related("member", "from_org", "to_org").order_by("completed_on", "pk"))
        return KeyRecords(("党员", "转出党组织", "转入党组织", "介绍信编号", "办结日期"), qs,
                          lambda t: (t.member.name, t.from_org.name if t.from_org_id else "",
                                     t.to_org.name if t.to_org_id else "", t.letter_number, t.completed_on))
    return None


def _probe(org) -> list:
    return [Transfer.objects.filter(_in(org, "from_org", "to_org")), FloatingRecord.objects.filter(_in(org, "organization"))]


def _empty(org, as_of, date_from, date_to) -> dict:
    """The transfers' keys over no transfer and no floating record (``_probe`` found none)."""
    return {
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "transfers_online": 0, "transfers_out": 0, "transfers_in": 0, "floating_out": 0, "floating_in": 0,
    }


BLOCKS = [StatsBlock(key="platform", label="组织关系转接与消息", compute=platform, order=70,
                     template="transfers/stats_block.html", records=records, has_data=_has_data,
                     probe=_probe, empty=_empty)]
