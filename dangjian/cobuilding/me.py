"""The member's 双报到 card on 我的 (core.extensions.HomePanel, placement "me"): the report slip, the posts
claimed, the hours served (this year and in all) with the quarterly card back to the branch, and the forms to
claim a post and to record hours (services.claim_post, services.record_service)."""
from __future__ import annotations

import datetime
from decimal import Decimal

from dangjian.core.scope import VIEW

from . import rules, services
from .models import DualReport


def dual_card(user, today: datetime.date) -> dict:
    if not user.member_id:
        return {"dual_reports": []}
    reports = (DualReport.objects.for_user(user, VIEW).filter(member_id=user.member_id)
               .select_related("community").prefetch_related("services").order_by("-reported_on", "-id"))
    items = []
    for r in reports:
        records = list(r.services.all())
        claimed = rules.post_list(r.posts)
        active = r.ended_on is None or r.ended_on > today
        items.append({
            "report": r, "active": active, "claimed": claimed,
            "unclaimed": [p for p in rules.dual_posts() if p not in claimed] if active else [],
            "hours": sum((s.hours for s in records), Decimal("0")),
            "year_hours": sum((s.hours for s in records if s.date.year == today.year), Decimal("0")),
            "cards": services.quarterly_card(r)[:4], "recent": records[:3],
        })
    return {"dual_reports": items, "dual_today": today}
