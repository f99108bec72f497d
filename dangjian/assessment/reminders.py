"""Daily: overdue rectifications climb to the next level (``services.escalate_overdue``, idempotent), the
staff of the level an item reached today hear of it, and secretaries hear of deadlines three days ahead."""
from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Iterable

from dangjian.core.actor import Actor
from dangjian.core.extensions import Reminder

from . import services
from .models import Problem

SOON_DAYS = 3


def daily_reminders(day: datetime.date) -> Iterable[Reminder]:
    from dangjian.accounts.models import User

    services.escalate_overdue(actor=Actor.command(), day=day)
    out = []
    escalated = list(Problem.objects.filter(escalated_on=day, signed_off_on__isnull=True)
                     .select_related("organization", "escalated_to"))
    staff = defaultdict(list)
    for u in User.objects.filter(is_active=True, role__in=(User.Role.ORGANISER, User.Role.COUNTY_ADMIN),
                                 organization_id__in={p.escalated_to_id for p in escalated}):
        staff[u.organization_id].append(u)
    for p in escalated:
        text = (f"整改问题{p.number}（{p.organization.name}，{p.category}）已超过整改时限{p.deadline:%Y-%m-%d}，"
                f"逾期上报至{p.escalated_to.name}，请督促整改。")
        for u in staff.get(p.escalated_to_id, []):
            out.append(Reminder(kind="rectification_overdue", key=f"rectification_overdue:{u.pk}:{p.pk}:{day:%Y%m%d}",
                                text=text, day=day, user_id=u.pk, organization_id=p.organization_id))
    soon = list(Problem.objects.filter(signed_off_on__isnull=True, completed_on__isnull=True,
                                       deadline=day + datetime.timedelta(days=SOON_DAYS)).select_related("organization"))
    secretaries = defaultdict(list)
    for u in User.objects.filter(is_active=True, role=User.Role.SECRETARY,
                                 organization_id__in={p.organization_id for p in soon}):
        secretaries[u.organization_id].append(u)
    for p in soon:
        for u in secretaries.get(p.organization_id, []):
            out.append(Reminder(kind="rectification_due", key=f"rectification_due:{u.pk}:{p.pk}:{day:%Y%m%d}",
                                text=f"整改问题{p.number}（{p.description[:30]}）的整改时限是{p.deadline:%Y-%m-%d}，请按时完成并报告。",
                                day=day, user_id=u.pk, organization_id=p.organization_id))
    return out
