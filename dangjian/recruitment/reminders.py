"""The daily digest of the to-do list for each secretary and organiser with something to do."""
from __future__ import annotations

import datetime
from typing import Iterable

from dangjian.core.extensions import Reminder
from dangjian.core.scope import is_in_subtree

from .models import Recruitment
from .todo import todo_items

MAX_LINES = 20


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
        head = f"发展党员待办{len(mine)}项" + (f"，其中逾期{overdue}项" if overdue else "") + "："
        lines = [f"{'【逾期】' if i.overdue else ''}{i.name}（{i.organization}）{i.label}：{i.text}" for i in mine[:MAX_LINES]]
        if len(mine) > MAX_LINES:
            lines.append(f"……另有{len(mine) - MAX_LINES}项，请登录平台查看")
        yield Reminder(kind="recruitment_due", key=f"recruitment_due:{user.pk}:{day.isoformat()}",
                       text=head + "\n" + "\n".join(lines), day=day, user_id=user.pk,
                       organization_id=user.organization_id)
