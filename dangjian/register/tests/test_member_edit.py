"""Creating, editing, moving, suspending and restoring members through the pages."""
import datetime

import pytest
from django.test import Client
from django.urls import reverse

from dangjian.conftest import make_id_number
from dangjian.core.models import AuditLog
from dangjian.register.models import Member

CREATE = reverse("register:member_create")


def form_data(county, **over):
    data = {"name": "张新", "id_number": make_id_number(datetime.date(1991, 2, 3), "女", 41), "sex": "",
            "birth_date": "", "ethnicity": "汉族", "education": "大学本科", "occupation": "专业技术人员",
            "organization": county["village_branch"].pk, "joined_on": "2015-06-01", "full_on": "2016-06-01",
            "phone": "13912345678"}
    data.update(over)
    return data


def test_it_creates_a_member_taking_birth_date_and_sex_from_the_id_number(users, county, client_for):
    response = client_for(users["secretary"]).post(CREATE, form_data(county))

    member = Member.objects.get(name="张新")
    assert response.status_code == 302 and response["Location"] == reverse("register:member_detail", args=[member.pk])
    assert member.birth_date == datetime.date(1991, 2, 3) and member.sex == "女"
    assert member.phone == "13912345678" and member.organization == county["village_branch"]
    row = AuditLog.objects.get(object_type="register.member", object_id=str(member.pk))
    assert row.action == "created" and row.actor == users["secretary"]


def test_it_prefills_the_organisation_from_the_query(users, county, client_for):
    response = client_for(users["organiser"]).get(CREATE, {"org": county["firm_branch"].pk})
    assert response.context["form"].initial["organization"] == county["firm_branch"].pk


def test_it_answers_404_for_a_prefilled_organisation_outside_the_scope(users, county, client_for):
    assert client_for(users["organiser"]).get(CREATE, {"org": county["community_branch"].pk}).status_code == 404


def test_it_names_every_missing_field_in_chinese(users, county, client_for):
    response = client_for(users["organiser"]).post(CREATE, {})

    summary = response.context["form"].error_summary
    for label in ("姓名", "公民身份号码", "学历", "人员类别", "所在党组织", "入党日期"):
        assert any(label in m for m in summary), label
    assert not Member.objects.filter(name="张新").exists()


@pytest.mark.parametrize("over, field, text", [
    ({"id_number": "41990119910203004X"}, "id_number", "公民身份号码校验位错误"),
    ({"joined_on": "2005-01-01"}, "joined_on", "年满18周岁"),
    ({"full_on": "2016-01-01"}, "full_on", "转正日期：预备期不足一年"),
    ({"phone": "2391234567"}, "phone", "手机号码应为以1开头的11位数字"),
    ({"joined_on": "2015-13-45"}, "joined_on", "“入党日期”不是有效日期"),
    ({"sex": "男"}, "id_number", "与性别“男”不一致"),
    ({"organization": 999999}, "organization", "“所在党组织”的取值无效"),
])
def test_it_reports_rule_errors_on_the_named_field(users, county, client_for, over, field, text):
    response = client_for(users["organiser"]).post(CREATE, form_data(county, **over))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(text in m for m in errors[field]), errors
    assert not Member.objects.filter(name="张新").exists()


def test_it_refuses_a_duplicate_id_number(users, county, client_for):
    existing = users["member_record"]
    response = client_for(users["organiser"]).post(CREATE, form_data(county, id_number=existing.id_number,
                                                                     sex=existing.sex))
    assert "该公民身份号码已登记为其他党员" in response.context["form"].errors["id_number"][0]


def test_it_offers_only_organisations_in_scope(users, county, client_for):
    response = client_for(users["secretary"]).post(CREATE, form_data(county, organization=county["firm_branch"].pk))
    assert "organization" in response.context["form"].errors
    assert not Member.objects.filter(name="张新").exists()


def test_it_refuses_member_creation_to_a_member(users, client_for):
    assert client_for(users["member"]).get(CREATE).status_code == 403


def test_it_edits_keeping_the_numbers_when_left_blank(users, county, client_for):
    member = users["member_record"]
    old_id, old_phone = member.id_number, member.phone
    data = form_data(county, name="李党员", id_number="", phone="", sex="男", birth_date="1980-05-06",
                     education="硕士研究生", occupation="工人", joined_on="2005-07-01", full_on="2006-07-01")
    response = client_for(users["secretary"]).post(reverse("register:member_edit", args=[member.pk]), data)

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.education == "硕士研究生" and member.id_number == old_id and member.phone == old_phone
    row = AuditLog.objects.get(object_id=str(member.pk), action="changed")
    assert row.changes == {"education": ["大学本科", "硕士研究生"]}


def test_it_clears_the_phone_when_asked(users, county, client_for):
    member = users["member_record"]
    data = form_data(county, name="李党员", id_number="", phone="", sex="男", birth_date="1980-05-06",
                     occupation="工人", joined_on="2005-07-01", full_on="2006-07-01", clear_phone="on")
    client_for(users["organiser"]).post(reverse("register:member_edit", args=[member.pk]), data)
    member.refresh_from_db()
    assert member.phone == ""


def test_it_answers_403_to_a_member_editing_themself_and_404_to_the_outsider(users, client_for):
    url = reverse("register:member_edit", args=[users["member_record"].pk])
    assert client_for(users["member"]).get(url).status_code == 403
    assert client_for(users["outsider"]).get(url).status_code == 404


def test_it_moves_a_member_within_scope(users, county, client_for):
    member = users["member_record"]
    url = reverse("register:member_move", args=[member.pk])
    client = client_for(users["organiser"])
    assert client.get(url).status_code == 200

    outside = client.post(url, {"organization": county["community_branch"].pk})
    assert "organization" in outside.context["form"].errors

    response = client.post(url, {"organization": county["firm_branch"].pk, "reason": "登记有误"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.organization == county["firm_branch"]
    row = AuditLog.objects.get(action="moved", object_id=str(member.pk))
    assert row.changes["organization"] == ["中共一村支部委员会", "甲镇某公司党支部"] and row.note == "登记有误"


def test_it_suspends_and_restores_membership_with_a_reason_after_confirmation(users, client_for):
    member = users["member_record"]
    client = client_for(users["secretary"])
    suspend = reverse("register:member_suspend", args=[member.pk])

    assert "确认停止党籍" in client.get(suspend).content.decode()
    member.refresh_from_db()
    assert member.status == "正常"
    assert "请填写“原因”" in client.post(suspend, {"reason": ""}).content.decode()

    assert client.post(suspend, {"reason": "出国定居"}).status_code == 302
    member.refresh_from_db()
    assert member.status == "停止党籍"
    assert AuditLog.objects.get(action="suspended", object_id=str(member.pk)).note == "出国定居"

    assert client.post(reverse("register:member_restore", args=[member.pk]), {"reason": "回国恢复"}).status_code == 302
    member.refresh_from_db()
    assert member.status == "正常"


@pytest.mark.parametrize("name", ["register:member_edit", "register:member_move", "register:member_suspend"])
def test_it_enforces_csrf(users, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["organiser"])
    response = client.post(reverse(name, args=[users["member_record"].pk]), {"reason": "x"})
    assert response.status_code == 403


def test_it_shows_rule_errors_together_with_missing_fields(users, county, client_for):
    response = client_for(users["organiser"]).post(CREATE, form_data(county, education="",
                                                                     id_number="41990119910203004X"))
    errors = response.context["form"].errors
    assert "请选择“学历”" in errors["education"][0]
    assert "校验位" in errors["id_number"][0]
