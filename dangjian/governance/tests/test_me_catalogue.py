"""The service catalogue as a card of the member's 我的 page (HomePanel placement "me"): the items in
use by category, a link to the full catalogue; not on the staff's home page."""
from django.urls import reverse


def test_the_member_sees_the_catalogue_in_use_on_their_own_page(client, users, catalogue):
    client.force_login(users["member"])
    html = client.get(reverse("portal:me")).content.decode()
    card = html[html.index('id="service-catalogue"'):]
    assert "便民服务目录" in card and "低保申请" in card and "社保卡办理" in card
    assert "旧事项" not in card  # stopped before today
    assert "共 2 大类 2 项服务" in card
    assert reverse("governance:catalogue") in card
    assert client.get(reverse("governance:catalogue")).status_code == 200


def test_the_card_is_not_on_the_home_page(client, users, catalogue):
    client.force_login(users["secretary"])
    assert 'id="service-catalogue"' not in client.get(reverse("core:home")).content.decode()
    client.force_login(users["member"])
    assert 'id="service-catalogue"' not in client.get(reverse("core:home")).content.decode()
