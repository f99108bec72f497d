"""The member page: every field, numbers masked, full number for the county admin on request (audited)."""
from django.test import Client
from django.urls import reverse

from dangjian.core.models import AuditLog


def detail(member):
    return reverse("register:member_detail", args=[member.pk])


def reveal(member):
    return reverse("register:member_reveal", args=[member.pk])


def test_it_shows_every_field_with_numbers_masked(users, client_for):
    member = users["member_record"]
    response = client_for(users["secretary"]).get(detail(member))

    content = response.content.decode()
    assert response.status_code == 200
    for text in ("李党员", "汉族", "大学本科", "工人", "中共一村支部委员会", "2005-07-01", "2006-07-01",
                 member.id_number_masked, member.phone_masked):
        assert text in content
    assert member.id_number not in content and member.phone not in content
    assert "显示完整号码" not in content


def test_it_gives_the_county_admin_the_full_number_with_an_audit_row_per_reveal(users, client_for):
    member = users["member_record"]
    client = client_for(users["admin"])
    assert "显示完整号码" in client.get(detail(member)).content.decode()

    first = client.post(reveal(member), {"field": "id_number"}, HTTP_HX_REQUEST="true")
    second = client.post(reveal(member), {"field": "phone"}, HTTP_HX_REQUEST="true")

    assert member.id_number in first.content.decode() and "<html" not in first.content.decode()
    assert member.phone in second.content.decode()
    rows = AuditLog.objects.filter(action="viewed_pii", object_id=str(member.pk)).order_by("id")
    assert [r.note for r in rows] == ["查看完整公民身份号码", "查看完整手机号码"]
    assert all(r.actor == users["admin"] for r in rows)


def test_it_refuses_the_full_number_to_everyone_else(users, client_for):
    member = users["member_record"]
    for role in ("organiser", "secretary", "member"):
        response = client_for(users[role]).post(reveal(member), {"field": "id_number"})
        assert response.status_code == 403, role
        assert member.id_number not in response.content.decode()
    assert not AuditLog.objects.filter(action="viewed_pii").exists()


def test_it_answers_404_to_the_outsider(users, client_for):
    member = users["member_record"]
    assert client_for(users["outsider"]).get(detail(member)).status_code == 404
    assert client_for(users["outsider"]).post(reveal(member)).status_code == 404


def test_it_lets_a_member_see_only_themself(users, county, make_member, client_for):
    other = make_member(county["village_branch"], name="同支部党员")
    client = client_for(users["member"])
    own = client.get(detail(users["member_record"]))
    assert own.status_code == 200 and own.context["can_change"] is False
    assert reverse("register:member_edit", args=[users["member_record"].pk]) not in own.content.decode()
    assert client.get(detail(other)).status_code == 404


def test_it_reveals_only_by_post_with_csrf(users):
    member = users["member_record"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["admin"])
    assert client.get(reveal(member)).status_code == 405
    assert client.post(reveal(member), {"field": "id_number"}).status_code == 403
    assert not AuditLog.objects.filter(action="viewed_pii").exists()
