"""Creating, editing, moving, suspending, restoring and deleting organisations through the pages."""
import pytest
from django.test import Client
from django.urls import reverse

from dangjian.core.models import AuditLog
from dangjian.register.models import Organization


def org_data(county, **over):
    data = {"name": "甲镇新建村党支部", "org_type": "党支部", "unit_type": "村", "division": county["village"].pk,
            "parent": county["town_committee"].pk, "secretary_name": "赵书记", "founded_on": "2020-03-01",
            "term_ends_on": "2025-03-01"}
    data.update(over)
    return data


def test_it_creates_an_organisation_under_the_organisers_committee(users, county, client_for):
    response = client_for(users["organiser"]).post(reverse("register:org_create"), org_data(county))

    org = Organization.objects.get(name="甲镇新建村党支部")
    assert response.status_code == 302 and response["Location"] == reverse("register:org_detail", args=[org.pk])
    assert org.parent == county["town_committee"] and org.secretary_name == "赵书记"
    row = AuditLog.objects.get(object_type="register.organization", object_id=str(org.pk))
    assert row.action == "created" and row.actor == users["organiser"]


def test_it_offers_only_parents_in_scope(users, county, client_for):
    response = client_for(users["organiser"]).post(reverse("register:org_create"),
                                                   org_data(county, parent=county["street_committee"].pk))

    assert response.status_code == 200
    assert not Organization.objects.filter(name="甲镇新建村党支部").exists()
    assert any("上级党组织" in m for m in response.context["form"].error_summary)


def test_it_answers_403_to_a_secretary_creating_organisations(users, client_for):
    assert client_for(users["secretary"]).get(reverse("register:org_create")).status_code == 403


def test_it_names_every_missing_field_in_chinese(users, county, client_for):
    response = client_for(users["organiser"]).post(reverse("register:org_create"), {})

    summary = response.context["form"].error_summary
    for label in ("组织名称", "组织类别", "单位类别", "所在行政区划", "上级党组织"):
        assert any(label in m for m in summary), label
    assert "请填写“组织名称”" in response.content.decode()


def test_it_reports_rule_errors_on_the_field(users, county, client_for):
    response = client_for(users["organiser"]).post(reverse("register:org_create"), org_data(
        county, name="中共一村支部委员会", founded_on="2020-03-01", term_ends_on="2019-01-01"))

    errors = response.context["form"].errors
    assert "党组织“中共一村支部委员会”已存在" in errors["name"][0]
    assert "本届届满日期不能早于成立日期" in errors["term_ends_on"][0]


def test_it_edits_an_organisation_with_one_audit_row(users, county, client_for):
    org = county["firm_branch"]
    data = org_data(county, name="甲镇某公司党支部", unit_type="非公有制企业", division=county["town"].pk,
                    secretary_name="钱书记")
    data.pop("parent")
    response = client_for(users["organiser"]).post(reverse("register:org_edit", args=[org.pk]), data)

    assert response.status_code == 302
    org.refresh_from_db()
    assert org.secretary_name == "钱书记"
    row = AuditLog.objects.get(object_type="register.organization", object_id=str(org.pk), action="changed")
    assert row.changes["secretary_name"] == ["", "钱书记"]


def test_it_answers_403_to_a_secretary_editing_their_branch_and_404_outside(users, county, client_for):
    client = client_for(users["secretary"])
    assert client.get(reverse("register:org_edit", args=[county["village_branch"].pk])).status_code == 403
    assert client.get(reverse("register:org_edit", args=[county["community_branch"].pk])).status_code == 404


def test_it_moves_an_organisation_to_another_parent(users, county, client_for):
    general = Organization(name="甲镇机关党总支", org_type="党总支", unit_type="机关", division=county["town"])
    general.assign_path(county["town_committee"])
    general.save()
    url = reverse("register:org_move", args=[county["firm_branch"].pk])

    response = client_for(users["organiser"]).post(url, {"new_parent": general.pk})

    assert response.status_code == 302
    county["firm_branch"].refresh_from_db()
    assert county["firm_branch"].parent == general
    assert AuditLog.objects.filter(action="moved", object_id=str(county["firm_branch"].pk)).count() == 1


def test_it_asks_for_confirmation_before_suspending(users, county, client_for):
    client = client_for(users["organiser"])
    url = reverse("register:org_suspend", args=[county["firm_branch"].pk])

    page = client.get(url)
    assert page.status_code == 200 and "确认停用" in page.content.decode()
    county["firm_branch"].refresh_from_db()
    assert county["firm_branch"].is_active

    missing_reason = client.post(url, {"reason": ""})
    assert "请填写“原因”" in missing_reason.content.decode()

    done = client.post(url, {"reason": "企业注销"})
    assert done.status_code == 302
    county["firm_branch"].refresh_from_db()
    assert not county["firm_branch"].is_active
    assert AuditLog.objects.get(action="suspended", object_id=str(county["firm_branch"].pk)).note == "企业注销"

    restored = client.post(reverse("register:org_restore", args=[county["firm_branch"].pk]), {"reason": ""})
    assert restored.status_code == 302
    county["firm_branch"].refresh_from_db()
    assert county["firm_branch"].is_active


def test_it_shows_why_a_suspension_is_refused(users, county, client_for):
    response = client_for(users["organiser"]).post(reverse("register:org_suspend", args=[county["village_branch"].pk]),
                                                   {"reason": "合并"})
    assert response.status_code == 200
    assert "该组织仍有党员，请先将党员转出再停用" in response.content.decode()


def test_it_shows_why_a_delete_is_refused_in_chinese(users, county, client_for):
    response = client_for(users["admin"]).post(reverse("register:org_delete", args=[county["town_committee"].pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "该组织仍有下级党组织，不能删除" in content and "该组织仍有关联的用户账号，不能删除" in content
    assert Organization.objects.filter(pk=county["town_committee"].pk).exists()


def test_it_deletes_an_empty_organisation_after_confirmation(users, county, client_for):
    client = client_for(users["organiser"])
    url = reverse("register:org_delete", args=[county["firm_branch"].pk])
    assert "确认删除" in client.get(url).content.decode()
    assert Organization.objects.filter(pk=county["firm_branch"].pk).exists()

    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("register:org_detail", args=[county["town_committee"].pk])
    assert not Organization.objects.filter(pk=county["firm_branch"].pk).exists()
    assert AuditLog.objects.filter(action="deleted", object_type="register.organization").count() == 1


@pytest.mark.parametrize("name", ["register:org_delete", "register:org_suspend", "register:org_edit"])
def test_it_enforces_csrf(users, county, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["organiser"])
    response = client.post(reverse(name, args=[county["firm_branch"].pk]), {"reason": "x"})
    assert response.status_code == 403
    assert Organization.objects.filter(pk=county["firm_branch"].pk, is_active=True).exists()
