"""A rule-abiding timeline for a recruitment, from its application date: the demo county, the
benchmark and the tests build their files from it (and go through the same rules)."""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from dangjian.register.rules import add_months, add_years

from . import rules


@dataclass
class Plan:
    steps: dict[int, datetime.date]
    reviews: list[datetime.date] = field(default_factory=list)  # half-yearly reviews after ⑥
    publicity: tuple[datetime.date, datetime.date] | None = None

    def events_before(self, step: int) -> list[tuple[str, datetime.date, datetime.date | None]]:
        """The (kind, date, end) events to record just before ``step``."""
        if step == 7:
            return [("review", r, None) for r in self.reviews]
        if step == 12 and self.publicity:
            return [("publicity", self.publicity[0], self.publicity[1])]
        return []


def plan_dates(applied_on: datetime.date, rng: random.Random | None = None) -> Plan:
    j = (lambda a, b: rng.randint(a, b)) if rng else (lambda a, b: a)
    day = datetime.timedelta
    s: dict[int, datetime.date] = {1: applied_on}
    s[2] = applied_on + day(j(7, 25))
    s[3] = s[2] + day(j(20, 60))
    s[4] = s[3] + day(j(1, 7))
    s[5] = s[4] + day(j(0, 3))
    s[6] = s[3] + day(j(120, 170))
    reviews = [s[6] + day(j(120, 170))]
    s[7] = max(add_years(s[3], 1) + day(j(0, 30)), reviews[-1] + day(1))
    if s[7] > add_months(reviews[-1], 6):  # keep the half-yearly rhythm
        reviews.append(add_months(reviews[-1], 5))
    s[8] = s[7] + day(j(1, 7))
    s[9] = s[8] + day(j(0, 3))
    s[10] = s[9] + day(j(10, 30))
    s[11] = s[10] + day(j(5, 20))
    start = s[11] + day(j(1, 5))
    try:
        end = rules.publicity_end(start)
    except ValidationError:  # a plan running into years the holiday calendar does not know yet
        end = start + day(7)
    s[12] = end + day(j(1, 5))
    s[13] = s[12] + day(j(3, 10))
    s[14] = s[13] + day(j(1, 5))
    s[15] = s[14] + day(j(3, 10))
    s[16] = s[15] + day(j(5, 15))
    s[17] = s[15] + day(j(20, 60))
    s[18] = s[17] + day(j(3, 10))
    s[19] = s[18] + day(j(0, 5))
    s[20] = s[19] + day(j(0, 10))
    s[21] = s[15] + day(j(150, 200))
    s[22] = add_years(s[15], 1) - day(j(10, 30))
    s[23] = add_years(s[15], 1) + day(j(0, 20))
    s[24] = s[23] + day(j(5, 40))
    s[25] = s[24] + day(j(5, 20))
    return Plan(steps=s, reviews=reviews, publicity=(start, end))
