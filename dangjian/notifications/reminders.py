"""Terms ending soon (换届提醒): an organisation whose 本届届满日期 falls within the county's warning
days (setting ``setup.term_warning_days``, default 90) — its secretary and the organisers above it.
Dated by the term's end, so each term is reminded once per person."""
from __future__ import annotations

import datetime

from dangjian.core.extensions import Reminder
from dangjian.core.rules import get_setting
from dangjian.register.models import Organization


def daily_reminders(day: datetime.date):
    from .services import staff_users_for

    until = day + datetime.timedelta(days=get_setting("setup.term_warning_days"))
    for org in Organization.objects.filter(is_active=True, term_ends_on__gte=day, term_ends_on__lte=until):
        left = (org.term_ends_on - day).days
        text = (f"{org.name}本届任期将于{org.term_ends_on:%Y年%m月%d日}届满（还有{left}天），"
                "请按期做好换届选举准备（党章：任期届满应按期进行换届选举）")
        for user_id in staff_users_for(org).values_list("pk", flat=True):
            yield Reminder("term_ending", f"term:{org.pk}:{org.term_ends_on:%Y%m%d}", text, org.term_ends_on,
                           user_id=user_id, organization_id=org.pk)
