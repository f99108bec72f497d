"""What the cadre records tell the governance app (core.extensions.one_shoulder_org_ids): the
organisations whose 书记 serving on a day is recorded as 一肩挑 (also chairs the villagers' or
residents' committee), so that 商议 may merge into the first step of 四议两公开 / 一征三议两公开."""
from __future__ import annotations

import datetime

from .models import Cadre
from .vocab import Post


def one_shoulder_org_ids(day: datetime.date) -> set[int]:
    return set(Cadre.objects.serving_on(day).filter(post=Post.SECRETARY, one_shoulder=True)
               .values_list("organization_id", flat=True))
