"""Assessment URLs for the project-wide scope matrix: every object lies in the 乙街道 subtree."""
import datetime


def url_cases(world) -> dict[str, dict]:
    from decimal import Decimal

    from dangjian.assessment.models import (
        Debrief, Decision, Indicator, JointMeeting, ListItem, MeetingTask, Plan, PlanTarget, Problem, ResultUse,
    )

    marker = world["marker"]
    street = world["county"]["street_committee"]
    branch = world["county"]["community_branch"]
    day = datetime.date(2026, 3, 2)
    plan = Plan.objects.create(name=f"{marker}考核", owner=street, kind="half_year", date_from=datetime.date(2026, 1, 1),
                               date_to=datetime.date(2026, 6, 30), status="published")
    ind = Indicator.objects.create(plan=plan, area=f"{marker}方面", name=f"{marker}指标", points=Decimal("10"),
                                   kind="computed", computed_key="assessment.signed_off_on_time")
    target = PlanTarget.objects.create(plan=plan, organization=branch, peer_group=f"{marker}组")
    Decision.objects.create(target=target, kind="约谈", reason=f"{marker}约谈", decided_on=day)
    ResultUse.objects.create(plan=plan, kind="表彰奖励", decision=f"{marker}表彰", decided_on=day, decided_by="街道党工委")
    problem = Problem.objects.create(number=f"{marker}1", organization=branch, source="考核", category="党费",
                                     description=f"{marker}问题", found_on=day, deadline=day, responsible="某书记")
    debrief = Debrief.objects.create(organization=branch, year=2026, secretary=f"{marker}书记", held_on=day,
                                     report=f"{marker}报告")
    item = ListItem.objects.create(organization=branch, year=2026, kind="任务清单", content=f"{marker}任务", owner="某")
    meeting = JointMeeting.objects.create(organization=street, held_on=day, theme=f"{marker}例会", attendance="各单位")
    task = MeetingTask.objects.create(meeting=meeting, content=f"{marker}任务", owner="某单位", deadline=day)
    return {
        "assessment:plans": {},
        "assessment:plan_create": {},
        "assessment:plan": {"pk": plan.pk},
        "assessment:plan_indicator_add": {"pk": plan.pk},
        "assessment:plan_indicator_delete": {"pk": plan.pk, "indicator_pk": ind.pk},
        "assessment:plan_targets_add": {"pk": plan.pk},
        "assessment:plan_status": {"pk": plan.pk},
        "assessment:plan_use_add": {"pk": plan.pk},
        "assessment:plan_sheet": {"pk": plan.pk},
        "assessment:target": {"pk": target.pk},
        "assessment:target_drill": {"pk": target.pk, "indicator_pk": ind.pk},
        "assessment:target_score": {"pk": target.pk},
        "assessment:target_decision": {"pk": target.pk},
        "assessment:decisions": {},
        "assessment:uses": {},
        "assessment:problems": {},
        "assessment:problem_create": {},
        "assessment:problem_sheet_export": {},
        "assessment:problem": {"pk": problem.pk},
        "assessment:problem_edit": {"pk": problem.pk},
        "assessment:problem_progress": {"pk": problem.pk},
        "assessment:problem_verify": {"pk": problem.pk},
        "assessment:problem_signoff": {"pk": problem.pk},
        "assessment:problem_lookback": {"pk": problem.pk},
        "assessment:debriefs": {},
        "assessment:debrief_create": {},
        "assessment:debrief": {"pk": debrief.pk},
        "assessment:lists": {},
        "assessment:list_add": {},
        "assessment:list_done": {"pk": item.pk},
        "assessment:meetings": {},
        "assessment:meeting_create": {},
        "assessment:meeting": {"pk": meeting.pk},
        "assessment:task_follow_up": {"pk": task.pk},
    }
