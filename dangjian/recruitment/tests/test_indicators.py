"""The 发展党员步骤按时率 computed indicator against hand-counted files."""
import datetime

from dangjian.core.extensions import IndicatorValue, computed_indicator
from dangjian.recruitment.models import Recruitment

D = datetime.date
H1 = (D(2026, 1, 1), D(2026, 6, 30))


def test_steps_on_time_counts_deadlines_falling_in_the_period(county, new_recruitment):
    from dangjian.conftest import make_id_number
    from dangjian.recruitment.tests.conftest import applicant

    def file(n, branch, applied_on, **dates):
        r = new_recruitment(**{**applicant(county, organization=county[branch], applied_on=applied_on),
                               "name": f"申请人{n}", "id_number": make_id_number(D(1995, 8, 8), "女", 600 + n)})
        Recruitment.objects.filter(pk=r.pk).update(**dates)
        return r

    # talk due 2026-02-01, held 2026-02-01 (on the day: on time)
    file(1, "village_branch", D(2026, 1, 1), talked_on=D(2026, 2, 1))
    # talk due 2026-03-10, held 2026-03-11 (late)
    file(2, "village_branch", D(2026, 2, 10), talked_on=D(2026, 3, 11))
    # talk due 2026-07-15: outside the period
    file(3, "firm_branch", D(2026, 6, 15))
    # applied 2025 (talk due 2025), admitted 2026-01-10 → approval due 2026-04-10, approved 2026-04-01 (on time)
    file(4, "firm_branch", D(2024, 3, 1), talked_on=D(2024, 3, 20), admitted_on=D(2026, 1, 10), approved_on=D(2026, 4, 1))
    # talk due 2026-05-20, never held (late)
    file(5, "community_branch", D(2026, 4, 20))
    ind = computed_indicator("recruitment.steps_on_time")
    values = ind.compute([county["root"], county["town_committee"], county["street_committee"], county["firm_branch"]], *H1)
    assert values[county["root"].id] == IndicatorValue(2, 4)
    assert values[county["town_committee"].id] == IndicatorValue(2, 3)
    assert values[county["street_committee"].id] == IndicatorValue(0, 1)
    assert values[county["firm_branch"].id] == IndicatorValue(1, 1)
    records = ind.records(county["town_committee"], *H1)
    assert sorted((r.label, r.counted) for r in records) == [
        ("申请人1：谈话", True), ("申请人2：谈话", False), ("申请人4：上级党委审批", True)]
