"""Cross-app hooks through core.extensions, tested where both sides may be imported (the top layer):
orglife's 调阅 整改要求 lands in the assessment app's rectification ledger."""
import datetime

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
