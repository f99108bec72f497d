"""The member's own pages (我的): masked record, political birthday, transfer, messages, SMS opt-out."""
import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.actor import Actor
from dangjian.notifications.models import Message
from dangjian.transfers import services
from dangjian.transfers.models import Status, Transfer


@pytest.fixture
def issued(users, county):
    t = services.start_transfer(actor=Actor(users["secretary"]), member=users["member_record"], to_org=county["firm_branch"])
    return services.approve_transfer(t, actor=Actor(users["organiser"]))


def test_the_member_page_shows_masked_data_birthday_transfer_and_messages(issued, users, client_for):
    Message.objects.create(channel="in_app", kind="term_ending", day=timezone.localdate(), member=users["member_record"],
                           text="测试消息内容")
    page = client_for(users["member"]).get(reverse("portal:me"))
    html = page.content.decode()
    m = users["member_record"]
    assert page.status_code == 200
    assert m.id_number_masked in html and m.id_number not in html and m.phone_masked in html and m.phone not in html
    assert "我的政治生日" in html and "7月1日" in html  # joined 2005-07-01
    assert issued.letter_number in html and "测试消息内容" in html
    assert "党龄" in html


def test_staff_have_no_member_page(users, client_for):
    assert client_for(users["secretary"]).get(reverse("portal:me")).status_code == 403


def test_the_member_starts_their_own_transfer(users, county, client_for):
    c = client_for(users["member"])
    form = c.get(reverse("portal:me_transfer")).content.decode()
    assert county["community_branch"].name not in form  # no list of other townships' organisations
    r = c.post(reverse("portal:me_transfer"), {"destination": "幸福社区党支部", "reason": "搬家"})
    assert r.status_code == 302
    t = Transfer.objects.get()
    assert t.by_member and t.member == users["member_record"] and t.requested_destination == "幸福社区党支部"
    # the organiser chooses the organisation while approving
    org_c = client_for(users["organiser"])
    assert county["community_branch"].name in org_c.get(reverse("transfers:detail", args=[t.pk])).content.decode()
    r = org_c.post(reverse("transfers:step", args=[t.pk, "approve"]), {"approve-to_org": county["community_branch"].pk})
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.status == Status.ISSUED and t.to_org == county["community_branch"]
    # a second one is refused, in words
    c = client_for(users["member"])
    r = c.post(reverse("portal:me_transfer"), {"destination": "某公司党支部"})
    assert r.status_code == 200 and "未办结" in r.content.decode()


def test_the_member_opts_out_of_birthday_sms(users, client_for):
    c = client_for(users["member"])
    c.post(reverse("portal:me_sms"), {"receive": "0"})
    assert "恢复接收政治生日短信" in c.get(reverse("portal:me")).content.decode()


def test_the_member_sees_their_own_branch_calendar_and_no_other(users, county, client_for):
    import datetime

    from dangjian.core.scope import CALENDAR
    from dangjian.orglife.models import Activity

    day = timezone.localdate() + datetime.timedelta(days=3)

    def activity(org, topic):
        return Activity.objects.create(organization=org, activity_type="主题党日", date=day,
                                       start_time=datetime.time(9), end_time=datetime.time(10), host="书记",
                                       topic=topic, recorded_on=timezone.localdate())

    own = activity(county["village_branch"], "本支部主题党日")
    activity(county["firm_branch"], "别的支部主题党日")
    assert list(Activity.objects.for_user(users["member"], CALENDAR)) == [own]
    assert not Activity.objects.for_user(users["member"], "view").exists()  # the staff pages stay closed
    html = client_for(users["member"]).get(reverse("portal:me")).content.decode()
    assert "本支部主题党日" in html and "别的支部主题党日" not in html


def test_the_transfer_form_is_not_offered_while_a_transfer_is_open(issued, users, client_for):
    """Issue 14: the member's transfer form was offered while a transfer was open; now the page says so."""
    html = client_for(users["member"]).get(reverse("portal:me_transfer")).content.decode()
    assert "未办结" in html and 'name="destination"' not in html and "提交申请" not in html


def test_the_member_page_shows_recent_and_upcoming_activities_labelled(users, county, client_for):
    """Issue 14: "近期组织活动" showed nothing once the meetings had been held."""
    import datetime

    from dangjian.orglife.models import Activity

    today = timezone.localdate()
    for days, topic in ((-3, "已开过的主题党日"), (4, "下周的支部党员大会")):
        day = today + datetime.timedelta(days=days)
        Activity.objects.create(
            organization=county["village_branch"], activity_type="theme_day", date=day,
            start_time=datetime.time(9, 0), end_time=datetime.time(10, 0), host="书记", topic=topic,
            expected_count=5, present_count=5, recorded_on=min(day, today))
    html = client_for(users["member"]).get(reverse("portal:me")).content.decode()
    assert "已开过的主题党日" in html and "下周的支部党员大会" in html
    assert "已开展" in html and "即将开展" in html
    assert html.index("下周的支部党员大会") < html.index("已开过的主题党日")


def test_apps_add_cards_to_the_member_page_and_not_to_the_home_page(users, client_for, monkeypatch, tmp_path, settings):
    """HomePanel(placement="me"): a card of 我的, asked for its context only there."""
    from dangjian.core import extensions
    from dangjian.core.extensions import HomePanel
    from dangjian.core.roles import MEMBER_ROLES

    (tmp_path / "me_card.html").write_text('<div class="card">测试卡片{{ me_test_value }}</div>')
    templates = [dict(t) for t in settings.TEMPLATES]
    templates[0]["DIRS"] = [*templates[0]["DIRS"], str(tmp_path)]
    settings.TEMPLATES = templates
    asked = []
    panel = HomePanel("me_card.html", lambda user, today: asked.append(user) or {"me_test_value": "甲"},
                      roles=MEMBER_ROLES, placement="me")
    real = extensions._app_attr
    monkeypatch.setattr(extensions, "_app_attr", lambda name: real(name) + ([(None, [panel])] if name == "home_panels" else []))
    c = client_for(users["member"])
    assert "测试卡片甲" in c.get(reverse("portal:me")).content.decode()
    assert asked == [users["member"]]
    assert "测试卡片" not in c.get(reverse("core:home")).content.decode()
    assert len(asked) == 1
