"""Login throttling (issue 16): after DANGJIAN_LOGIN_FAILURE_LIMIT (5) failures the account and the
source address are locked, even for the right password; the county admin unlocks; both audited."""
import pytest
from django.test import Client
from django.urls import reverse

from dangjian.core.models import AuditLog

PASSWORD = "Zhengque#2026"


@pytest.fixture
def target(users):
    user = users["secretary"]
    user.set_password(PASSWORD)
    user.save()
    return user


def attempt(username, password, ip="10.0.0.7"):
    return Client(REMOTE_ADDR=ip).post(reverse("accounts:login"), {"username": username, "password": password})


def logged_in(response) -> bool:
    return response.status_code == 302


def test_the_right_password_logs_in_before_any_failure(target):
    assert logged_in(attempt(target.username, PASSWORD))


def test_five_failures_lock_the_account_even_against_the_right_password(target, users, client_for):
    for _ in range(5):
        assert not logged_in(attempt(target.username, "wrong"))
    locked = attempt(target.username, PASSWORD, ip="10.0.0.8")  # another address: the account is locked
    assert locked.status_code == 429 and "登录已暂时锁定" in locked.content.decode()
    row = AuditLog.objects.filter(action="locked_out").order_by("id").first()
    assert row.object_repr == target.username and row.ip_address == "10.0.0.7"

    admin = client_for(users["admin"])
    assert "解除锁定" in admin.get(reverse("accounts:user_list")).content.decode()
    assert admin.post(reverse("accounts:user_unlock", args=[target.pk])).status_code == 302
    assert AuditLog.objects.filter(action="unlocked", object_id=str(target.pk)).count() == 1
    assert logged_in(attempt(target.username, PASSWORD))


def test_five_failures_from_one_address_lock_that_address_for_every_account(target):
    for i in range(5):
        attempt(f"nobody{i}", "wrong", ip="10.0.0.9")
    assert attempt(target.username, PASSWORD, ip="10.0.0.9").status_code == 429
    assert logged_in(attempt(target.username, PASSWORD, ip="10.0.0.10"))


def test_only_the_county_admin_unlocks(target, users, client_for):
    assert client_for(users["organiser"]).post(reverse("accounts:user_unlock", args=[target.pk])).status_code in (403, 404)
