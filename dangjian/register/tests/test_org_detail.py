"""The organisation page: its facts, counts, warnings, sub-organisations and links, per role."""
import datetime

from django.urls import reverse
from django.utils import timezone

from dangjian.core.actor import Actor
from dangjian.register import services


def detail(org):
    return reverse("register:org_detail", args=[org.pk])


def test_it_shows_the_organisation_with_counts_warnings_and_children(users, county, make_member, client_for):
    town = county["town_committee"]
    services.update_organization(town, actor=Actor.command(), secretary_name="王书记",
                                 founded_on=datetime.date(1990, 1, 1),
                                 term_ends_on=timezone.localdate() - datetime.timedelta(days=10))
    make_member(county["firm_branch"], name="预备党员甲", full=None, joined=timezone.localdate() - datetime.timedelta(days=30),
                birth=datetime.date(1995, 1, 1))

    response = client_for(users["organiser"]).get(detail(town))

    content = response.content.decode()
    assert response.status_code == 200
    assert "王书记" in content and "中共测试县委员会" in content and "甲镇（镇）" in content and "1990-01-01" in content
    node = response.context["node"]
    assert (node.subtree_total, node.subtree_full, node.subtree_probationary) == (2, 1, 1)
    assert any("届满" in w for w in node.warnings)
    assert [c.org for c in response.context["children"]] == [county["village_branch"], county["firm_branch"]]
    assert f"{reverse('register:member_list')}?org={town.pk}" in content
    assert f"object_type=register.organization&amp;object_id={town.pk}" in content
    # The organiser sees its parent's name but may not open it (out of scope).
    assert detail(county["root"]) not in content


def test_it_answers_404_for_an_organisation_outside_the_scope(users, county, client_for):
    assert client_for(users["organiser"]).get(detail(county["community_branch"])).status_code == 404
    assert client_for(users["outsider"]).get(detail(county["village_branch"])).status_code == 404


def test_it_shows_the_secretary_their_branch_read_only(users, county, client_for):
    response = client_for(users["secretary"]).get(detail(county["village_branch"]))

    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["can_change"] is False
    assert reverse("register:org_edit", args=[county["village_branch"].pk]) not in content
    assert response.context["can_add_member"] is True


def test_it_lets_a_member_see_only_their_own_branch(users, county, client_for):
    client = client_for(users["member"])
    response = client.get(detail(county["village_branch"]))
    assert response.status_code == 200
    assert response.context["members_url"] == "" and response.context["history_url"] == ""
    assert client.get(detail(county["firm_branch"])).status_code == 404


def test_it_refuses_post(users, county, client_for):
    assert client_for(users["admin"]).post(detail(county["root"])).status_code == 405
