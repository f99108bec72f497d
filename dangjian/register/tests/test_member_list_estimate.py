"""The member list's count: exact when the filtered result is small, the planner's estimate (约) beyond
the threshold (issue 15). The estimate itself is PostgreSQL's EXPLAIN; elsewhere the count is exact."""
from django.db import connection
from django.urls import reverse

from dangjian.core import views_helpers
from dangjian.register.models import Member

LIST = reverse("register:member_list")


def test_a_small_result_is_counted_exactly_without_约(users, county, make_member, client_for):
    for i in range(3):
        make_member(county["village_branch"], name=f"精确{i}")
    response = client_for(users["admin"]).get(LIST, {"q": "精确"})
    assert response.context["total"] == 3 and response.context["total_estimated"] is False
    assert "约" not in response.content.decode().split("名党员")[0][-80:]


def test_beyond_the_threshold_the_estimate_is_shown_with_约(users, county, make_member, client_for, monkeypatch):
    for i in range(3):
        make_member(county["village_branch"], name=f"估算{i}")
    monkeypatch.setattr(views_helpers, "ESTIMATE_THRESHOLD", 1)
    monkeypatch.setattr(views_helpers, "planner_estimate", lambda qs: 123_456)
    response = client_for(users["admin"]).get(LIST)
    assert response.context["total"] == 123_456 and response.context["total_estimated"] is True
    assert "约 </span><strong>123456</strong>" in response.content.decode()
    # Below the threshold the same list is exact again.
    monkeypatch.setattr(views_helpers, "ESTIMATE_THRESHOLD", 10**9)
    response = client_for(users["admin"]).get(LIST)
    exact = Member.objects.for_user(users["admin"]).filter(status="正常").count()
    assert response.context["total"] == exact and response.context["total_estimated"] is False


def test_the_planner_estimate_is_postgresqls_and_none_elsewhere(county, make_member):
    make_member(county["village_branch"], name="甲")
    estimate = views_helpers.planner_estimate(Member.objects.all())
    if connection.vendor == "postgresql":
        assert isinstance(estimate, int) and estimate >= 0
    else:
        assert estimate is None


def test_with_many_organisations_the_filter_lists_the_upper_levels_but_accepts_any(
        users, county, make_member, client_for, monkeypatch):
    from dangjian.register import forms

    make_member(county["village_branch"], name="支部党员")
    client = client_for(users["admin"])
    branch = county["village_branch"]
    option = f'<option value="{branch.pk}"'
    assert option in client.get(LIST).content.decode()  # few organisations: every one listed
    monkeypatch.setattr(forms, "ORG_OPTIONS_MAX", 1)
    monkeypatch.setattr(forms, "ORG_OPTIONS_DEPTH", 1)
    page = client.get(LIST).content.decode()
    assert option not in page and f'<option value="{county["town_committee"].pk}"' in page
    chosen = client.get(LIST, {"org": branch.pk})
    assert chosen.status_code == 200 and option in chosen.content.decode()
    assert "支部党员" in [m.name for m in chosen.context["page"].object_list]
    assert {m.organization_id for m in chosen.context["page"].object_list} == {branch.pk}
