"""Cross-app hooks through core.extensions, tested where both sides may be imported (the top layer):
orglife's 调阅 整改要求 lands in the assessment app's rectification ledger."""
import datetime

import pytest

from dangjian.assessment.models import Problem
from dangjian.assessment.vocab import ProblemState
from dangjian.core.actor import Actor

D = datetime.date


def test_the_orglife_rectification_request_lands_in_the_ledger(users, county):
    from dangjian.orglife import services as orglife
    from dangjian.orglife.models import Activity

    activity = Activity.objects.create(organization=county["village_branch"], activity_type="theme_day",
                                       date=D(2026, 3, 2), start_time=datetime.time(9), end_time=datetime.time(10),
                                       place="会议室", host="书记", topic="主题党日", expected_count=5, present_count=5,
                                       recorded_on=D(2026, 3, 2))
    comment = orglife.add_review_comment(activity, actor=Actor(users["organiser"]), kind="rectification",
                                         text="会议记录缺少议定事项")
    p = Problem.objects.get(origin=f"orglife.reviewcomment:{comment.pk}")
    assert (p.source, p.category, p.organization) == ("调阅", "组织生活", county["village_branch"])
    orglife.answer_review_comment(comment, actor=Actor(users["secretary"]), answer="已补充")
    p.refresh_from_db()
    assert p.completed_on is not None and p.state == ProblemState.DONE


def test_cadres_tell_governance_which_secretaries_are_one_shoulder_on_the_day(county):
    from dangjian.cadres.models import Cadre
    from dangjian.core.extensions import one_shoulder_org_ids

    village, community, firm = county["village_branch"], county["community_branch"], county["firm_branch"]
    assert one_shoulder_org_ids(D(2026, 3, 1)) == set()
    Cadre.objects.create(organization=village, name="张书记", post="书记", started_on=D(2024, 1, 1),
                         ended_on=D(2026, 3, 1), one_shoulder=True)
    Cadre.objects.create(organization=village, name="王书记", post="书记", started_on=D(2026, 3, 1))
    Cadre.objects.create(organization=community, name="赵书记", post="书记", started_on=D(2025, 1, 1),
                         one_shoulder=True)
    Cadre.objects.create(organization=firm, name="钱副书记", post="副书记", started_on=D(2025, 1, 1),
                         one_shoulder=True)  # not a secretary
    assert one_shoulder_org_ids(D(2026, 2, 28)) == {village.pk, community.pk}
    assert one_shoulder_org_ids(D(2026, 3, 1)) == {community.pk}  # 离任日期 is the first day not served
    assert one_shoulder_org_ids(D(2024, 12, 31)) == {village.pk}


def test_governance_checks_a_one_shoulder_matter_against_the_cadre_records(county, users):
    from django.core.exceptions import ValidationError

    from dangjian.cadres.models import Cadre
    from dangjian.governance import services as governance

    Cadre.objects.create(organization=county["community_branch"], name="赵书记", post="书记",
                         started_on=D(2025, 1, 1), one_shoulder=True)
    actor = Actor(users["admin"])
    with pytest.raises(ValidationError) as err:
        governance.open_matter(actor=actor, organization=county["village_branch"], name="修村道",
                               category="工程项目", opened_on=D(2026, 1, 5), one_shoulder=True)
    assert "一肩挑" in err.value.message_dict["one_shoulder"][0]
    matter = governance.open_matter(actor=actor, organization=county["community_branch"], name="修社区道路",
                                    category="工程项目", opened_on=D(2026, 1, 5), one_shoulder=True)
    assert matter.one_shoulder
