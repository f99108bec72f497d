"""The shared shell: error pages in Chinese, one highlighted menu item, readable audit values,
the Chinese empty choice."""
from django import forms
from django.test import Client
from django.urls import reverse

from dangjian.core.forms import ChineseFormMixin
from dangjian.core.models import AuditLog
from dangjian.register.models import Organization


def test_it_answers_an_unknown_address_with_a_chinese_page(users, client_for):
    response = client_for(users["secretary"]).get("/no-such-page/")
    content = response.content.decode()
    assert response.status_code == 404
    assert "找不到这个页面" in content and "Not Found" not in content


def test_it_explains_a_refusal_in_chinese(users, client_for):
    response = client_for(users["member"]).get(reverse("orglife:index"))
    content = response.content.decode()
    assert response.status_code == 403
    assert "没有权限" in content and "Forbidden" not in content


def test_it_explains_an_expired_form_in_chinese(users, db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "secretary", "password": "x"})
    content = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in content and "CSRF" not in content


def test_it_highlights_only_the_most_specific_menu_item(users, client_for):
    content = client_for(users["secretary"]).get(reverse("orglife:bases")).content.decode()
    assert f'active" href="{reverse("orglife:bases")}"' in content
    assert f'active" href="{reverse("orglife:index")}"' not in content
    content = client_for(users["secretary"]).get(reverse("orglife:index")).content.decode()
    assert f'active" href="{reverse("orglife:index")}"' in content
    assert f'active" href="{reverse("orglife:bases")}"' not in content


def test_the_menu_groups_the_apps_items_into_dropdowns(users, client_for):
    """The county admin's two dozen items sit in a few dropdowns; a group of one item (the member's) is a link."""
    menu = client_for(users["admin"]).get(reverse("core:home")).context["nav_menu"]
    groups = {e["label"]: [i["label"] for i in e["items"]] for e in menu if e["items"]}
    assert len(menu) <= 10 and sum(len(e["items"]) or 1 for e in menu) >= 20
    assert groups["组织与党员"][:2] == ["组织架构", "党员名册"] and "用户管理" in groups["系统"]
    assert all(not e["url"] for e in menu if e["items"]) and all(e["url"] for e in menu if not e["items"])
    member_menu = client_for(users["member"]).get(reverse("portal:me")).context["nav_menu"]
    assert member_menu and not any(e["items"] for e in member_menu)
    assert "我的" in [e["label"] for e in member_menu]


def test_the_dropdown_of_the_current_page_is_highlighted_with_its_item(users, client_for):
    response = client_for(users["secretary"]).get(reverse("orglife:bases"))
    entry = next(e for e in response.context["nav_menu"] if e["label"] == "组织生活")
    assert entry["active"] and [i["active"] for i in entry["items"]] == [False, True]
    assert not any(e["active"] for e in response.context["nav_menu"] if e is not entry)
    content = response.content.decode()
    assert 'data-nav-dropdown' in content and 'aria-expanded="false"' in content and "<script>" not in content


def test_it_shows_stored_choice_codes_and_the_route_by_their_chinese_labels(users, client_for):
    AuditLog.objects.create(actor_name="命令行", via="command", action="created", object_type="transfers.transfer",
                            object_id="1", object_repr="王某 转往 某支部", changes={"status": [None, "issued"]})
    AuditLog.objects.create(actor_name="管理员", via="import", action="changed", object_type="transfers.floatingrecord",
                            object_id="2", object_repr="李某", changes={"contact_log": [None, "2026-11-19 交纳党费"]})
    response = client_for(users["admin"]).get(reverse("core:audit_log"))
    changes = {e.object_repr: c for e, c, _ in response.context["entries"]}
    assert changes["王某 转往 某支部"] == [("状态", "（空）", "已开具介绍信，待接收")]
    assert changes["李某"] == [("联系记录", "（空）", "2026-11-19 交纳党费")]
    content = response.content.decode()
    assert "名册导入" in content and ">import<" not in content and ">command<" not in content


def test_it_offers_an_empty_choice_in_chinese(county):
    class F(ChineseFormMixin, forms.Form):
        org = forms.ModelChoiceField(Organization.objects.all(), label="党组织")
        chosen = forms.ModelChoiceField(Organization.objects.all(), label="党组织", empty_label="全部")

    form = F()
    assert list(form.fields["org"].choices)[0] == ("", "请选择")
    assert list(form.fields["chosen"].choices)[0] == ("", "全部")
