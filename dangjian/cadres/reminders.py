"""换届 reminders, building on the term reminders (notifications: ``term_ending``): an open election whose
planned day is within ``cadres.election_reminder_days`` (default 14) while some candidate's 联审 is not
finished — the township organisers above the organisation. Dated by the planned day, so each election
is reminded once per person."""
from __future__ import annotations

import datetime

from django.db.models import Count, Q

from dangjian.core import roles
from dangjian.core.extensions import Reminder
from dangjian.core.rules import get_setting
from dangjian.core.tree import STEP

from .models import Election
from .vocab import CandidateState, ElectionStatus


def daily_reminders(day: datetime.date):
    from dangjian.accounts.models import User

    until = day + datetime.timedelta(days=get_setting("cadres.election_reminder_days"))
    elections = (Election.objects.filter(status__in=[ElectionStatus.PLANNED, ElectionStatus.VETTING],
                                         planned_on__gte=day, planned_on__lte=until)
                 .annotate(pending=Count("candidates", filter=Q(candidates__state=CandidateState.PENDING)),
                           candidates_n=Count("candidates"))
                 .select_related("organization"))
    for e in elections:
        if e.candidates_n and not e.pending:
            continue
        org = e.organization
        left = (e.planned_on - day).days
        what = f"还有{e.pending}名候选人联审未完成" if e.candidates_n else "尚未提名候选人"
        text = f"{org.name}计划于{e.planned_on:%Y年%m月%d日}换届选举（还有{left}天），{what}，请抓紧办理"
        paths = [org.path[:i] for i in range(STEP, len(org.path) + 1, STEP)]
        for user_id in User.objects.filter(is_active=True, role=roles.ORGANISER,
                                           organization__path__in=paths).values_list("pk", flat=True):
            yield Reminder("term_ending",  # shown as 换届提醒
                           f"election:{e.pk}:{e.planned_on:%Y%m%d}", text, e.planned_on,
                           user_id=user_id, organization_id=org.pk)
