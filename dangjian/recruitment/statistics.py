"""The ``recruitment`` block of ``party_stats`` and the statistics page.

admitted: files whose ⑰ 上级党委审批 falls in the period; of them female, 35 and under on the day
of ⑰, 大专及以上, and from a "两新" organisation. stage_counts: files under way now, by their last
recorded step (①–② applicant, ③–⑥ activist, ⑦–⑪ development_target, ⑫–⑱ admission,
⑲–㉔ probation); a file with ㉕ recorded, or ended, is in none.
"""
from __future__ import annotations

import datetime

from django.db.models import Count, Q

from dangjian.core.extensions import StatsBlock
from dangjian.register.rules import age_on
from dangjian.register.vocab import COLLEGE_OR_ABOVE, TWO_NEW_UNIT_TYPES, Sex

from .models import Recruitment, Status
from .steps import STAGE_RANGES


def recruitment(org, as_of: datetime.date, date_from: datetime.date, date_to: datetime.date) -> dict:
    qs = Recruitment.objects.in_subtree(org)
    admitted = qs.filter(approved_on__gte=date_from, approved_on__lte=date_to)
    counts = admitted.aggregate(
        admitted=Count("pk"),
        admitted_female=Count("pk", filter=Q(sex=Sex.FEMALE)),
        admitted_college_or_above=Count("pk", filter=Q(education__in=COLLEGE_OR_ABOVE)),
        admitted_two_new=Count("pk", filter=Q(organization__unit_type__in=TWO_NEW_UNIT_TYPES)),
    )
    young, days = 0, []
    for birth, applied, approved in admitted.values_list("birth_date", "applied_on", "approved_on"):
        young += age_on(birth, approved) <= 35
        days.append((approved - applied).days)
    stage_counts = qs.filter(status=Status.OPEN).aggregate(**{
        stage: Count("pk", filter=Q(last_step__gte=low, last_step__lte=high))
        for stage, (low, high) in STAGE_RANGES.items()
    })
    return {
        "admitted": counts["admitted"],
        "admitted_female": counts["admitted_female"],
        "admitted_35_and_under": young,
        "admitted_college_or_above": counts["admitted_college_or_above"],
        "admitted_two_new": counts["admitted_two_new"],
        "stage_counts": stage_counts,
        "average_days_to_admission": round(sum(days) / len(days), 1) if days else None,
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
    }


BLOCKS = [StatsBlock(key="recruitment", label="发展党员", compute=recruitment, order=40,
                     template="recruitment/stats_block.html")]
