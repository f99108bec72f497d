"""The screens of transfers, floating members, the message centre and the member's own page."""
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from dangjian.core.actor import Actor
from dangjian.notifications.models import Message
from dangjian.register.models import Member
from dangjian.transfers import services
from dangjian.transfers.models import FloatingRecord, Status, Transfer


@pytest.fixture
def issued(users, county):
    t = services.start_transfer(actor=Actor(users["secretary"]), member=users["member_record"], to_org=county["firm_branch"])
    return services.approve_transfer(t, actor=Actor(users["organiser"]))


def test_the_whole_transfer_through_the_screens(users, county, client_for, firm_secretary):
    member = users["member_record"]
    c = client_for(users["secretary"])
    page = c.get(reverse("transfers:new"), {"member": member.pk})
    assert page.status_code == 200 and member.name in page.content.decode()
    r = c.post(reverse("transfers:new") + f"?member={member.pk}", {"member": member.pk, "to_org": county["firm_branch"].pk, "reason": "工作调动"})
    t = Transfer.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("transfers:detail", args=[t.pk])
    # the secretary may not approve
    assert c.post(reverse("transfers:step", args=[t.pk, "approve"]), {"approve-note": ""}).status_code == 403
    c = client_for(users["organiser"])
    assert c.post(reverse("transfers:step", args=[t.pk, "approve"]), {"approve-note": "同意"}).status_code == 302
    t.refresh_from_db()
    assert t.status == Status.ISSUED
    letter = c.get(reverse("transfers:letter", args=[t.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(letter.content)).paragraphs)
    for part in ("（存根）", "中国共产党党员组织关系介绍信", "（回执）", t.letter_number, f"{t.valid_until:%Y年%m月%d日}"):
        assert part in text
    assert member.id_number not in text and member.id_number_masked in text
    c = client_for(firm_secretary)
    today = timezone.localdate()
    assert c.post(reverse("transfers:step", args=[t.pk, "accept"]), {"accept-reported_on": today.isoformat()}).status_code == 302
    assert Member.objects.get(pk=member.pk).organization == county["firm_branch"]
    c = client_for(users["organiser"])
    assert c.post(reverse("transfers:step", args=[t.pk, "receipt"]), {"receipt-receipt_on": today.isoformat()}).status_code == 302
    t.refresh_from_db()
    assert t.status == Status.COMPLETED
    detail = c.get(reverse("transfers:detail", args=[t.pk])).content.decode()
    assert "回执已收到，办结" in detail and "审批通过，开具介绍信" in detail


def test_a_refused_step_shows_the_reason_in_chinese(issued, client_for, firm_secretary):
    c = client_for(firm_secretary)
    r = c.post(reverse("transfers:step", args=[issued.pk, "return"]), {"return-return_reason": ""})
    assert r.status_code == 400 and "请填写“退回原因”" in r.content.decode()
    issued.refresh_from_db()
    assert issued.status == Status.ISSUED


def test_another_township_sees_nothing(issued, users, client_for):
    c = client_for(users["outsider"])
    assert c.get(reverse("transfers:detail", args=[issued.pk])).status_code == 404
    assert c.post(reverse("transfers:step", args=[issued.pk, "accept"]), {}).status_code == 404
    assert c.get(reverse("transfers:letter", args=[issued.pk])).status_code == 404
    assert issued.member.name not in c.get(reverse("transfers:list")).content.decode()


def test_the_list_filters_and_exports(issued, users, client_for):
    c = client_for(users["organiser"])
    page = c.get(reverse("transfers:list"), {"status": "open"})
    assert issued.member.name in page.content.decode()
    assert issued.member.name not in c.get(reverse("transfers:list"), {"status": "completed"}).content.decode()
    export = c.get(reverse("transfers:list"), {"export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert c.get(reverse("transfers:list"), HTTP_HX_REQUEST="true").templates[0].name == "transfers/partials/transfer_table.html"


def test_a_member_cannot_open_the_staff_screens(users, client_for):
    c = client_for(users["member"])
    assert c.get(reverse("transfers:list")).status_code == 403
    assert c.get(reverse("transfers:floating_list")).status_code == 403


def test_member_search_shows_only_members_in_scope(users, county, client_for, make_member):
    make_member(county["community_branch"], name="李街道")
    page = client_for(users["secretary"]).get(reverse("transfers:member_search"), {"q": "李"}).content.decode()
    assert "李党员" in page and "李街道" not in page


def test_floating_members_through_the_screens(users, client_for):
    member = users["member_record"]
    c = client_for(users["secretary"])
    r = c.post(reverse("transfers:floating_new_out") + f"?member={member.pk}",
               {"member": member.pk, "place": "广东省深圳市", "since": "2026-01-05", "contact": "13911112222", "certificate_number": "流证1"})
    record = FloatingRecord.objects.get()
    assert r.status_code == 302
    r = c.post(reverse("transfers:floating_contact", args=[record.pk]), {"kind": "dues", "on": "2026-01-10", "note": "微信交纳"})
    assert r.status_code == 302 and record.contacts.get().kind == "dues"
    detail = c.get(reverse("transfers:floating_detail", args=[record.pk])).content.decode()
    assert "139****2222" in detail and "微信交纳" in detail
    listing = c.get(reverse("transfers:floating_list")).content.decode()
    assert member.name in listing
    r = c.post(reverse("transfers:floating_end", args=[record.pk]), {"ended_on": "", "end_reason": ""})
    assert r.status_code == 400 and "请填写“结束日期”" in r.content.decode()


# --- message centre ---------------------------------------------------------------------------------

def test_the_county_sees_failed_sms_and_sends_again(users, client_for):
    m = Message.objects.create(channel="sms", kind="political_birthday", day=datetime.date(2026, 7, 1),
                               member=users["member_record"], organization=users["member_record"].organization,
                               text="生日快乐", status="failed", attempts=5, last_error="网络超时")
    c = client_for(users["admin"])
    page = c.get(reverse("notifications:outbox"), {"status": "failed"}).content.decode()
    assert "网络超时" in page and users["member_record"].name in page
    assert c.post(reverse("notifications:retry", args=[m.pk])).status_code == 302
    m.refresh_from_db()
    assert m.status == "pending"
    assert client_for(users["secretary"]).get(reverse("notifications:outbox")).status_code == 403
    assert client_for(users["outsider"]).post(reverse("notifications:retry", args=[m.pk])).status_code == 404


def test_the_template_page_refuses_an_unknown_placeholder(users, client_for):
    c = client_for(users["admin"])
    r = c.post(reverse("notifications:templates"), {"text": "{名字}同志生日快乐"})
    assert r.status_code == 200 and "占位符{名字}无法识别" in r.content.decode()
    assert client_for(users["organiser"]).get(reverse("notifications:templates")).status_code == 403


def test_the_inbox_shows_my_messages(users, client_for):
    Message.objects.create(channel="in_app", kind="term_ending", day=datetime.date(2026, 7, 1), user=users["secretary"],
                           text="届满提醒内容")
    c = client_for(users["secretary"])
    assert "届满提醒内容" in c.get(reverse("notifications:inbox")).content.decode()
    c.post(reverse("notifications:mark_all_read"))
    assert Message.objects.get().read_at is not None
    assert "届满提醒内容" not in client_for(users["organiser"]).get(reverse("notifications:inbox")).content.decode()


def test_the_list_shows_an_expired_letter_as_expired_not_waiting(issued, users, client_for):
    """Issue 14."""
    Transfer.objects.filter(pk=issued.pk).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    page = client_for(users["organiser"]).get(reverse("transfers:list")).content.decode()
    assert "介绍信已过期，待重新开具" in page
    assert "已开具介绍信，待接收</span>" not in page
