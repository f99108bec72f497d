"""The rectification ledger: its states, sign-off only after a passed verification, recurrence at 730 and
731 days, escalation of overdue items, the 调阅 hook, bad input."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.assessment import services
from dangjian.assessment.models import Problem
from dangjian.assessment.vocab import ProblemState
from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog

D = datetime.date


def test_a_problem_goes_through_every_state(make_problem, organiser, users):
    p = make_problem()
    assert p.state == ProblemState.OPEN
    secretary = Actor(users["secretary"])
    p = services.report_progress(p, actor=secretary, day=D(2026, 1, 20), text="已召开专题会议")
    p = services.report_progress(p, actor=secretary, day=D(2026, 2, 1), text="整改完毕", completed=True)
    assert p.state == ProblemState.DONE
    p = services.verify(p, actor=organiser, verified_on=D(2026, 2, 5), verdict="未通过", note="记录不全")
    assert p.state == ProblemState.FAILED
    p = services.report_progress(p, actor=secretary, day=D(2026, 2, 8), text="补齐记录", completed=True)
    assert p.state == ProblemState.DONE and p.verdict == ""
    p = services.verify(p, actor=organiser, verified_on=D(2026, 2, 9), verdict="通过")
    assert p.state == ProblemState.PASSED
    p = services.sign_off(p, actor=organiser, day=D(2026, 2, 9))
    assert p.state == ProblemState.SIGNED_OFF
    p = services.record_lookback(p, actor=organiser, day=D(2026, 8, 9), note="未反弹", held=True)
    assert p.state == ProblemState.LOOKED_BACK
    assert [e.kind for e in p.progress.all()] == ["进展", "整改完成", "复查", "整改完成", "复查", "销号", "回头看"]
    for state in ProblemState.values:
        assert list(Problem.objects.in_state(state)) == ([p] if state == ProblemState.LOOKED_BACK else [])


def test_no_sign_off_without_a_passed_verification_nor_before_it(make_problem, organiser):
    p = make_problem()
    with pytest.raises(ValidationError) as err:
        services.sign_off(p, actor=organiser, day=D(2026, 2, 1))
    assert "没有复查通过的记录，不能销号" in str(err.value)
    p = services.report_progress(p, actor=organiser, day=D(2026, 2, 1), text="完成", completed=True)
    p = services.verify(p, actor=organiser, verified_on=D(2026, 2, 3), verdict="未通过")
    with pytest.raises(ValidationError):
        services.sign_off(p, actor=organiser, day=D(2026, 2, 4))
    p = services.report_progress(p, actor=organiser, day=D(2026, 2, 5), text="再整改", completed=True)
    p = services.verify(p, actor=organiser, verified_on=D(2026, 2, 10), verdict="通过")
    with pytest.raises(ValidationError) as err:
        services.sign_off(p, actor=organiser, day=D(2026, 2, 9))
    assert "早于复查日期" in str(err.value)
    assert services.sign_off(p, actor=organiser, day=D(2026, 2, 10)).signed_off_on == D(2026, 2, 10)


def test_verification_before_completion_or_by_the_branch_itself_is_refused(make_problem, organiser, users):
    p = make_problem()
    with pytest.raises(ValidationError) as err:
        services.verify(p, actor=organiser, verified_on=D(2026, 2, 1), verdict="通过")
    assert "尚未登记整改完成日期" in str(err.value)
    p = services.report_progress(p, actor=organiser, day=D(2026, 2, 1), text="完成", completed=True)
    with pytest.raises(ValidationError) as err:
        services.verify(p, actor=organiser, verified_on=D(2026, 1, 31), verdict="通过")
    assert "早于整改完成日期" in str(err.value)
    with pytest.raises(PermissionDenied):
        services.verify(p, actor=Actor(users["secretary"]), verified_on=D(2026, 2, 2), verdict="通过")
    with pytest.raises(PermissionDenied):  # another township's organiser
        services.verify(p, actor=Actor(users["outsider"]), verified_on=D(2026, 2, 2), verdict="通过")


@pytest.mark.parametrize("fields, field, message", [
    (dict(deadline=D(2026, 1, 9)), "deadline", "整改时限2026-01-09早于发现日期2026-01-10"),
    (dict(source="群众反映"), "source", "问题来源“群众反映”不是规定的取值"),
    (dict(category="作风"), "category", "问题类别“作风”不是规定的取值"),
    (dict(responsible=""), "responsible", "请填写责任人"),
    (dict(found_on=D(2099, 1, 1), deadline=D(2099, 2, 1)), "found_on", "晚于今天"),
])
def test_bad_input_names_the_field_and_writes_nothing(make_problem, fields, field, message):
    before = AuditLog.objects.count()
    with pytest.raises(ValidationError) as err:
        make_problem(**fields)
    assert message in " ".join(err.value.message_dict[field])
    assert Problem.objects.count() == 0 and AuditLog.objects.count() == before


def test_recurrence_at_730_and_731_days(make_problem):
    first = make_problem(found_on=D(2023, 1, 1), deadline=D(2023, 2, 1))
    at_730 = make_problem(found_on=first.found_on + datetime.timedelta(days=730), deadline=D(2025, 3, 1))
    other_org = make_problem(org="firm_branch", found_on=D(2024, 6, 1), deadline=D(2024, 7, 1))
    other_category = make_problem(category="党费", found_on=D(2024, 6, 1), deadline=D(2024, 7, 1))
    assert (first.recurring, at_730.recurring, other_org.recurring, other_category.recurring) == (False, True, False, False)
    lone = make_problem(org="community_branch", found_on=D(2023, 1, 1), deadline=D(2023, 2, 1))
    at_731 = make_problem(org="community_branch", found_on=lone.found_on + datetime.timedelta(days=731),
                          deadline=D(2025, 3, 1))
    assert at_731.recurring is False
    # an earlier problem entered later still marks the later one
    make_problem(org="community_branch", found_on=D(2024, 1, 1), deadline=D(2024, 2, 1))
    at_731.refresh_from_db()
    assert at_731.recurring is True


def test_overdue_items_climb_a_level_then_another_every_escalation_period(make_problem, admin, county):
    p = make_problem(deadline=D(2026, 2, 10))
    assert services.escalate_overdue(actor=admin, day=D(2026, 2, 10)) == 0  # the deadline itself is not overdue
    assert services.escalate_overdue(actor=admin, day=D(2026, 2, 11)) == 1
    p.refresh_from_db()
    assert p.escalated_to == county["town_committee"]
    assert services.escalate_overdue(actor=admin, day=D(2026, 3, 12)) == 0  # 29 days later: same level
    assert services.escalate_overdue(actor=admin, day=D(2026, 3, 13)) == 1
    p.refresh_from_db()
    assert p.escalated_to == county["root"]
    assert services.escalate_overdue(actor=admin, day=D(2026, 9, 1)) == 0  # nowhere higher than the county


def test_an_escalated_problem_is_visible_to_the_level_it_reached(make_problem, admin, users, county):
    p = make_problem(org="community_branch", deadline=D(2026, 2, 10))
    assert not Problem.objects.for_user(users["organiser"]).filter(pk=p.pk).exists()
    Problem.objects.filter(pk=p.pk).update(escalated_to=county["town_committee"])
    assert Problem.objects.for_user(users["organiser"]).filter(pk=p.pk).exists()


def test_every_accountability_key_against_a_hand_counted_ledger(make_problem, admin, county):
    from dangjian.assessment.statistics import accountability, records

    H1 = (D(2026, 1, 1), D(2026, 6, 30))
    # found before the period, signed off in it on time
    a = make_problem(found_on=D(2025, 12, 1), deadline=D(2026, 1, 31))
    a = services.report_progress(a, actor=admin, day=D(2026, 1, 10), text="完成", completed=True)
    a = services.verify(a, actor=admin, verified_on=D(2026, 1, 20), verdict="通过")
    services.sign_off(a, actor=admin, day=D(2026, 1, 31))  # on its deadline: on time
    # found in the period (recurring: same org and category within 730 days), signed off late
    b = make_problem(found_on=D(2026, 2, 1), deadline=D(2026, 2, 28))
    b = services.report_progress(b, actor=admin, day=D(2026, 3, 1), text="完成", completed=True)
    b = services.verify(b, actor=admin, verified_on=D(2026, 3, 2), verdict="通过")
    services.sign_off(b, actor=admin, day=D(2026, 3, 3))
    # found in the period, open, overdue on 30 June (deadline 29 June)
    make_problem(org="firm_branch", category="党费", found_on=D(2026, 6, 1), deadline=D(2026, 6, 29))
    # found in the period, open, deadline on 30 June itself: not overdue
    make_problem(org="community_branch", found_on=D(2026, 6, 1), deadline=D(2026, 6, 30))
    # found after the period: nowhere
    make_problem(org="community_branch", category="党费", found_on=D(2026, 7, 1), deadline=D(2026, 8, 1))
    county_block = accountability(None, H1[1], *H1)
    assert county_block == {"problems_found": 3, "signed_off": 2, "signed_off_on_time": 1, "recurring": 1,
                            "open": 2, "overdue": 1, "bottom_places_undecided": 0, "results_without_decision": 0}
    assert accountability(county["town_committee"], H1[1], *H1) == {
        "problems_found": 2, "signed_off": 2, "signed_off_on_time": 1, "recurring": 1, "open": 1, "overdue": 1,
        "bottom_places_undecided": 0, "results_without_decision": 0}
    assert records(None, H1[1], *H1, "overdue").count() == 1
    assert records(None, H1[1], *H1, "signed_off_on_time").rows()[0][0] == a.number


def test_the_daily_job_escalates_and_tells_the_level_above(make_problem, users, county):
    from dangjian.assessment.reminders import daily_reminders

    p = make_problem(deadline=D(2026, 2, 10))
    make_problem(org="village_branch", category="党费", found_on=D(2026, 2, 1), deadline=D(2026, 2, 14))
    reminders = list(daily_reminders(D(2026, 2, 11)))
    p.refresh_from_db()
    assert p.escalated_to == county["town_committee"] and p.escalated_on == D(2026, 2, 11)
    kinds = sorted((r.kind, r.user_id) for r in reminders)
    assert kinds == [("rectification_due", users["secretary"].pk), ("rectification_overdue", users["organiser"].pk)]
    assert list(daily_reminders(D(2026, 2, 11))) != [] and Problem.objects.get(pk=p.pk).escalated_on == D(2026, 2, 11)
