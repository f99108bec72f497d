"""``make bench``: scoring a plan for 1,500 organisations with 6 computed indicators (target < 5 s).

The county is the organisational-life bench's (组织生活基准县: 1,500 branches, 60,000 activity records),
when it exists (``make bench`` runs orglife's bench first); otherwise a county of the same shape without
records is built (names of its own). 1,500 rectification problems are added to it once. The plan's six
computed indicators are the six providers of the platform (组织生活开展率, 发展党员步骤按时率, 组织关系转接及时率,
整改按时销号率, “两新”覆盖率, 培训覆盖率; when one is not installed the heaviest are repeated), plus two scored
indicators scored for every branch. A plan built by an earlier run keeps its indicators (delete it to rebuild). Timed: ``scoring.compute`` (the score sheet,
ranking and flagged bottom places) as the median of a few runs after a warm-up.
"""
from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dangjian.core.scope import subtree_q
from dangjian.register import benchdata
from dangjian.register.models import Division, Organization

from . import scoring
from .statistics import accountability
from .models import Indicator, Plan, PlanTarget, Problem, Score

ORGLIFE_ROOT = "中共组织生活基准县委员会"
PREFIX = "考核基准"
ROOT_ORG_NAME = f"中共{PREFIX}县委员会"
PLAN_NAME = "考核基准：1,500个支部半年考核（6个自动计算指标）"
FALLBACK = [("orglife.compliance", "组织生活开展率（复算）"), ("assessment.signed_off_on_time", "整改按时销号率（复算）")]


def _computed() -> list[tuple[str, str]]:
    """The six computed indicators: every provider installed, padded with the heaviest repeated."""
    from dangjian.core.extensions import computed_indicators

    found = [(i.key, i.label) for i in computed_indicators()][:6]
    return found + FALLBACK[: max(0, 6 - len(found))]


@transaction.atomic
def _county() -> Organization:
    root = Organization.objects.filter(name=ORGLIFE_ROOT).first() or Organization.objects.filter(name=ROOT_ORG_NAME).first()
    if root is not None:
        return root
    root_div, root = benchdata.county_root(PREFIX, ROOT_ORG_NAME)
    towns = benchdata.tree_children(Division, root_div, [{"name": f"{PREFIX}第{i + 1}镇", "category": "镇"} for i in range(30)])
    committees = benchdata.tree_children(Organization, root, [
        {"name": f"中共{PREFIX}第{i + 1}镇委员会", "org_type": "党委", "unit_type": "乡镇", "division": towns[i]}
        for i in range(30)])
    for i, c in enumerate(committees):
        benchdata.tree_children(Organization, c, [
            {"name": f"{PREFIX}第{i + 1}镇第{j + 1}党支部", "org_type": "党支部", "unit_type": "村", "division": towns[i]}
            for j in range(50)])
    return root


@transaction.atomic
def _plan(root: Organization, today: datetime.date) -> Plan:
    plan = Plan.objects.filter(name=PLAN_NAME, owner=root).first()
    if plan is not None:
        return plan
    rng = random.Random(1500)
    branches = list(Organization.objects.filter(subtree_q(root), org_type="党支部").order_by("path")[:1500])
    start = datetime.date(today.year - 1, 7, 1)
    end = datetime.date(today.year - 1, 12, 31)
    Problem.objects.bulk_create([
        Problem(number=f"KHJZ{i:05d}", organization=b, source="考核", category=rng.choice(["组织生活", "党费", "制度落实"]),
                description="基准问题", found_on=start + datetime.timedelta(days=rng.randint(0, 120)),
                deadline=start + datetime.timedelta(days=rng.randint(60, 180)), responsible="书记",
                signed_off_on=(start + datetime.timedelta(days=rng.randint(60, 200))) if rng.random() < 0.6 else None,
                verdict="通过" if rng.random() < 0.6 else "")
        for i, b in enumerate(branches)], batch_size=1000, ignore_conflicts=True)
    plan = Plan.objects.create(name=PLAN_NAME, owner=root, kind="half_year", date_from=start, date_to=end,
                               status="scoring", bottom_places=3)
    inds = [Indicator(plan=plan, area="平台数据", name=label, points=Decimal("10"), kind="computed", computed_key=key,
                      order=i) for i, (key, label) in enumerate(_computed())]
    inds += [Indicator(plan=plan, area="考核组评分", name=f"评分指标{k}", points=Decimal("20"), kind="scored", order=10 + k)
             for k in range(2)]
    Indicator.objects.bulk_create(inds)
    PlanTarget.objects.bulk_create([PlanTarget(plan=plan, organization=b, peer_group=f"第{k % 3 + 1}组")
                                    for k, b in enumerate(branches)])
    targets = list(plan.targets.all())
    scored = list(plan.indicators.filter(kind="scored"))
    Score.objects.bulk_create([Score(target=t, indicator=i, score=Decimal(rng.randint(10, 20))) for t in targets
                               for i in scored], batch_size=2000)
    return plan


def run(report) -> None:
    today = timezone.localdate()
    root = _county()
    plan = _plan(root, today)
    n = plan.targets.count()
    sheet = scoring.compute(plan)
    report(f"考核评分表和排名（{n}个组织 × 6个自动计算指标 + 2个评分指标）",
           round(benchdata.median_ms(lambda: scoring.compute(plan), 3)), "ms",
           f"目标 < 5000 ms；末位标记 {len(sheet.flagged())} 个")
    report("统计块 accountability（全库）", round(benchdata.median_ms(
        lambda: accountability(None, today, plan.date_from, plan.date_to), 3)), "ms")
