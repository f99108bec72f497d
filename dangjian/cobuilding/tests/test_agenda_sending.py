"""议程送达 of joint meetings: the deadline (meeting day less cobuilding.agenda_days_ahead, default 15) on both
sides, what is flagged on the lists and in the daily digest, the notice to the units' staff, the audit row."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.cobuilding import reminders, rules, services
from dangjian.cobuilding.models import AgendaSending, Meeting, MemberUnit
from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.notifications.models import Message

D = datetime.date
MEETING_DAY = D(2025, 6, 30)


@pytest.fixture
def today(monkeypatch):
    """services.today() on a day chosen by the test (default: the meeting day)."""
    box = {"day": MEETING_DAY}
    monkeypatch.setattr(services, "today", lambda: box["day"])
    return box


@pytest.fixture
def meeting(region, county, actor, today):
    inside = MemberUnit.objects.create(region=region, unit_name=county["village_branch"].name,
                                       organization=county["village_branch"], joined_on=D(2024, 1, 1))
    MemberUnit.objects.create(region=region, unit_name="县外某公司党委", joined_on=D(2024, 1, 1))
    MemberUnit.objects.create(region=region, unit_name="已退出单位", joined_on=D(2023, 1, 1), left_on=D(2025, 1, 1))
    m = services.save_meeting(actor=actor, region=region, date=MEETING_DAY, topic="年度共建项目议定",
                              agenda="一、通报；二、议定项目")
    assert inside.pk
    return m


def units(*names):
    return list(MemberUnit.objects.filter(unit_name__in=names))


def test_the_deadline_is_the_meeting_day_less_the_setting(db):
    assert rules.agenda_deadline(MEETING_DAY) == D(2025, 6, 15)
    assert rules.agenda_on_time(MEETING_DAY, D(2025, 6, 15))  # exactly 15 days before: on time
    assert not rules.agenda_on_time(MEETING_DAY, D(2025, 6, 16))  # 14 days before: late
    assert not rules.agenda_on_time(MEETING_DAY, None)


def test_the_days_ahead_are_a_setting(db, actor):
    from dangjian.core.rules import change_rule_setting

    change_rule_setting("cobuilding.agenda_days_ahead", "10", actor=actor)
    assert rules.agenda_deadline(MEETING_DAY) == D(2025, 6, 20)


def test_sent_exactly_fifteen_days_ahead_to_every_unit_is_on_time(meeting, county, actor, today, users,
                                                                   django_capture_on_commit_callbacks):
    today["day"] = D(2025, 6, 15)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_agenda(meeting, actor=actor, sent_on=D(2025, 6, 15),
                             units=units(county["village_branch"].name, "县外某公司党委"), method="纸质")
    meeting.refresh_from_db()
    status = services.agenda_status(meeting, D(2025, 6, 20))
    assert status["state"] == "按时送达" and not status["flagged"] and meeting.agenda_sent_on == D(2025, 6, 15)
    sending = AgendaSending.objects.get()
    assert sending.agenda == "一、通报；二、议定项目" and sending.method == "纸质"
    row = AuditLog.objects.filter(action="changed").get()
    assert row.note == "议程送达" and "县外某公司党委" in row.changes["agenda_units"][1]
    assert row.changes["agenda_sent_on"] == [None, "2025-06-15"]
    # The staff of the unit inside the county (its secretary, the township's organiser) get the agenda.
    notices = Message.objects.filter(kind="联席会议议程")
    assert {m.user.username for m in notices} == {"secretary", "organiser"}
    assert "年度共建项目议定" in notices.first().text


def test_sent_fourteen_days_ahead_is_late_and_flagged(meeting, county, actor, today):
    today["day"] = D(2025, 6, 16)
    services.send_agenda(meeting, actor=actor, sent_on=D(2025, 6, 16), units=units(county["village_branch"].name))
    services.send_agenda(meeting, actor=actor, sent_on=D(2025, 6, 16), units=units("县外某公司党委"))
    meeting.refresh_from_db()
    status = services.agenda_status(meeting, D(2025, 6, 20))
    assert status["state"] == "逾期送达" and status["flagged"] and len(status["late"]) == 2
    assert "逾期" in AuditLog.objects.filter(action="changed").first().note


def test_a_unit_missing_is_pending_to_the_deadline_and_flagged_the_day_after(meeting, county, actor, today):
    today["day"] = D(2025, 6, 10)
    services.send_agenda(meeting, actor=actor, sent_on=D(2025, 6, 10), units=units("县外某公司党委"))
    meeting.refresh_from_db()
    assert meeting.agenda_sent_on is None
    on_deadline = services.agenda_status(meeting, D(2025, 6, 15))
    assert on_deadline["state"] == "待送达" and not on_deadline["flagged"]
    after = services.agenda_status(meeting, D(2025, 6, 16))
    assert after["state"] == "未送达" and after["flagged"]
    assert [u.unit_name for u in after["missing"]] == [county["village_branch"].name]
    # The unit that left before the meeting is not due.
    assert "已退出单位" not in [u["unit"].unit_name for u in after["units"]]


def test_it_refuses_bad_sendings_and_writes_nothing(meeting, region, county, actor, today, users):
    today["day"] = D(2025, 6, 10)
    cases = [
        ({"sent_on": None, "units": units("县外某公司党委")}, "sent_on", "送达日期不能为空"),
        ({"sent_on": D(2025, 6, 11), "units": units("县外某公司党委")}, "sent_on", "晚于今天"),
        ({"sent_on": D(2025, 6, 10), "units": []}, "units", "请选择送达的共建单位"),
        ({"sent_on": D(2025, 6, 10), "units": units("已退出单位")}, "units", "不在共建期内"),
    ]
    for kwargs, key, text in cases:
        with pytest.raises(ValidationError) as err:
            services.send_agenda(meeting, actor=actor, **kwargs)
        assert text in "".join(err.value.message_dict[key]), kwargs
    today["day"] = D(2025, 7, 5)
    with pytest.raises(ValidationError) as err:  # after the meeting
        services.send_agenda(meeting, actor=actor, sent_on=D(2025, 7, 1), units=units("县外某公司党委"))
    assert "不能晚于会议日期" in err.value.message_dict["sent_on"][0]
    empty = services.save_meeting(actor=actor, region=region, date=D(2025, 8, 1), topic="无议程")
    with pytest.raises(ValidationError) as err:
        services.send_agenda(empty, actor=actor, sent_on=D(2025, 7, 5), units=units("县外某公司党委"))
    assert "议程不能为空" in err.value.message_dict["agenda"][0]
    assert not AgendaSending.objects.exists()
    with pytest.raises(Exception):  # an organiser of another township
        services.send_agenda(meeting, actor=Actor(users["organiser"]), sent_on=D(2025, 6, 1),
                             units=units("县外某公司党委"))
    assert not AgendaSending.objects.exists()


def test_the_digest_tells_the_region_organiser_from_a_week_before_the_deadline(meeting, users, actor, today):
    def texts(day):
        out = {}
        for r in reminders.daily_reminders(day):
            if r.kind == "联席会议议程":
                out.setdefault(r.user_id, []).extend(i["text"] for i in r.items)
        return out

    assert texts(D(2025, 6, 7)) == {}  # 8 days before the deadline: not yet
    week = texts(D(2025, 6, 8))
    assert list(week) == [users["outsider"].pk]  # the street's organiser, not the town's
    assert "未送达" in week[users["outsider"].pk][0] and "【" not in week[users["outsider"].pk][0]
    assert texts(D(2025, 6, 16))[users["outsider"].pk][0].startswith("【未送达】")
    today["day"] = D(2025, 6, 16)
    services.send_agenda(meeting, actor=actor, sent_on=D(2025, 6, 16), units=list(MemberUnit.objects.filter(left_on=None)))
    assert texts(D(2025, 6, 17))[users["outsider"].pk][0].startswith("【逾期送达】")
    assert texts(MEETING_DAY + datetime.timedelta(days=31)) == {}  # a month after the meeting: no longer


def test_the_agenda_page_lists_units_and_records_a_sending(meeting, users, client_for, today):
    today["day"] = D(2025, 6, 14)
    admin = client_for(users["admin"])
    url = reverse("cobuilding:meeting_agenda", args=[meeting.pk])
    page = admin.get(url).content.decode()
    assert "县外某公司党委" in page and "已退出单位" not in page and "2025年6月15日" in page
    ids = [u.pk for u in MemberUnit.objects.filter(left_on=None)]
    response = admin.post(url, {"sent_on": "2025-06-14", "units": ids, "agenda": "议程正文"})
    assert response.status_code == 302
    assert "按时送达" in admin.get(reverse("cobuilding:meetings_list")).content.decode()
    # The organiser of another township does not see the meeting.
    assert client_for(users["organiser"]).get(url).status_code == 404
