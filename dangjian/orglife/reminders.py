"""Daily reminders: near the end of a month, quarter or year (setting ``orglife.reminder_days_before_end``),
each branch secretary hears which required activities the branch has not yet recorded for the period
that is ending. One reminder per secretary, branch and day; computed with one compliance run."""
from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Iterable

from dangjian.core.extensions import Reminder
from dangjian.core.rules import get_setting

from . import compliance, rules


def daily_reminders(day: datetime.date) -> Iterable[Reminder]:
    from dangjian.accounts.models import User

    ending = rules.period_containing(day, 1)
    if (ending.end - day).days > get_setting("orglife.reminder_days_before_end"):
        return []
    # The longest period ending with this month: the year in December, a quarter in March, June, September.
    longest = max((rules.period_containing(day, m) for m in (1, 3, 12)
                   if rules.period_containing(day, m).end == ending.end), key=lambda p: p.months)
    report = compliance.compute(None, longest.start, longest.end)
    missing = {b.id: [s for s in b.missing if s.period.end == ending.end] for b in report.branches}
    missing = {k: v for k, v in missing.items() if v}
    if not missing:
        return []
    names = {b.id: b.name for b in report.branches}
    secretaries = defaultdict(list)
    for user in User.objects.filter(role=User.Role.SECRETARY, is_active=True, organization_id__in=list(missing)):
        secretaries[user.organization_id].append(user)
    out = []
    days_left = (ending.end - day).days
    for branch_id, slots in missing.items():
        items = "、".join(f"{s.period.label}{s.type_label}" for s in slots)
        text = (f"{names[branch_id]}：{items}尚未登记。距{ending.end:%m月%d日}还有{days_left}天，"
                f"已开展的请及时在平台登记；确未开展的请抓紧安排。")
        for user in secretaries.get(branch_id, []):
            out.append(Reminder(kind="activity_missing", key=f"activity_missing:{user.pk}:{branch_id}:{day:%Y%m%d}",
                                text=text, day=day, user_id=user.pk, organization_id=branch_id))
    return out
