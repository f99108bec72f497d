"""The daily digest of the to-do list for each secretary and organiser with something to do."""
from __future__ import annotations

import datetime
from typing import Iterable

from django.urls import reverse

from dangjian.core.extensions import Reminder
from dangjian.core.scope import is_in_subtree

from .models import Recruitment
from .todo import todo_items



def daily_reminders(day: datetime.date) -> Iterable[Reminder]:
    from dangjian.accounts.models import User

    items = todo_items(Recruitment.objects.all(), day)
    if not items:
        return
    users = (User.objects.filter(is_active=True, role__in=(User.Role.SECRETARY, User.Role.ORGANISER),
                                 organization__isnull=False).select_related("organization").order_by("pk"))
    for user in users:
        path = user.organization.path
        mine = [i for i in items if is_in_subtree(i.organization_path, path)]
        if not mine:
            continue
        overdue = sum(1 for i in mine if i.overdue)
        head = f"发展党员待办{len(mine)}项" + (f"，其中逾期{overdue}项" if overdue else "")
        # Each item in its current state: it is sent again only when it changes (e.g. becomes overdue).
        digest = [{"key": f"{i.kind}:{i.recruitment_id}:{i.due.isoformat()}:{int(i.overdue)}",
                  "text": f"{'【逾期】' if i.overdue else ''}{i.name}（{i.organization}）{i.label}：{i.text}",
                  "url": reverse("recruitment:detail", args=[i.recruitment_id])} for i in mine]
        yield Reminder(kind="recruitment_due", key=f"recruitment_due:{user.pk}:{day.isoformat()}",
                       text=head, day=day, user_id=user.pk, organization_id=user.organization_id, items=digest)
