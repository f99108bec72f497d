"""Logging in and out."""
from django.test import Client
from django.urls import reverse

LOGIN = reverse("accounts:login")


def test_it_logs_in_and_lands_on_the_home_page(users, client):
    response = client.post(LOGIN, {"username": "organiser", "password": "测试密码123"})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")


def test_it_says_in_chinese_when_the_password_is_wrong(users, client):
    response = client.post(LOGIN, {"username": "organiser", "password": "wrong"})
    content = response.content.decode()
    assert response.status_code == 200 and "密码" in content and "alert-danger" in content
    assert not response.wsgi_request.user.is_authenticated


def test_it_refuses_a_login_without_csrf_token(users):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "organiser", "password": "测试密码123"})
    assert response.status_code == 403


def test_it_logs_out_by_post(users, client_for):
    client = client_for(users["member"])
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 302
