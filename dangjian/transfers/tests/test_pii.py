"""Full numbers (issue 16): the transfer letter and the floating member page are masked by default,
even for the county admin; the full number only through ?full=1 / 显示完整号码, each audited."""
import io

import pytest
from django.urls import reverse
from docx import Document

from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.transfers import services


@pytest.fixture
def issued(users, county):
    t = services.start_transfer(actor=Actor(users["secretary"]), member=users["member_record"], to_org=county["firm_branch"])
    return services.approve_transfer(t, actor=Actor(users["organiser"]))


def letter_text(response) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)


def test_the_letter_is_masked_for_the_admin_unless_asked_and_then_audited(issued, users, client_for):
    member = users["member_record"]
    c = client_for(users["admin"])
    text = letter_text(c.get(reverse("transfers:letter", args=[issued.pk])))
    assert member.id_number not in text and member.id_number_masked in text
    assert not AuditLog.objects.filter(action="viewed_pii").exists()
    # The download itself is an export, logged.
    assert AuditLog.objects.filter(action="exported", object_type="export:transfers:letter").count() == 1
    text = letter_text(c.get(reverse("transfers:letter", args=[issued.pk]) + "?full=1"))
    assert member.id_number in text
    row = AuditLog.objects.get(action="viewed_pii")
    assert row.actor == users["admin"] and "介绍信" in row.note


def test_an_organiser_may_not_ask_for_the_full_letter(issued, users, client_for):
    c = client_for(users["organiser"])
    assert c.get(reverse("transfers:letter", args=[issued.pk]) + "?full=1").status_code == 403


def test_the_floating_page_masks_the_contact_and_reveals_it_audited(users, client_for):
    member = users["member_record"]
    record = services.register_floating_out(actor=Actor(users["secretary"]), member=member, place="广州",
                                            since=member.joined_on, contact="13800138000", certificate_number="")
    c = client_for(users["admin"])
    page = c.get(reverse("transfers:floating_detail", args=[record.pk])).content.decode()
    assert "13800138000" not in page and "138****8000" in page and "显示完整号码" in page
    revealed = c.post(reverse("transfers:floating_reveal", args=[record.pk]), HTTP_HX_REQUEST="true")
    assert "13800138000" in revealed.content.decode()
    assert AuditLog.objects.filter(action="viewed_pii", object_id=str(record.pk)).count() == 1
    assert client_for(users["organiser"]).post(reverse("transfers:floating_reveal", args=[record.pk])).status_code == 403
