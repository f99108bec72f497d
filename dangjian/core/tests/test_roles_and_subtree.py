"""core.roles (the role policy) and core.scope's one spelling of "in the subtree of"."""
from django.contrib.auth import get_user_model

from dangjian.core import roles
from dangjian.core.extensions import audit_field_labels, audit_object_type_labels, home_shortcuts_for
from dangjian.core.scope import is_in_subtree, subtree_q


def test_the_user_model_takes_its_roles_from_the_policy():
    User = get_user_model()
    assert list(User.Role.values) == list(roles.ALL_ROLES)
    assert dict(User.Role.choices) == roles.ROLE_LABELS


def test_role_sets(users):
    admin, organiser, secretary, member = (users[k] for k in ("admin", "organiser", "secretary", "member"))
    assert [roles.role_of(u) for u in (admin, organiser, secretary, member)] == list(roles.ALL_ROLES[:4])
    assert [roles.is_staff(u) for u in (admin, organiser, secretary, member)] == [True, True, True, False]
    assert [roles.is_supervisor(u) for u in (admin, organiser, secretary, member)] == [True, True, False, False]
    assert [roles.is_member(u) for u in (admin, organiser, secretary, member)] == [False, False, False, True]
    assert roles.role_of(None) == ""
    assert not roles.has_role(None, roles.ALL_ROLES)


def test_a_superuser_counts_as_the_county_admin(db):
    su = get_user_model().objects.create_superuser("root", password="x", role=roles.MEMBER)
    assert roles.role_of(su) == roles.COUNTY_ADMIN
    assert roles.is_county_admin(su) and roles.is_supervisor(su) and not roles.is_member(su)


def test_templates_get_the_role_flags_of_the_policy(users, client):
    """``role_is`` in every template: the same answers as core.roles, for each role and a superuser."""
    admin, organiser, secretary, member = (users[k] for k in ("admin", "organiser", "secretary", "member"))
    assert [roles.flags(u)["supervisor"] for u in (admin, organiser, secretary, member)] == [True, True, False, False]
    assert [roles.flags(u)["staff"] for u in (admin, organiser, secretary, member)] == [True, True, True, False]
    assert [roles.flags(u)["county_admin"] for u in (admin, organiser, secretary, member)] == [True, False, False, False]
    assert [roles.flags(u)["member"] for u in (admin, organiser, secretary, member)] == [False, False, False, True]
    assert not any(roles.flags(u)["discipline"] for u in (admin, organiser, secretary, member))
    office = get_user_model().objects.create_user("jijian", password="x", role=roles.DISCIPLINE)
    assert roles.flags(office) == dict.fromkeys(("county_admin", "supervisor", "staff", "member"), False) | {
        "discipline": True}
    su = get_user_model().objects.create_superuser("root2", password="x", role=roles.MEMBER)
    assert roles.flags(su) == dict.fromkeys(("county_admin", "supervisor", "staff", "member", "discipline"), True) | {
        "member": False}
    assert not any(roles.flags(None).values())
    client.force_login(secretary)
    assert client.get("/").context["role_is"] == roles.flags(secretary)


def test_in_subtree_both_sides_of_the_boundary(county):
    town, branch, street = county["town_committee"], county["village_branch"], county["street_committee"]
    assert is_in_subtree(branch, town) and is_in_subtree(branch.path, town.path)
    assert is_in_subtree(town, town) and not is_in_subtree(town, town, include_self=False)
    assert not is_in_subtree(branch, street) and not is_in_subtree(town, branch)
    assert not is_in_subtree(branch, None) and not is_in_subtree(None, town)


def test_subtree_querysets_agree(county, make_member):
    from dangjian.register.models import Member, Organization

    inside = make_member(county["village_branch"])
    outside = make_member(county["community_branch"])
    town = county["town_committee"]
    orgs = set(Organization.objects.filter(subtree_q(town)))
    assert orgs == set(Organization.objects.in_subtree(town)) == set(Organization.objects.subtree(town))
    assert county["street_committee"] not in orgs and town in orgs
    assert set(Member.objects.in_subtree(town)) == {inside}
    assert set(Member.objects.filter(subtree_q(town.path, "organization"))) == {inside}
    assert outside in Member.objects.in_subtree(None)


def test_in_user_subtree_is_the_staff_rule(users, make_member, county):
    from dangjian.register.models import Member

    inside = make_member(county["village_branch"])
    make_member(county["community_branch"])
    assert inside in Member.objects.in_user_subtree(users["organiser"])
    assert not Member.objects.in_user_subtree(users["member"]).exists()
    assert not Member.objects.in_user_subtree(users["secretary"], roles.SUPERVISOR_ROLES).exists()


def test_apps_bring_their_audit_labels():
    labels = audit_object_type_labels()
    assert labels["register.member"] == "党员" and labels["core.rulesetting"] == "规则参数"
    overrides, extra = audit_field_labels()
    assert overrides["id_number"] == "公民身份号码" and extra["attendance"] == "出席名单"


def test_home_shortcuts_follow_the_role(users):
    labels = {k: [s["label"] for s in home_shortcuts_for(users[k])] for k in ("admin", "secretary", "member")}
    assert "操作日志" in labels["admin"] and "组织架构" in labels["admin"]
    assert "操作日志" not in labels["secretary"] and "组织架构" not in labels["secretary"]
    assert f"本组织 — {users['secretary'].organization.name}" in labels["secretary"]
    assert labels["member"][:2] == ["我的政治生日、组织活动和转接", "查看我的党员信息"]  # in order, first
    assert "操作日志" not in labels["member"] and "新增党员" not in labels["member"]


def test_subtree_ids_q_agrees_with_the_join(county):
    from dangjian.register.models import Division, Organization

    from dangjian.core.scope import subtree_ids_q

    town = county["town_committee"]
    by_ids = set(Organization.objects.filter(subtree_ids_q(town.division, "division", Division)))
    assert by_ids == set(Organization.objects.filter(subtree_q(town.division, "division")))
    assert town in by_ids and county["street_committee"] not in by_ids
