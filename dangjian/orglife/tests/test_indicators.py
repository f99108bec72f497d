"""The 组织生活开展率 computed indicator against a hand-counted county, and the 调阅 整改要求 hook."""
import datetime

from dangjian.core import extensions
from dangjian.core.actor import Actor
from dangjian.core.extensions import IndicatorValue, computed_indicator
from dangjian.orglife import services
from dangjian.orglife.vocab import ActivityType as T

FEB = (datetime.date(2025, 2, 1), datetime.date(2025, 2, 28))


def test_compliance_indicator_per_organisation_over_its_subtree(county, make_activity):
    # February 2025: only monthly requirements; the three small branches without groups owe one 主题党日 each.
    make_activity(county["village_branch"], T.THEME_DAY, datetime.date(2025, 2, 28))
    make_activity(county["firm_branch"], T.THEME_DAY, datetime.date(2025, 3, 1))  # March: not February
    ind = computed_indicator("orglife.compliance")
    orgs = [county[k] for k in ("root", "town_committee", "street_committee", "village_branch", "firm_branch")]
    values = ind.compute(orgs, *FEB)
    assert values[county["root"].id] == IndicatorValue(1, 3)
    assert values[county["town_committee"].id] == IndicatorValue(1, 2)
    assert values[county["street_committee"].id] == IndicatorValue(0, 1)
    assert values[county["village_branch"].id].rate == 1.0
    assert values[county["firm_branch"].id].rate == 0.0
    records = ind.records(county["town_committee"], *FEB)
    assert sorted((r.organization, r.counted) for r in records) == sorted(
        [(county["village_branch"].name, True), (county["firm_branch"].name, False)])


def test_a_rectification_request_is_passed_to_the_problem_receivers(users, county, make_activity, monkeypatch):
    got = []
    monkeypatch.setattr(extensions, "_problem_receivers", [lambda p, actor: got.append(p)])
    monkeypatch.setattr(extensions, "_answer_receivers", [lambda o, t, d, actor: got.append((o, t))])
    activity = make_activity(county["village_branch"], T.THEME_DAY, datetime.date(2025, 2, 28))
    actor = Actor(users["organiser"])
    services.add_review_comment(activity, actor=actor, kind="comment", text="记录较简略")
    assert got == []
    comment = services.add_review_comment(activity, actor=actor, kind="rectification", text="补齐出席名单")
    assert len(got) == 1 and got[0].source == "调阅" and got[0].category == "组织生活"
    assert got[0].organization_id == county["village_branch"].id and got[0].origin == f"orglife.reviewcomment:{comment.pk}"
    services.answer_review_comment(comment, actor=Actor(users["secretary"]), answer="已补齐")
    assert got[1] == (f"orglife.reviewcomment:{comment.pk}", "已补齐")
