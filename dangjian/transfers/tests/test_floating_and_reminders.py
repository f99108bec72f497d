"""流动党员 (the 3- and 5-month warnings on their boundary days) and the daily reminders of
transfers, floating members and terms ending, queued once however often the job runs."""
import datetime
import types

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.core.extensions import Reminder
from dangjian.core.models import AuditLog
from dangjian.notifications import outbox
from dangjian.notifications.models import Message
from dangjian.register.models import Member
from dangjian.transfers import rules, services
from dangjian.transfers.models import ContactKind, Direction

DAY = datetime.date(2026, 6, 1)


@pytest.fixture
def floating(users, actor_for, set_today):
    set_today(DAY)
    return services.register_floating_out(actor=actor_for(users["secretary"]), member=users["member_record"],
                                          place="广东省深圳市", since=datetime.date(2026, 1, 31), contact="13911112222",
                                          certificate_number="流证2026001")


def test_registering_a_member_going_out_marks_them_floating(floating, users):
    member = Member.objects.get(pk=users["member_record"].pk)
    assert member.is_floating and floating.direction == Direction.OUT
    assert floating.contact == "13911112222" and floating.contact_masked == "139****2222"
    assert AuditLog.objects.filter(object_type="transfers.floatingrecord", object_id=str(floating.pk)).count() == 1
    assert AuditLog.objects.get(object_type="register.member").changes == {"is_floating": [False, True]}


def test_a_member_cannot_go_out_twice_or_into_the_future(floating, users, actor_for, make_member, county):
    with pytest.raises(ValidationError) as exc:
        services.register_floating_out(actor=actor_for(users["secretary"]), member=users["member_record"],
                                       place="某地", since=DAY)
    assert "已登记为外出流动党员" in exc.value.message_dict["member"][0]
    other = make_member(county["village_branch"])
    with pytest.raises(ValidationError) as exc:
        services.register_floating_out(actor=actor_for(users["secretary"]), member=other, place="某地",
                                       since=DAY + datetime.timedelta(days=1))
    assert "晚于今天" in exc.value.message_dict["since"][0]


def test_staff_of_another_township_cannot_register_a_member_going_out(users, actor_for):
    with pytest.raises(PermissionDenied):
        services.register_floating_out(actor=actor_for(users["outsider"]), member=users["member_record"],
                                       place="某地", since=DAY)


def test_a_member_coming_in_joins_a_local_branch_without_entering_the_register(users, county, actor_for, set_today):
    set_today(DAY)
    before = Member.objects.count()
    record = services.register_floating_in(actor=actor_for(users["secretary"]), organization=county["village_branch"],
                                           name="外来党员", home_org_name="某省某县某村党支部", place="某省某县",
                                           since=datetime.date(2026, 3, 1), certificate_number="流证X1")
    assert record.direction == Direction.IN and record.member is None and Member.objects.count() == before
    with pytest.raises(ValidationError) as exc:
        services.register_floating_in(actor=actor_for(users["secretary"]), organization=county["village_branch"],
                                      name="", home_org_name="", place="某地", since=DAY)
    assert set(exc.value.message_dict) == {"name", "home_org_name"}


@pytest.mark.parametrize("day, months, lapsed", [
    (datetime.date(2026, 4, 29), None, False),
    (datetime.date(2026, 4, 30), 3, False),  # 31 January + 3 months: the last day of April
    (datetime.date(2026, 6, 29), 3, False),
    (datetime.date(2026, 6, 30), 5, False),
    (datetime.date(2026, 7, 30), 5, False),
    (datetime.date(2026, 7, 31), 5, True),
])
def test_the_warnings_come_at_3_and_5_months(day, months, lapsed):
    since = datetime.date(2026, 1, 31)
    warning = rules.floating_warning({"contact": since, "orglife": since, "dues": since}, day)
    if months is None:
        assert warning is None
    else:
        assert (warning.months, warning.lapsed) == (months, lapsed)
        assert "党章第九条" in warning.text


def test_each_of_contact_organisational_life_and_dues_counts_on_its_own(floating, users, actor_for, set_today):
    set_today(datetime.date(2026, 5, 20))
    services.log_floating_contact(floating, actor=actor_for(users["secretary"]), kind=ContactKind.CONTACT,
                                  on=datetime.date(2026, 5, 20), note="电话联系")
    services.log_floating_contact(floating, actor=actor_for(users["secretary"]), kind=ContactKind.ORGLIFE,
                                  on=datetime.date(2026, 5, 10))
    warning = services.warning_for(floating, datetime.date(2026, 6, 1))
    # contact and organisational life are recent, but no dues since 31 January
    assert (warning.months, warning.category) == (3, "dues")
    services.log_floating_contact(floating, actor=actor_for(users["secretary"]), kind=ContactKind.DUES,
                                  on=datetime.date(2026, 5, 20))
    assert services.warning_for(floating, datetime.date(2026, 6, 1)) is None


def test_a_contact_before_the_record_or_after_its_end_is_refused(floating, users, actor_for):
    with pytest.raises(ValidationError) as exc:
        services.log_floating_contact(floating, actor=actor_for(users["secretary"]), kind="contact",
                                      on=datetime.date(2026, 1, 1))
    assert "早于" in exc.value.message_dict["on"][0]
    services.end_floating(floating, actor=actor_for(users["secretary"]), ended_on=DAY, reason="已返乡")
    assert not Member.objects.get(pk=users["member_record"].pk).is_floating
    with pytest.raises(ValidationError):
        services.log_floating_contact(floating, actor=actor_for(users["secretary"]), kind="contact", on=DAY)


def test_the_daily_job_warns_the_branch_once_per_warning(floating, users):
    outbox.run_daily(datetime.date(2026, 4, 30))
    outbox.run_daily(datetime.date(2026, 5, 15))
    warnings = Message.objects.filter(kind="floating_warning")
    assert set(warnings.values_list("user__username", flat=True)) == {"secretary", "organiser"}
    assert set(warnings.values_list("day", flat=True)) == {datetime.date(2026, 4, 30)}
    outbox.run_daily(datetime.date(2026, 6, 30))
    assert set(warnings.values_list("day", flat=True)) == {datetime.date(2026, 4, 30), datetime.date(2026, 6, 30)}
    assert warnings.count() == 4


# --- transfer and term reminders --------------------------------------------------------------------

def test_a_letter_about_to_expire_is_reminded_once(users, county, actor_for, set_today, firm_secretary):
    set_today(DAY)
    t = services.start_transfer(actor=actor_for(users["secretary"]), member=users["member_record"],
                                to_org=county["firm_branch"])
    t = services.approve_transfer(t, actor=actor_for(users["organiser"]))  # valid until 30 June
    outbox.run_daily(datetime.date(2026, 6, 22))
    assert not Message.objects.filter(kind="transfer_expiring").exists()
    outbox.run_daily(datetime.date(2026, 6, 23))  # 7 days before
    outbox.run_daily(datetime.date(2026, 6, 24))
    expiring = Message.objects.filter(kind="transfer_expiring")
    assert set(expiring.values_list("user__username", flat=True)) - {None} == {"firm_secretary", "organiser"}
    assert expiring.filter(member=t.member).count() == 1
    assert expiring.count() == 3
    outbox.run_daily(datetime.date(2026, 7, 1))
    expired = Message.objects.filter(kind="transfer_expired")
    assert set(expired.values_list("user__username", flat=True)) == {"secretary", "organiser"}


def test_a_term_ending_within_90_days_is_reminded(users, county):
    branch = county["village_branch"]
    branch.term_ends_on = datetime.date(2026, 9, 29)  # 90 days after 1 July
    branch.save()
    outbox.run_daily(datetime.date(2026, 6, 30))
    assert not Message.objects.filter(kind="term_ending").exists()
    outbox.run_daily(datetime.date(2026, 7, 1))
    outbox.run_daily(datetime.date(2026, 7, 2))
    assert set(Message.objects.filter(kind="term_ending").values_list("user__username", flat=True)) == {"secretary", "organiser"}


def test_one_apps_failing_reminders_do_not_stop_the_others(db, users, monkeypatch):
    good = types.SimpleNamespace(__name__="fake.good", daily_reminders=lambda day: [
        Reminder("recruitment_due", "r:1", "请在期限内谈话", day, user_id=users["secretary"].pk)])

    def boom(day):
        raise RuntimeError("bug")

    bad = types.SimpleNamespace(__name__="fake.bad", daily_reminders=boom)
    monkeypatch.setattr(outbox, "app_modules", lambda name: [bad, good])
    report = outbox.run_daily(DAY)
    assert report.errors == ["fake.bad: bug"]
    assert report.reminders == {"fake.good": 1}
    assert Message.objects.get(kind="recruitment_due").user == users["secretary"]
    assert outbox.run_daily(DAY).reminders == {"fake.good": 0}
