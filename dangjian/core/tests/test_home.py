"""The home dashboard: each role's scope, counts and setup warnings."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.actor import Actor
from dangjian.register import figures, services

HOME = reverse("core:home")


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_it_shows_the_organiser_counts_and_warnings_of_their_township(users, county, make_member, client_for):
    today = timezone.localdate()
    make_member(county["firm_branch"], name="预备", full=None, joined=today - datetime.timedelta(days=10),
                birth=datetime.date(1990, 1, 1))
    make_member(county["community_branch"], name="外镇党员")
    services.update_organization(county["firm_branch"], actor=Actor.command(),
                                 term_ends_on=today + datetime.timedelta(days=30))

    response = client_for(users["organiser"]).get(HOME)

    assert response.status_code == 200
    assert response.context["org_counts"] == {"total": 3, "branches": 2}
    assert response.context["member_counts"]["total"] == 2
    assert response.context["member_counts"]["probationary"] == 1
    warned = {org.name: warnings for org, warnings in response.context["warning_orgs"]}
    assert set(warned) == {"中共一村支部委员会", "甲镇某公司党支部"}  # not 幸福社区 (another township)
    assert any("将于" in w and "届满" in w for w in warned["甲镇某公司党支部"])
    content = response.content.decode()
    assert "中共幸福社区支部委员会" not in content


def test_it_warns_about_a_branch_above_fifty_members_and_not_at_fifty(users, county, make_member, client_for):
    for i in range(50):
        make_member(county["firm_branch"], name=f"党员{i}")
    client = client_for(users["organiser"])
    warned = {o.name: w for o, w in client.get(HOME).context["warning_orgs"]}
    assert "甲镇某公司党支部" not in warned

    make_member(county["firm_branch"], name="第五十一名")
    warned = {o.name: w for o, w in client.get(HOME).context["warning_orgs"]}
    assert any("超过50名" in w for w in warned["甲镇某公司党支部"])


@pytest.mark.parametrize("daily_figures_built, budget", [(True, 10), (False, 11)])
def test_it_computes_the_dashboard_in_a_fixed_number_of_queries(users, county, make_member, client_for,
                                                               django_assert_max_num_queries,
                                                               daily_figures_built, budget):
    for i in range(20):
        make_member(county["firm_branch"] if i % 2 else county["village_branch"], name=f"党员{i}")
    if daily_figures_built:
        figures.build()
    client = client_for(users["admin"])
    # On a day the daily job has not built, the empty look at the kept figures is one more query.
    with django_assert_max_num_queries(budget):
        response = client.get(HOME)
    assert response.context["member_counts"]["total"] == 21


def test_it_shows_a_member_the_way_to_their_own_record(users, client_for):
    response = client_for(users["member"]).get(HOME)
    content = response.content.decode()
    assert reverse("register:member_detail", args=[users["member_record"].pk]) in content
    assert "组织设置提示" not in content


def test_it_shows_the_county_admin_the_admin_links(users, client_for):
    content = client_for(users["admin"]).get(HOME).content.decode()
    for name in ("accounts:user_list", "core:audit_log", "core:rule_settings", "register:division_list"):
        assert reverse(name) in content, name
    organiser = client_for(users["organiser"]).get(HOME).content.decode()
    assert reverse("core:audit_log") not in organiser and reverse("register:division_list") not in organiser
