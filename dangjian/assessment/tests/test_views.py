"""Pages open for staff, refuse members, write through services and show refusals in Chinese."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from dangjian.assessment import services
from dangjian.assessment.models import Problem

D = datetime.date


@pytest.fixture
def world(county, admin, make_problem):
    plan = services.create_plan(actor=admin, owner=county["root"], name="年终考核", kind="year_end",
                                date_from=D(2026, 1, 1), date_to=D(2026, 6, 30))
    services.add_indicator(plan, actor=admin, area="整改", name="按时销号", points=Decimal("10"), kind="computed",
                           computed_key="assessment.signed_off_on_time")
    services.add_indicator(plan, actor=admin, area="班子", name="班子建设", points=Decimal("10"), kind="scored")
    services.add_targets(plan, actor=admin, organizations=[county["village_branch"], county["firm_branch"]],
                         peer_group="村")
    services.start_scoring(plan, actor=admin)
    problem = make_problem()
    return {"plan": plan, "target": plan.targets.first(), "problem": problem}


def test_every_list_and_page_opens_for_the_county_and_exports(client_for, users, world):
    client = client_for(users["admin"])
    t = world["target"]
    ind = world["plan"].indicators.get(kind="computed")
    for name, kwargs in [("plans", {}), ("plan", {"pk": world["plan"].pk}), ("plan_sheet", {"pk": world["plan"].pk}),
                         ("target", {"pk": t.pk}), ("target_drill", {"pk": t.pk, "indicator_pk": ind.pk}),
                         ("decisions", {}), ("uses", {}), ("problems", {}), ("problem", {"pk": world["problem"].pk}),
                         ("debriefs", {}), ("lists", {}), ("meetings", {}), ("plan_create", {}),
                         ("problem_create", {}), ("debrief_create", {}), ("meeting_create", {})]:
        url = reverse(f"assessment:{name}", kwargs=kwargs)
        assert client.get(url).status_code == 200, url
        if not name.endswith("create") and name not in ("plan", "problem"):
            r = client.get(url + "?export=xlsx")
            assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml"), url
    r = client.get(reverse("assessment:problem_sheet_export"))
    assert r.status_code == 200


def test_members_are_refused(client_for, users, world):
    client = client_for(users["member"])
    assert client.get(reverse("assessment:problems")).status_code == 403
    assert client.get(reverse("assessment:plans")).status_code == 403


def test_sign_off_without_verification_is_refused_on_the_page(client_for, users, world):
    client = client_for(users["organiser"])
    p = world["problem"]
    r = client.post(reverse("assessment:problem_signoff", args=[p.pk]), {"day": "2026-02-01"}, follow=True)
    assert "没有复查通过的记录，不能销号" in r.content.decode()
    assert Problem.objects.get(pk=p.pk).signed_off_on is None


def test_score_above_points_is_refused_on_the_page(client_for, users, world):
    client = client_for(users["admin"])
    t = world["target"]
    ind = world["plan"].indicators.get(kind="scored")
    r = client.post(reverse("assessment:target_score", args=[t.pk]), {"indicator": ind.pk, "score": "11"}, follow=True)
    assert "超过该指标分值" in r.content.decode()


def test_a_debrief_puts_its_problems_in_the_ledger(client_for, users, county):
    client = client_for(users["organiser"])
    r = client.post(reverse("assessment:debrief_create"), {
        "organization": county["village_branch"].pk, "year": 2026, "secretary": "王书记", "held_on": "2026-01-15",
        "report": "述职报告", "comment": "点评", "votes_good": 10, "votes_fairly_good": 3, "votes_average": 1,
        "votes_poor": 0, "problems": "三会一课记录不规范\n党员发展程序不严", "category": "制度落实",
        "deadline": "2026-03-31"})
    assert r.status_code == 302
    assert list(Problem.objects.filter(source="述职评议").values_list("description", flat=True).order_by("id")) == [
        "三会一课记录不规范", "党员发展程序不严"]


def test_a_meeting_follows_up_the_previous_meetings_open_tasks(client_for, users, county, admin):
    m1 = services.record_meeting(actor=admin, organization=county["town_committee"], held_on=D(2026, 1, 5), theme="一月",
                                 attendance="各村", tasks=[{"content": "完成换届准备", "owner": "一村", "deadline": D(2026, 1, 31)}])
    m2 = services.record_meeting(actor=admin, organization=county["town_committee"], held_on=D(2026, 2, 3), theme="二月",
                                 attendance="各村")
    assert [t.content for t in m2.followed_tasks.all()] == ["完成换届准备"]
    r = client_for(users["organiser"]).get(reverse("assessment:meeting", args=[m2.pk]))
    assert "完成换届准备" in r.content.decode()
    assert m1.tasks.count() == 1


def test_a_secretary_sees_the_rank_among_all_but_only_the_rows_of_the_branch(client_for, users, world, admin, county):
    plan, ind = world["plan"], world["plan"].indicators.get(kind="scored")
    for org, score in (("village_branch", "9"), ("firm_branch", "5")):
        services.score_indicator(plan.targets.get(organization=county[org]), ind, actor=admin, score=score)
    html = client_for(users["secretary"]).get(reverse("assessment:plan_sheet", args=[plan.pk])).content.decode()
    assert county["village_branch"].name in html and county["firm_branch"].name not in html
    # village: 0 of 10 (its one problem due in the period is not signed off) + 9 = 9; firm: 10 + 5 = 15
    assert ">2/2<" in html


def test_a_problem_is_corrected_on_its_page_and_a_deadline_before_the_finding_refused(client_for, users, world):
    client = client_for(users["organiser"])
    p = world["problem"]
    url = reverse("assessment:problem_edit", args=[p.pk])
    assert client.get(url).status_code == 200
    data = {"source": "督查", "category": "组织生活", "description": "改正后的描述", "standard": "", "measures": "",
            "responsible": "李书记", "found_on": "2026-01-10", "deadline": "2026-01-09"}
    r = client.post(url, data)
    assert r.status_code == 200 and "整改时限2026-01-09早于发现日期2026-01-10" in r.content.decode()
    assert client.post(url, {**data, "deadline": "2026-03-01"}).status_code == 302
    p.refresh_from_db()
    assert (p.source, p.description, p.deadline) == ("督查", "改正后的描述", D(2026, 3, 1))
    assert client_for(users["secretary"]).get(url).status_code == 403


def test_the_secretary_self_assesses_but_may_not_score(client_for, users, world, county):
    client = client_for(users["secretary"])
    own = world["plan"].targets.get(organization=county["village_branch"])
    ind = world["plan"].indicators.get(kind="scored")
    client.post(reverse("assessment:target_score", args=[own.pk]), {"indicator": ind.pk, "mode": "self", "self_score": "8"})
    assert own.scores.get(indicator=ind).self_score == Decimal("8")
    assert client.post(reverse("assessment:target_score", args=[own.pk]),
                       {"indicator": ind.pk, "score": "10"}).status_code == 403
    assert own.scores.get(indicator=ind).score is None


def test_the_app_names_its_audit_rows_and_brings_home_shortcuts(users, client_for):
    from dangjian.core.extensions import audit_field_labels, audit_object_type_labels, home_shortcuts_for
    from dangjian.core.views import object_type_label

    labels = audit_object_type_labels()
    assert labels["assessment.problem"] == "整改问题" and labels["assessment.plantarget"] == "考核评分和问责决定"
    assert object_type_label("assessment.jointmeeting") == "党建工作联席例会"
    assert audit_field_labels()[1]["结果运用"] == "考核结果运用"
    shortcuts = {k: {s["label"]: s["url"] for s in home_shortcuts_for(users[k])} for k in ("admin", "secretary", "member")}
    assert shortcuts["admin"]["考核评议"] == "/assessment/" and shortcuts["admin"]["登记整改问题"] == "/assessment/problems/new/"
    assert "整改台账" in shortcuts["secretary"]
    assert not {"登记整改问题", "考核评议"} & set(shortcuts["secretary"])  # registered by the level above
    assert not {"登记整改问题", "整改台账", "考核评议"} & set(shortcuts["member"])
    for role in ("admin", "organiser", "secretary"):  # every button a user is shown opens for them
        for label, url in ((s["label"], s["url"]) for s in home_shortcuts_for(users[role])):
            if url.startswith("/assessment/"):
                assert client_for(users[role]).get(url).status_code == 200, (role, label)
