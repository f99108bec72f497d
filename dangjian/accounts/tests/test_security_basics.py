"""等保 2.0 basics (issue 16): password rules, forced change after an administrator set the password,
every user's own password page, idle timeout, HTTPS switch, oversized bodies refused."""
import time

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from dangjian.accounts import services
from dangjian.accounts.passwords import DengbaoPasswordValidator
from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog

GOOD = "Zhibu#2026x"


@pytest.mark.parametrize("password,message", [
    ("Ab#1234", "密码太短"),
    ("abcdefgh12", "至少三类"),
    ("ABCDEFGH!!", "至少三类"),
    ("Xsecretary#1", "不能包含用户名"),
])
def test_the_password_rules_each_have_a_chinese_message(users, password, message):
    with pytest.raises(ValidationError) as exc:
        DengbaoPasswordValidator().validate(password, users["secretary"])
    assert any(message in m for m in exc.value.messages)


def test_a_password_of_eight_characters_and_three_classes_is_accepted(users):
    DengbaoPasswordValidator().validate("Abcdef1!", users["secretary"])
    DengbaoPasswordValidator().validate("abcdef1!", users["secretary"])


def test_an_administrators_reset_forces_a_change_at_the_next_login(users, client_for):
    target = users["secretary"]
    services.reset_password(target, actor=Actor(users["admin"]), password=GOOD)
    client = Client()
    assert client.post(reverse("accounts:login"), {"username": target.username, "password": GOOD}).status_code == 302
    # Anything but the password page leads there.
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "请先修改" in page
    bad = client.post(reverse("accounts:password_change"), {"old_password": GOOD, "password": "abc", "password2": "abc"})
    assert bad.status_code == 200 and "密码太短" in bad.content.decode()
    new = "Xinmima#2027"
    done = client.post(reverse("accounts:password_change"), {"old_password": GOOD, "password": new, "password2": new})
    assert done.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    target.refresh_from_db()
    assert not target.must_change_password and target.check_password(new)
    assert AuditLog.objects.filter(object_id=str(target.pk), note="本人修改密码").count() == 1


def test_a_new_account_must_change_its_password(users):
    user = services.create_user(actor=Actor(users["admin"]), username="newsec", password=GOOD, full_name="新书记",
                                role="secretary", organization=users["secretary"].organization)
    assert user.must_change_password


def test_every_user_changes_their_own_password_with_the_old_one(users, client_for):
    member = users["member"]
    member.set_password(GOOD)
    member.save()
    client = client_for(member)
    wrong = client.post(reverse("accounts:password_change"), {"old_password": "x", "password": "Xinmima#2027",
                                                               "password2": "Xinmima#2027"})
    assert wrong.status_code == 200 and "原密码不正确" in wrong.content.decode()


def test_an_idle_session_is_logged_out(users, client_for, settings):
    client = client_for(users["organiser"])
    assert client.get(reverse("core:home")).status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - settings.DANGJIAN_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert client.get(reverse("core:home")).status_code == 302  # logged out for good


def test_an_oversized_body_is_refused_before_it_is_read(users, client_for, settings):
    client = client_for(users["admin"])
    response = client.post(reverse("roster:import"), data=b"x", content_type="application/octet-stream",
                           CONTENT_LENGTH=str(settings.DANGJIAN_REQUEST_MAX_BYTES + 1))
    assert response.status_code == 413 and "太大" in response.content.decode()


def test_https_switch_turns_on_hsts_and_secure_cookies(monkeypatch):
    import importlib

    import dangjian.settings as s

    monkeypatch.setenv("DANGJIAN_HTTPS", "1")
    try:
        fresh = importlib.reload(s)
        assert fresh.SECURE_HSTS_SECONDS >= 31_536_000 and fresh.SESSION_COOKIE_SECURE and fresh.CSRF_COOKIE_SECURE
    finally:
        monkeypatch.delenv("DANGJIAN_HTTPS")
        importlib.reload(s)
