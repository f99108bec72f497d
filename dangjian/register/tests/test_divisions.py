"""Divisions: list, create and edit, for the county admin only."""
from django.urls import reverse

from dangjian.core.models import AuditLog
from dangjian.register.models import Division

LIST = reverse("register:division_list")


def test_it_lists_divisions_as_an_indented_tree(users, client_for):
    response = client_for(users["admin"]).get(LIST)
    rows = response.context["rows"]
    assert [d.name for d in rows] == ["测试县", "甲镇", "一村", "乙街道", "幸福社区"]
    assert [d.indent for d in rows] == [0, 1, 2, 1, 2]


def test_it_searches_divisions(users, client_for):
    response = client_for(users["admin"]).get(LIST, {"q": "社区"})
    assert [d.name for d in response.context["rows"]] == ["幸福社区"]


def test_it_refuses_divisions_to_everyone_but_the_county_admin(users, county, client_for):
    for role in ("organiser", "secretary", "member"):
        client = client_for(users[role])
        assert client.get(LIST).status_code == 403, role
        assert client.get(reverse("register:division_create")).status_code == 403, role
        assert client.get(reverse("register:division_edit", args=[county["village"].pk])).status_code == 403, role


def test_it_creates_a_division_with_an_audit_row(users, county, client_for):
    response = client_for(users["admin"]).post(reverse("register:division_create"),
                                              {"name": "二村", "category": "村", "parent": county["town"].pk})
    assert response.status_code == 302
    division = Division.objects.get(name="二村")
    assert division.parent == county["town"]
    assert AuditLog.objects.filter(object_type="register.division", object_id=str(division.pk), action="created").exists()


def test_it_names_fields_in_its_errors(users, county, client_for):
    response = client_for(users["admin"]).post(reverse("register:division_create"),
                                              {"name": "一村", "category": "村", "parent": ""})
    errors = response.context["form"].errors
    assert "行政区划“一村”已存在" in errors["name"][0]
    assert "上级区划不能为空" in errors["parent"][0]


def test_it_edits_a_division(users, county, client_for):
    url = reverse("register:division_edit", args=[county["village"].pk])
    response = client_for(users["admin"]).post(url, {"name": "一村（新）", "category": "村", "parent": county["town"].pk})
    assert response.status_code == 302
    county["village"].refresh_from_db()
    assert county["village"].name == "一村（新）"


def test_it_exports_divisions(users, client_for):
    response = client_for(users["admin"]).get(reverse("register:division_export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
