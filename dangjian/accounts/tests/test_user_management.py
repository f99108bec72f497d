"""User management pages and services: county admin only, role matches organisation, audited."""
import pytest
from django.test import Client
from django.urls import reverse

from dangjian.accounts import services
from dangjian.accounts.models import User
from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog

LIST = reverse("accounts:user_list")
CREATE = reverse("accounts:user_create")


def test_it_lists_the_counties_accounts_with_filters(users, client_for):
    client = client_for(users["admin"])
    response = client.get(LIST)
    assert response.status_code == 200 and response.context["total"] == 5
    only = client.get(LIST, {"role": "secretary"})
    assert [u.username for u in only.context["page"].object_list] == ["secretary"]


def test_it_refuses_user_management_to_everyone_but_the_county_admin(users, client_for):
    for role in ("organiser", "secretary", "member"):
        client = client_for(users[role])
        assert client.get(LIST).status_code == 403
        assert client.get(CREATE).status_code == 403
        assert client.get(reverse("accounts:user_edit", args=[users["member"].pk])).status_code == 403


def test_it_creates_an_organiser_account_with_one_audit_row(users, county, client_for):
    response = client_for(users["admin"]).post(CREATE, {
        "username": "zhang", "full_name": "张组织员", "role": "organiser", "organization": county["street_committee"].pk,
        "password": "Zuzhi-2026-secure"})

    assert response.status_code == 302
    user = User.objects.get(username="zhang")
    assert user.get_full_name() == "张组织员" and user.organization == county["street_committee"]
    assert user.check_password("Zuzhi-2026-secure")
    row = AuditLog.objects.get(object_type="accounts.user", object_id=str(user.pk))
    assert row.action == "created" and row.actor == users["admin"]
    assert row.scope_path == county["street_committee"].path
    assert "Zuzhi-2026-secure" not in str(row.changes)


def test_it_links_a_member_account_by_id_number(users, county, make_member, client_for):
    member = make_member(county["firm_branch"], name="王党员")
    response = client_for(users["admin"]).post(CREATE, {
        "username": "wang", "full_name": "王党员", "role": "member", "member_id_number": member.id_number.lower(),
        "password": "Dangyuan-2026-ok"})

    assert response.status_code == 302
    user = User.objects.get(username="wang")
    assert user.member == member and user.organization == county["firm_branch"]


@pytest.mark.parametrize("data, field, text", [
    ({"role": "organiser", "organization": "village_branch"}, "organization", "的所在党组织应为乡镇（街道）党委或党工委"),
    ({"role": "secretary", "organization": ""}, "organization", "必须指定所在党组织"),
    ({"role": "member"}, "member_id_number", "党员账号必须关联对应的党员"),
    ({"username": "SECRETARY"}, "username", "已被使用"),
    ({"password": "123"}, "password", "密码"),
    ({"full_name": ""}, "full_name", "请填写“姓名”"),
])
def test_it_names_the_field_of_each_error_in_chinese(users, county, client_for, data, field, text):
    post = {"username": "new", "full_name": "新用户", "role": "secretary", "organization": county["firm_branch"].pk,
            "password": "Xin-yonghu-2026"}
    post.update({k: (county[v].pk if v in county else v) for k, v in data.items()})
    response = client_for(users["admin"]).post(CREATE, post)
    errors = response.context["form"].errors
    assert any(text in m for m in errors[field]), errors
    assert not User.objects.filter(username="new").exists()


def test_it_refuses_a_member_already_linked_to_another_account(users, client_for):
    response = client_for(users["admin"]).post(CREATE, {
        "username": "dup", "full_name": "重复", "role": "member", "member_id_number": users["member_record"].id_number,
        "password": "Chongfu-2026-ok"})
    assert "已有账号“member”" in response.context["form"].errors["member_id_number"][0]


def test_it_edits_an_account_with_the_old_and_new_values(users, county, client_for):
    target = users["secretary"]
    response = client_for(users["admin"]).post(reverse("accounts:user_edit", args=[target.pk]), {
        "username": "secretary", "full_name": "一村书记", "role": "secretary", "organization": county["firm_branch"].pk})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.organization == county["firm_branch"]
    row = AuditLog.objects.get(object_type="accounts.user", action="changed")
    assert row.changes["organization"] == ["中共一村支部委员会", "甲镇某公司党支部"]
    assert row.changes["full_name"] == ["secretary", "一村书记"]


def test_it_deactivates_after_confirmation_and_the_user_cannot_log_in(users, client, client_for):
    target = users["secretary"]
    admin = client_for(users["admin"])
    url = reverse("accounts:user_deactivate", args=[target.pk])
    assert "确认停用" in admin.get(url).content.decode()
    target.refresh_from_db()
    assert target.is_active

    assert admin.post(url, {"reason": "调离"}).status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    assert AuditLog.objects.get(action="suspended", object_type="accounts.user").note == "调离"
    admin.logout()
    login = Client().post(reverse("accounts:login"), {"username": "secretary", "password": "测试密码123"})
    assert login.status_code == 200 and not login.wsgi_request.user.is_authenticated


def test_it_refuses_to_deactivate_ones_own_account(users, client_for):
    response = client_for(users["admin"]).post(reverse("accounts:user_deactivate", args=[users["admin"].pk]), {})
    assert "不能停用自己正在使用的账号" in response.content.decode()
    users["admin"].refresh_from_db()
    assert users["admin"].is_active


def test_it_resets_a_password_without_logging_it(users, client_for):
    target = users["member"]
    url = reverse("accounts:user_password", args=[target.pk])
    mismatch = client_for(users["admin"]).post(url, {"password": "Xinmima-2026-a", "password2": "Xinmima-2026-b"})
    assert "“再次输入新密码”与“新密码”不一致" in mismatch.content.decode()

    response = client_for(users["admin"]).post(url, {"password": "Xinmima-2026-a", "password2": "Xinmima-2026-a"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password("Xinmima-2026-a")
    row = AuditLog.objects.get(object_type="accounts.user", action="changed")
    assert "Xinmima" not in str(row.changes) + row.note


def test_it_answers_404_for_an_account_outside_the_admins_county(users, county, client_for):
    from dangjian.register.models import Division, Organization

    div = Division(name="另一县", category="县")
    div.assign_path(None)
    div.save()
    other_root = Organization(name="中共另一县委员会", org_type="县委", unit_type="机关", division=div)
    other_root.assign_path(None)
    other_root.save()
    stranger = User.objects.create_user("stranger", password="x-Stranger-2026", role="county_admin",
                                        organization=other_root)
    assert client_for(users["admin"]).get(reverse("accounts:user_edit", args=[stranger.pk])).status_code == 404


def test_it_writes_exactly_one_audit_row_per_service_call(users, county):
    actor = Actor(user=users["admin"], ip_address="10.0.0.1")
    user = services.create_user(actor=actor, username="svc", password="Service-2026-ok", full_name="服务",
                                role="secretary", organization=county["village_branch"])
    services.reset_password(user, actor=actor, password="Service-2026-new")
    services.set_user_active(user, actor=actor, active=False, reason="测试")
    rows = AuditLog.objects.filter(object_type="accounts.user", object_id=str(user.pk)).order_by("id")
    assert [r.action for r in rows] == ["created", "changed", "suspended"]
    assert all(r.ip_address == "10.0.0.1" for r in rows)


@pytest.mark.parametrize("name", ["accounts:user_edit", "accounts:user_deactivate", "accounts:user_password"])
def test_it_enforces_csrf(users, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["admin"])
    assert client.post(reverse(name, args=[users["secretary"].pk]), {}).status_code == 403


def test_it_keeps_a_secretarys_link_to_their_own_member_record_on_edit(users, county, make_member, client_for):
    own = make_member(county["village_branch"], name="书记本人")
    services.update_user(users["secretary"], actor=Actor.command(), username="secretary", full_name="书记本人",
                         role="secretary", organization=county["village_branch"], member=own)
    response = client_for(users["admin"]).post(reverse("accounts:user_edit", args=[users["secretary"].pk]), {
        "username": "secretary", "full_name": "书记本人", "role": "secretary",
        "organization": county["village_branch"].pk})
    assert response.status_code == 302
    users["secretary"].refresh_from_db()
    assert users["secretary"].member == own
