import datetime

import pytest
from django.core.exceptions import ValidationError

from dangjian.conftest import make_id_number
from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.register import services
from dangjian.register.models import Member, Organization


def member_data(org, **over):
    birth = over.pop("birth_date", datetime.date(1990, 3, 4))
    sex = over.pop("sex", "女")
    data = dict(name="王芳", sex=sex, ethnicity="汉族", id_number=make_id_number(birth, sex, 77), birth_date=birth,
                education="大学本科", occupation="专业技术人员", organization=org, joined_on=datetime.date(2015, 6, 1),
                full_on=datetime.date(2016, 6, 1), phone="13912345678", is_floating=False)
    data.update(over)
    return data


def test_it_creates_a_member_with_one_audit_row(users, county):
    actor = Actor(user=users["secretary"], ip_address="10.1.2.3")
    member = services.create_member(actor=actor, **member_data(county["village_branch"]))
    assert Member.objects.get(pk=member.pk).id_number == member_data(county["village_branch"])["id_number"]
    assert "13912345678" not in Member.objects.get(pk=member.pk).phone_encrypted
    rows = AuditLog.objects.filter(object_type="register.member", object_id=str(member.pk))
    assert rows.count() == 1
    row = rows.get()
    assert row.actor == users["secretary"] and row.ip_address == "10.1.2.3" and row.action == "created"
    assert row.changes["name"] == [None, "王芳"]
    assert row.changes["id_number"][1].startswith("4199") and "*" in row.changes["id_number"][1]


def test_it_refuses_a_member_outside_the_secretarys_branch(users, county):
    from django.core.exceptions import PermissionDenied

    actor = Actor(user=users["secretary"])
    with pytest.raises(PermissionDenied):
        services.create_member(actor=actor, **member_data(county["community_branch"]))
    assert not Member.objects.filter(name="王芳").exists()


@pytest.mark.parametrize("field,value,message", [
    ("joined_on", datetime.date(2007, 3, 3), "年满18周岁"),
    ("full_on", datetime.date(2016, 5, 31), "预备期不足一年"),
    ("full_on", datetime.date(2017, 6, 2), "预备期最长两年"),
    ("id_number", "wrong-check-char", "校验位"),
])
def test_it_refuses_bad_member_data_naming_the_field(county, field, value, message):
    if value == "wrong-check-char":
        valid = make_id_number(datetime.date(1990, 3, 4), "女", 77)
        value = valid[:17] + ("0" if valid[17] != "0" else "1")
    with pytest.raises(ValidationError) as err:
        services.create_member(actor=Actor.command(), **member_data(county["village_branch"], **{field: value}))
    assert field in err.value.message_dict
    assert any(message in m for m in err.value.message_dict[field])
    assert not Member.objects.exists()


def test_probation_of_exactly_one_and_two_years_is_allowed(county):
    services.create_member(actor=Actor.command(), **member_data(county["village_branch"], full_on=datetime.date(2017, 6, 1)))
    assert Member.objects.count() == 1


def test_it_moves_an_organisation_subtree_and_refuses_a_cycle(county):
    actor = Actor.command()
    services.move_organization(county["village_branch"], actor=actor, new_parent=county["street_committee"])
    moved = Organization.objects.get(pk=county["village_branch"].pk)
    assert moved.path.startswith(county["street_committee"].path) and moved.parent == county["street_committee"]
    with pytest.raises(ValidationError):
        services.move_organization(county["street_committee"], actor=actor, new_parent=county["street_committee"])
    assert AuditLog.objects.filter(action="moved").count() == 1


def test_it_refuses_to_delete_an_organisation_with_members(county, make_member):
    make_member(county["firm_branch"])
    with pytest.raises(ValidationError):
        services.delete_organization(county["firm_branch"], actor=Actor.command())
    assert Organization.objects.filter(pk=county["firm_branch"].pk).exists()
    services.delete_organization(county["community_branch"], actor=Actor.command())
    assert not Organization.objects.filter(pk=county["community_branch"].pk).exists()


def test_scope_of_each_role(users, county, make_member):
    other = make_member(county["community_branch"])
    mine = users["member_record"]
    assert set(Member.objects.for_user(users["admin"])) == {mine, other}
    assert set(Member.objects.for_user(users["organiser"])) == {mine}
    assert set(Member.objects.for_user(users["secretary"])) == {mine}
    assert set(Member.objects.for_user(users["member"])) == {mine}
    assert not Member.objects.for_user(users["member"], "change").exists()
    assert set(Member.objects.for_user(users["outsider"])) == {other}


@pytest.mark.parametrize("birth,day,age", [
    (datetime.date(2000, 2, 29), datetime.date(2018, 2, 28), 17),
    (datetime.date(2000, 2, 29), datetime.date(2018, 3, 1), 18),
    (datetime.date(2000, 2, 29), datetime.date(2016, 2, 29), 16),
])
def test_someone_born_on_29_february_comes_of_age_on_1_march_in_a_common_year(birth, day, age):
    from dangjian.register.rules import age_on, birthday_of_age

    assert age_on(birth, day) == age
    assert birthday_of_age(birth, 18) == datetime.date(2018, 3, 1)
    assert birthday_of_age(birth, 16) == datetime.date(2016, 2, 29)


def test_a_probation_over_two_years_is_an_error_in_the_form_path(county):
    """Issue 14: 入党日期 eleven years ago and no 转正日期 is no 预备党员 (党章第七条)."""
    with pytest.raises(ValidationError) as err:
        services.create_member(actor=Actor.command(), **member_data(county["village_branch"], full_on=None))
    assert "已超过两年仍未填写转正日期" in str(err.value.message_dict["full_on"])
    recent = datetime.date.today() - datetime.timedelta(days=200)
    services.create_member(actor=Actor.command(), **member_data(county["village_branch"], full_on=None, joined_on=recent))


def test_a_secretary_cannot_enter_a_probationary_member_but_an_organiser_can(users, county):
    recent = datetime.date.today() - datetime.timedelta(days=200)
    data = member_data(county["village_branch"], full_on=None, joined_on=recent)
    with pytest.raises(ValidationError) as err:
        services.create_member(actor=Actor(user=users["secretary"]), **data)
    assert "发展党员纪实" in str(err.value.message_dict["full_on"])
    assert not Member.objects.filter(name="王芳").exists()
    services.create_member(actor=Actor(user=users["organiser"]), **data)  # the organiser's override
    assert Member.objects.get(name="王芳").full_on is None
