"""Plans: indicator definitions (no logins or clicks), scoring and deduction at their edges, computed
indicators in the sheet, ranking ties, flagged bottom places and the closing guard, results used."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dangjian.assessment import scoring, services
from dangjian.assessment.models import Plan
from dangjian.core.actor import Actor

D = datetime.date


@pytest.fixture
def plan(county, admin):
    p = services.create_plan(actor=admin, owner=county["root"], name="2026年上半年基层党建考核", kind="half_year",
                             date_from=D(2026, 1, 1), date_to=D(2026, 6, 30), bottom_places=1)
    services.add_targets(p, actor=admin, organizations=[county["village_branch"], county["firm_branch"],
                                                         county["community_branch"]], peer_group="党支部")
    return p


def test_an_indicator_on_logins_or_clicks_is_refused(plan, admin):
    with pytest.raises(ValidationError) as err:
        services.add_indicator(plan, actor=admin, area="平台应用", name="党员登录次数", points=5, kind="scored",
                               check_method="统计平台登录次数")
    assert "不得作为考核指标" in " ".join(err.value.message_dict["name"])
    with pytest.raises(ValidationError) as err:
        services.add_indicator(plan, actor=admin, area="平台应用", name="资料上传", points=5, kind="scored",
                               rule="每上传一份照片得1分")
    assert "不得作为考核指标" in " ".join(err.value.message_dict["name"])
    with pytest.raises(ValidationError) as err:
        services.add_indicator(plan, actor=admin, area="组织生活", name="开展率", points=5, kind="computed",
                               computed_key="accounts.login_count")
    assert "请选择平台数据指标" in " ".join(err.value.message_dict["computed_key"])
    assert plan.indicators.count() == 0


def test_scores_above_the_points_or_negative_are_refused_and_the_edges_accepted(plan, admin, county, users):
    ind = services.add_indicator(plan, actor=admin, area="班子建设", name="班子团结", points=Decimal("10"), kind="scored")
    services.start_scoring(plan, actor=admin)
    target = plan.targets.get(organization=county["village_branch"])
    for bad in ("10.01", "-1"):
        with pytest.raises(ValidationError) as err:
            services.score_indicator(target, ind, actor=admin, score=bad)
        assert "score" in err.value.message_dict
    assert services.score_indicator(target, ind, actor=admin, score="10").score == Decimal("10")
    assert services.score_indicator(target, ind, actor=admin, score="0").score == Decimal("0")
    with pytest.raises(ValidationError):
        services.self_assess(target, ind, actor=Actor(users["secretary"]), self_score="11")


def test_deduction_never_goes_below_zero(plan, admin, county):
    ind = services.add_indicator(plan, actor=admin, area="党费", name="党费收缴", points=Decimal("5"), kind="deduction",
                                 deduction_per_item=Decimal("2"))
    services.start_scoring(plan, actor=admin)
    target = plan.targets.get(organization=county["firm_branch"])
    assert services.score_indicator(target, ind, actor=admin, faults=0).score == Decimal("5")
    assert services.score_indicator(target, ind, actor=admin, faults=2).score == Decimal("1")
    assert services.score_indicator(target, ind, actor=admin, faults=3).score == Decimal("0")


def _scored_plan(plan, admin, county, scores):
    ind = services.add_indicator(plan, actor=admin, area="综合", name="综合评价", points=Decimal("100"), kind="scored")
    services.start_scoring(plan, actor=admin)
    for key, value in scores.items():
        services.score_indicator(plan.targets.get(organization=county[key]), ind, actor=admin, score=value)
    return ind


def test_ranking_ties_share_a_rank_and_every_tied_last_place_is_flagged(plan, admin, county):
    _scored_plan(plan, admin, county, {"village_branch": 90, "firm_branch": 80, "community_branch": 80})
    sheet = scoring.compute(plan)
    ranks = {r.organization.name: (r.rank, r.flagged) for r in sheet.results}
    assert ranks == {county["village_branch"].name: (1, False), county["firm_branch"].name: (2, True),
                     county["community_branch"].name: (2, True)}


def test_ranking_is_per_peer_group(plan, admin, county):
    plan.targets.filter(organization=county["community_branch"]).update(peer_group="社区")
    _scored_plan(plan, admin, county, {"village_branch": 90, "firm_branch": 80, "community_branch": 10})
    sheet = scoring.compute(plan)
    flagged = {r.organization.name for r in sheet.flagged()}
    assert flagged == {county["firm_branch"].name, county["community_branch"].name}


def test_the_plan_cannot_close_until_each_bottom_place_has_a_decision(plan, admin, county):
    _scored_plan(plan, admin, county, {"village_branch": 90, "firm_branch": 80, "community_branch": 70})
    with pytest.raises(ValidationError):
        services.close_plan(plan, actor=admin)  # not yet published
    services.publish(plan, actor=admin, day=D(2026, 7, 10))
    with pytest.raises(ValidationError) as err:
        services.close_plan(plan, actor=admin)
    assert county["community_branch"].name in str(err.value) and "尚未登记问责决定" in str(err.value)
    last = plan.targets.get(organization=county["community_branch"])
    with pytest.raises(ValidationError) as err:
        services.record_decision(last, actor=admin, kind="不予问责", reason="", decided_on=D(2026, 7, 15))
    assert "不予问责须写明理由" in str(err.value)
    services.record_decision(last, actor=admin, kind="约谈", reason="书记约谈支部书记", decided_on=D(2026, 7, 15))
    assert services.close_plan(plan, actor=admin).status == "closed"


def test_publishing_needs_every_assessor_score(plan, admin, county):
    _scored_plan(plan, admin, county, {"village_branch": 90})
    with pytest.raises(ValidationError) as err:
        services.publish(plan, actor=admin)
    assert "还有2项考核组评分未完成" in str(err.value)


def test_computed_indicators_score_points_times_rate_with_the_formula(plan, admin, county, make_problem):
    # 整改按时销号率: village 1 of 2 due in the period signed off on time; firm none due (full points).
    a = make_problem(found_on=D(2026, 1, 5), deadline=D(2026, 2, 5))
    make_problem(found_on=D(2026, 1, 6), deadline=D(2026, 3, 5))
    a = services.report_progress(a, actor=admin, day=D(2026, 2, 1), text="完成", completed=True)
    a = services.verify(a, actor=admin, verified_on=D(2026, 2, 3), verdict="通过")
    services.sign_off(a, actor=admin, day=D(2026, 2, 5))
    services.add_indicator(plan, actor=admin, area="整改落实", name="整改按时销号", points=Decimal("10"), kind="computed",
                           computed_key="assessment.signed_off_on_time")
    sheet = scoring.compute(plan)
    cells = {r.organization.name: r.cells[0] for r in sheet.results}
    assert cells[county["village_branch"].name].score == Decimal("5.00")
    assert cells[county["village_branch"].name].rate_text == "1/2＝50.0%"
    assert cells[county["firm_branch"].name].score == Decimal("10")
    assert sheet.unscored == 0


def test_results_used_are_counted_and_plans_without_any_are_shown(plan, admin, county):
    from dangjian.assessment.views import plans_without_uses
    _scored_plan(plan, admin, county, {"village_branch": 90, "firm_branch": 80, "community_branch": 70})
    services.publish(plan, actor=admin, day=D(2026, 7, 10))
    assert list(plans_without_uses(Plan.objects.all())) == [plan]
    services.record_use(plan, actor=admin, kind="表彰奖励", decision="表彰先进基层党组织", decided_on=D(2026, 7, 20),
                        decided_by="县委", organization=county["village_branch"])
    assert list(plans_without_uses(Plan.objects.all())) == []


def test_an_indicator_is_removed_only_while_the_plan_is_drafted(plan, admin):
    ind = services.add_indicator(plan, actor=admin, area="综合", name="甲", points=Decimal("10"), kind="scored")
    keep = services.add_indicator(plan, actor=admin, area="综合", name="乙", points=Decimal("10"), kind="scored")
    services.remove_indicator(ind, actor=admin)
    assert list(plan.indicators.all()) == [keep]
    services.start_scoring(plan, actor=admin)
    with pytest.raises(ValidationError):
        services.remove_indicator(keep, actor=admin)
