"""Issue 14: accounts for a whole county from the register — the plan (who gets one, who has one, who
lacks a phone or ID number), one service call in one transaction, audited, one-time passwords on a sheet
the administrator downloads once, and the forced change at the first login."""
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.accounts import bulk
from dangjian.accounts.models import OneTimeSheet, User
from dangjian.cadres import services as cadre_services
from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.register.models import Member, Organization

SYSTEM = Actor.command()


@pytest.fixture
def register(county, make_member, users):
    """village_branch: secretary named on the organisation (a member; the demo secretary account exists
    for another person); firm_branch: serving 书记 in the post records, a member; community_branch: named but
    no such member; street branch none."""
    village_sec = make_member(county["village_branch"], name="王村书")
    Organization.objects.filter(pk=county["village_branch"].pk).update(secretary_name="王村书")
    firm_sec = make_member(county["firm_branch"], name="钱企书")
    Organization.objects.filter(pk=county["firm_branch"].pk).update(secretary_name="旧名字")
    cadre_services.create_cadre(actor=SYSTEM, organization=county["firm_branch"], name="钱企书", post="书记",
                                started_on=datetime.date(2024, 1, 1), id_number=firm_sec.id_number)
    Organization.objects.filter(pk=county["community_branch"].pk).update(secretary_name="孙无名")
    return {"village": village_sec, "firm": firm_sec}


def by_org(plan):
    return {c.organization.name: c for c in plan}


def test_the_plan_says_who_gets_an_account_who_has_one_and_who_lacks_a_phone_or_id(users, county, register):
    plan = by_org(bulk.plan_register_accounts(users["admin"]))
    village, firm, community = (plan["中共一村支部委员会"], plan["甲镇某公司党支部"], plan[county["community_branch"].name])
    assert (village.status, village.source, village.member) == (bulk.NEW, bulk.SOURCE_ORG, register["village"])
    assert village.username == "wangcunshu" + register["village"].id_number[-4:].lower()
    # The post records win over the organisation's record (钱企书 serves; 旧名字 is out of date).
    assert (firm.status, firm.name, firm.source) == (bulk.NEW, "钱企书", bulk.SOURCE_POSTS)
    assert community.status == bulk.LACKING and "找不到此人" in community.note
    # A member without a phone: lacking, named.
    Member.objects.filter(pk=register["village"].pk).update(phone_encrypted="", phone_hash="")
    assert by_org(bulk.plan_register_accounts(users["admin"]))["中共一村支部委员会"].note == "名册中缺少手机号"


def test_an_existing_account_is_not_opened_again(users, county, register):
    User.objects.create_user(username="qian", password="测试密码123", role="member", organization=county["firm_branch"],
                             member=register["firm"], last_name="钱企书")
    firm = by_org(bulk.plan_register_accounts(users["admin"]))["甲镇某公司党支部"]
    assert (firm.status, firm.username) == (bulk.HAS_ACCOUNT, "qian")


def test_it_opens_the_accounts_in_one_call_with_one_time_passwords(users, county, register, client):
    before = User.objects.count()
    result = bulk.create_register_accounts(actor=Actor(user=users["admin"], ip_address="127.0.0.1"))
    assert len(result.created) == 2 and User.objects.count() == before + 2
    opened = {u.organization.name: u for u in result.created}
    village = opened["中共一村支部委员会"]
    assert village.role == "secretary" and village.member == register["village"] and village.must_change_password
    rows = AuditLog.objects.filter(object_type="accounts.user", action="created",
                                   object_id__in=[str(u.pk) for u in result.created])
    assert rows.count() == 2 and all(r.actor_id == users["admin"].pk for r in rows)
    assert all("批量开通" in r.note and "password" not in r.changes for r in rows)
    # The sheet: once, then gone; its passwords log in and force the change.
    sheet = OneTimeSheet.objects.get()
    assert sheet.count == 2 and "初始密码" not in sheet.rows_encrypted
    client.force_login(users["admin"])
    response = client.post(reverse("accounts:sheet_download", args=[sheet.pk]))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    data = {row[2]: row[3] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert set(data) == {u.username for u in result.created}
    assert client.post(reverse("accounts:sheet_download", args=[sheet.pk])).status_code == 404
    assert not OneTimeSheet.objects.exists()
    assert AuditLog.objects.filter(object_type="accounts.onetimesheet", action="exported").count() == 1
    client.logout()
    assert client.login(username=village.username, password=data[village.username])
    assert client.get(reverse("core:home")).status_code == 302  # to the forced password change
    # Running it again opens nothing (each now has an account).
    again = bulk.create_register_accounts(actor=Actor(user=users["admin"], ip_address="127.0.0.1"))
    assert again.created == [] and again.sheet is None


def test_the_preview_page_and_the_post(users, register, client_for):
    client = client_for(users["admin"])
    page = client.get(reverse("accounts:bulk_register"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "将开通" in html and "缺少手机号或身份证号" in html and "开通 2 个账号" in html
    response = client.post(reverse("accounts:bulk_register"))
    assert response.status_code == 302
    listing = client.get(reverse("accounts:user_list")).content.decode()
    assert "下载初始密码表（仅一次）" in listing


def test_only_the_county_admin_opens_accounts(users, register, client_for):
    for key in ("organiser", "secretary", "member"):
        client = client_for(users[key])
        assert client.get(reverse("accounts:bulk_register")).status_code == 403
        assert client.post(reverse("accounts:bulk_register")).status_code == 403
    assert not OneTimeSheet.objects.exists()


def test_generated_passwords_keep_the_dengbao_rules():
    from django.contrib.auth import password_validation

    from dangjian.accounts.onetime import generate_password

    for _ in range(50):
        password = generate_password("zhangsan1234")
        password_validation.validate_password(password)
        assert len(password) == 16 and "zhangsan1234" not in password.lower()


def test_one_time_passwords_use_the_light_hasher_and_are_rehashed_at_login(settings, db):
    from django.contrib.auth.hashers import check_password

    from dangjian.accounts.onetime import hash_one_time

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 "dangjian.accounts.hashers.OneTimePasswordHasher"]
    encoded = hash_one_time("Ab3#kkkkmmmmnnnn")
    assert encoded.startswith("pbkdf2_onetime$")
    upgraded = []
    assert check_password("Ab3#kkkkmmmmnnnn", encoded, setter=upgraded.append)
    assert upgraded  # stored again with the default hasher at the first successful check
