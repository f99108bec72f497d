"""Assessment indicator computed from transfers: handled in time (core.extensions.ComputedIndicator).

A letter (介绍信) issued in the period to an organisation on the platform is handled in time when the
receiving organisation accepted the member on or before the letter's last valid day. It is due once it was
accepted or its validity ended by the end of the period; a letter still valid and not yet accepted owes
nothing yet. The value belongs to the receiving organisation (转入党组织).
"""
from __future__ import annotations

from django.db.models import Q

from dangjian.core.extensions import ComputedIndicator, IndicatorRecord, rollup_by_path
from dangjian.core.scope import subtree_q

from .models import Transfer


def _due(path_prefix, date_from, date_to):
    qs = (Transfer.objects.filter(to_org__isnull=False, issued_on__gte=date_from, issued_on__lte=date_to,
                                  valid_until__isnull=False)
          .filter(Q(accepted_on__isnull=False) | Q(valid_until__lte=date_to)))
    if path_prefix:
        qs = qs.filter(subtree_q(path_prefix, "to_org"))
    return qs


def _in_time(t) -> bool:
    return t["accepted_on"] is not None and t["accepted_on"] <= t["valid_until"]


def _handled_in_time(orgs, date_from, date_to):
    import os
    from dangjian.core.tree import STEP
    orgs = list(orgs)
    if not orgs:
        return {}
    prefix = os.path.commonprefix([o.path for o in orgs])
    prefix = prefix[: len(prefix) - len(prefix) % STEP]
    rows = ((t["to_org__path"], int(_in_time(t)), 1)
            for t in _due(prefix, date_from, date_to).values("to_org__path", "accepted_on", "valid_until"))
    return rollup_by_path(orgs, rows)


def _records(org, date_from, date_to):
    out = []
    for t in (_due(org.path, date_from, date_to).order_by("issued_on", "id")
              .values("letter_number", "member__name", "to_org__name", "issued_on", "valid_until", "accepted_on")):
        note = (f"{t['issued_on']:%Y-%m-%d}开具，有效期至{t['valid_until']:%Y-%m-%d}，"
                + (f"{t['accepted_on']:%Y-%m-%d}接收" if t["accepted_on"] else "未接收"))
        out.append(IndicatorRecord(label=f"{t['letter_number'] or '介绍信'}（{t['member__name']}）", day=t["issued_on"],
                                   counted=_in_time(t), note=note, organization=t["to_org__name"]))
    return out


INDICATORS = [
    ComputedIndicator(
        key="transfers.handled_in_time", label="组织关系转接及时率",
        formula="介绍信有效期内接收的转接 ÷ 期间内开具且已接收或已过有效期的转接（计入转入党组织）",
        source="transfers.Transfer", compute=_handled_in_time, records=_records, order=30),
]
