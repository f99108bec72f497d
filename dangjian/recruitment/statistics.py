"""The ``recruitment`` block of ``party_stats`` and the statistics page.

admitted: files whose ⑰ 上级党委审批 falls in the period; of them female, 35 and under on the day
of ⑰, 大专及以上, and from a "两新" organisation. stage_counts: files under way now, by their last
recorded step (①–② applicant, ③–⑥ activist, ⑦–⑪ development_target, ⑫–⑱ admission,
⑲–㉔ probation); a file with ㉕ recorded, or ended, is in none.
"""
from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q

from dangjian.core.extensions import KeyRecords, ListSource, StatsBlock
from dangjian.core.scope import subtree_q
from dangjian.register.rules import age_on
from dangjian.register.vocab import COLLEGE_OR_ABOVE, TWO_NEW_UNIT_TYPES, Sex

from .models import Recruitment, Status, StepRecord
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
    # Extra key for the annual tables: probationary members made full members (㉔ 转正) in the period.
    full_in_period = qs.filter(full_on__gte=date_from, full_on__lte=date_to).count()
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
        # Extra key for the work report's 存在问题: steps overdue on ``date_to`` (the to-do list's rules).
        "overdue_steps": len(_overdue(org, date_to)),
        "full_in_period": full_in_period,
        # Extra keys for the 党内统计 annual tables, where the approving body counts: files whose ⑰ (or ㉔)
        # was approved in the period by a committee in the subtree.
        "admitted_by_approving_body": approved_by_body(org, APPROVAL_STEP, "approved_on", date_from, date_to),
        "full_by_approving_body": approved_by_body(org, FULL_APPROVAL_STEP, "full_on", date_from, date_to),
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
    }


APPROVAL_STEP, FULL_APPROVAL_STEP = 17, 24  # ⑰ 上级党委审批 (admission), ㉔ 上级党委审批 (full membership)


def approved_by_body(org, step: int, date_field: str, date_from, date_to) -> int:
    """Files whose ``date_field`` lies in the period, counted where the approving committee of ``step`` lies
    in ``org``'s subtree. A file whose step names no committee (history imported from a ledger) counts at
    its own branch, the only place the platform knows it by."""
    qs = Recruitment.objects.filter(**{f"{date_field}__gte": date_from, f"{date_field}__lte": date_to})
    if org is None:
        return qs.count()
    steps = StepRecord.objects.filter(recruitment=OuterRef("pk"), step=step)
    here = Exists(steps.filter(subtree_q(org, via="committee")))
    named = Exists(steps.filter(committee__isnull=False))
    return qs.filter(here | (~named & subtree_q(org, via="organization"))).count()


def _overdue(org, day: datetime.date):
    from .todo import todo_items

    return [item for item in todo_items(Recruitment.objects.in_subtree(org), day) if item.overdue]


def _has_data(org, date_to) -> bool:
    return Recruitment.objects.in_subtree(org).filter(applied_on__lte=date_to).exists()


_ADMITTED = {
    "admitted": Q(),
    "admitted_female": Q(sex=Sex.FEMALE),
    "admitted_college_or_above": Q(education__in=COLLEGE_OR_ABOVE),
    "admitted_two_new": Q(organization__unit_type__in=TWO_NEW_UNIT_TYPES),
}


def records(org, as_of, date_from, date_to, key):
    """The files behind a key: the admitted (⑰ in the period) and the steps overdue on ``date_to``."""
    if key == "overdue_steps":
        items = ListSource(_overdue(org, date_to))
        return KeyRecords(("姓名", "党支部", "事项", "应办日期", "逾期天数", "说明"), items,
                          lambda i: (i.name, i.organization, i.label, i.due, i.overdue_days, i.text))
    if key not in _ADMITTED and key != "admitted_35_and_under":
        return None
    qs = (Recruitment.objects.in_subtree(org).filter(approved_on__gte=date_from, approved_on__lte=date_to)
          .filter(_ADMITTED.get(key, Q())).select_related("organization").order_by("approved_on", "name", "pk"))
    if key == "admitted_35_and_under":
        qs = ListSource(r for r in qs if age_on(r.birth_date, r.approved_on) <= 35)
    return KeyRecords(("姓名", "性别", "出生年月", "学历", "所在党支部", "上级党委审批日期"), qs,
                      lambda r: (r.name, r.sex, f"{r.birth_date:%Y-%m}", r.education, r.organization.name,
                                 r.approved_on))


def _probe(org) -> list:
    """The files of the subtree, and the steps approved by its committees (``approved_by_body``)."""
    if org is None:
        return [Recruitment.objects.all()]
    return [Recruitment.objects.in_subtree(org), StepRecord.objects.filter(subtree_q(org, via="committee"))]


def _empty(org, as_of, date_from, date_to) -> dict:
    """The block over no file (``_probe`` found none)."""
    return {
        "admitted": 0, "admitted_female": 0, "admitted_35_and_under": 0, "admitted_college_or_above": 0,
        "admitted_two_new": 0, "stage_counts": dict.fromkeys(STAGE_RANGES, 0), "average_days_to_admission": None,
        "overdue_steps": 0, "full_in_period": 0, "admitted_by_approving_body": 0, "full_by_approving_body": 0,
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
    }


BLOCKS = [StatsBlock(key="recruitment", label="发展党员", compute=recruitment, order=40,
                     template="recruitment/stats_block.html", records=records, has_data=_has_data,
                     probe=_probe, empty=_empty)]
