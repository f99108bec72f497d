"""The daily digests of co-building and "两新" party building (core.extensions.Reminder):

- 联席会议议程: to each organiser, the joint meetings of the regions in their subtree whose agenda has not
  reached every member unit — coming meetings whose deadline (meeting day less cobuilding.agenda_days_ahead)
  is within a week or past, and meetings of the last 30 days whose agenda went out late or not at all;
- 星级评定到期: to each organiser, and to the secretary of the organisation, the "两新" Party organisations
  whose star rating has expired (its cycle, twonew.cycle_years, is over) or that were never rated.

Each item carries its state in its key, so it is sent again only when the state changes.
"""
from __future__ import annotations

import datetime
from typing import Iterable

from django.urls import reverse

from dangjian.core import roles
from dangjian.core.extensions import Reminder
from dangjian.core.scope import is_in_subtree
from dangjian.register.models import Organization

from . import rules, services
from .models import Meeting

AHEAD_DAYS = 7
LOOKBACK_DAYS = 30


def agenda_items(day: datetime.date) -> list[dict]:
    """Meetings whose agenda is due soon and not sent to all, or flagged late/missing, with their region's path."""
    days = rules.get_setting("cobuilding.agenda_days_ahead")
    meetings = (Meeting.objects.filter(date__gte=day - datetime.timedelta(days=LOOKBACK_DAYS),
                                       date__lte=day + datetime.timedelta(days=days + AHEAD_DAYS))
                .select_related("region__organization").order_by("date", "id"))
    items = []
    for m in meetings:
        status = services.agenda_status(m, day)
        coming = status["state"] == rules.AGENDA_PENDING and (status["deadline"] - day).days <= AHEAD_DAYS
        if not (coming or status["flagged"]):
            continue
        names = "、".join(u.unit_name for u in status["missing"] or status["late"])
        text = (f"{'【' + status['state'] + '】' if status['flagged'] else ''}{m.region.organization.name}"
                f"{m.date:%Y-%m-%d}联席会议“{m.topic}”：议程应于{status['deadline']:%Y-%m-%d}前送达"
                f"{'，未送达：' + names if status['missing'] else '，逾期送达：' + names if status['late'] else ''}")
        items.append({"path": m.region.organization.path, "key": f"agenda:{m.pk}:{status['state']}:{len(status['missing'])}",
                      "text": text, "url": reverse("cobuilding:meeting_agenda", args=[m.pk])})
    return items


def rating_items(day: datetime.date) -> list[dict]:
    items = []
    for row in services.rating_cycle_rows(Organization.objects.all(), day):
        if not row["due"]:
            continue
        org, rating = row["org"], row["rating"]
        why = (f"{rating.year}年度评定已于{row['expires_on']:%Y-%m-%d}期满" if rating else "尚未参加星级评定")
        items.append({"path": org.path, "org_id": org.pk, "key": f"rating_due:{org.pk}:{rating.year if rating else 0}",
                      "text": f"{org.name}：{why}，请组织自评", "url": reverse("cobuilding:ratings_due")})
    return items


def daily_reminders(day: datetime.date) -> Iterable[Reminder]:
    from dangjian.accounts.models import User

    agenda, due = agenda_items(day), rating_items(day)
    if not agenda and not due:
        return
    users = (User.objects.filter(is_active=True, role__in=(roles.ORGANISER, roles.SECRETARY), organization__isnull=False)
             .select_related("organization").order_by("pk"))
    for user in users:
        path = user.organization.path
        if user.role == roles.ORGANISER:
            mine = [i for i in agenda if is_in_subtree(i["path"], path)]
            if mine:
                yield Reminder(kind="联席会议议程", key=f"cob_agenda:{user.pk}:{day.isoformat()}",
                               text=f"联席会议议程送达待办{len(mine)}项", day=day, user_id=user.pk,
                               organization_id=user.organization_id,
                               items=[{k: i[k] for k in ("key", "text", "url")} for i in mine])
            rated = [i for i in due if is_in_subtree(i["path"], path)]
        else:
            rated = [i for i in due if i["org_id"] == user.organization_id]
        if rated:
            yield Reminder(kind="星级评定到期", key=f"cob_rating:{user.pk}:{day.isoformat()}",
                           text=f"两新党组织星级评定到期{len(rated)}个", day=day, user_id=user.pk,
                           organization_id=user.organization_id,
                           items=[{k: i[k] for k in ("key", "text", "url")} for i in rated])
