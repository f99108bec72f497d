"""The daily job's political birthdays: who is due, the template, idempotence, 29 February."""
import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, connections

from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.notifications import outbox, services
from dangjian.notifications.models import ContactWarning, Message, SmsOptOut
from dangjian.notifications.rules import birthday_days

DAY = datetime.date(2026, 7, 2)


def sms(day=DAY):
    return Message.objects.filter(channel="sms", kind="political_birthday", day=day)


@pytest.fixture
def branch(county):
    return county["village_branch"]


def test_it_queues_one_sms_per_member_on_the_anniversary(branch, make_member):
    due = make_member(branch, name="张周年", joined=datetime.date(2006, 7, 2), full=datetime.date(2007, 7, 2))
    make_member(branch, name="不是今天", joined=datetime.date(2006, 7, 3), full=datetime.date(2007, 7, 3))
    result = outbox.queue_political_birthdays(DAY)
    assert (result.due, result.queued) == (1, 1)
    message = sms().get()
    assert message.member == due and message.status == "pending" and message.organization == branch
    assert message.text.startswith("张周年同志：今天是您入党20周年的政治生日")
    assert message.params == {"name": "张周年", "years": "20", "joined": "2006年07月02日", "org": branch.name}


def test_it_does_not_greet_on_the_day_of_joining_itself(branch, make_member):
    make_member(branch, birth=datetime.date(1990, 1, 1), joined=DAY, full=None)
    assert outbox.queue_political_birthdays(DAY).due == 0
    assert outbox.queue_political_birthdays(DAY.replace(year=2027)).due == 1


def test_it_skips_members_not_in_good_standing_without_a_phone_or_who_opted_out(branch, make_member, users):
    joined = datetime.date(2010, 7, 2)
    make_member(branch, joined=joined, full=datetime.date(2011, 7, 2), status="停止党籍")
    make_member(branch, joined=joined, full=datetime.date(2011, 7, 2), status="已转出")
    no_phone = make_member(branch, joined=joined, full=datetime.date(2011, 7, 2))
    no_phone.phone = ""
    no_phone.save()
    opted = make_member(branch, joined=joined, full=datetime.date(2011, 7, 2))
    services.set_birthday_sms(opted, actor=Actor(users["secretary"]), receive=False)
    kept = make_member(branch, joined=joined, full=datetime.date(2011, 7, 2))
    outbox.queue_political_birthdays(DAY)
    assert list(sms().values_list("member", flat=True)) == [kept.pk]


def test_a_number_that_is_not_a_mobile_number_queues_nothing_and_warns_on_the_member(branch, make_member):
    m = make_member(branch, joined=datetime.date(2010, 7, 2), full=datetime.date(2011, 7, 2))
    m.phone = "0731-8888888"  # a landline, e.g. from an old import
    m.save()
    result = outbox.queue_political_birthdays(DAY)
    assert (result.due, result.invalid_phone) == (0, 1)
    assert not sms().exists()
    warning = ContactWarning.objects.get(member=m)
    assert "不是有效的手机号码" in warning.text and "8888" in warning.text and "0731-8888888" not in warning.text
    outbox.queue_political_birthdays(DAY)
    assert ContactWarning.objects.filter(member=m).count() == 1


def test_running_the_job_twice_queues_nothing_twice(branch, make_member):
    for _ in range(3):
        make_member(branch, joined=datetime.date(2016, 7, 2), full=datetime.date(2017, 7, 2))
    call_command("notify_daily", "--date", "2026-07-02", stdout=open("/dev/null", "w"))
    first = set(sms().values_list("pk", flat=True))
    result = outbox.queue_political_birthdays(DAY)
    assert (result.due, result.queued) == (3, 0)
    assert set(sms().values_list("pk", flat=True)) == first and len(first) == 3


def test_the_command_rejects_a_malformed_date(db):
    with pytest.raises(CommandError) as exc:
        call_command("notify_daily", "--date", "2026-02-30")
    assert "不是有效日期" in str(exc.value)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_queue_each_message_once(county, make_member):
    for _ in range(20):
        make_member(county["village_branch"], joined=datetime.date(2016, 7, 2), full=datetime.date(2017, 7, 2))
    barrier = threading.Barrier(4)
    errors = []

    def run():
        try:
            barrier.wait()
            outbox.run_daily(DAY)
        except Exception as exc:  # pragma: no cover - the assertion below shows it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sms().count() == 20
    assert sms().values("member").distinct().count() == 20


# --- 29 February: greeted on 28 February in common years ----------------------------------------

def test_the_29_february_rule_in_months(db):
    assert birthday_days(datetime.date(2027, 2, 28)) == [(2, 28), (2, 29)]
    assert birthday_days(datetime.date(2028, 2, 28)) == [(2, 28)]
    assert birthday_days(datetime.date(2028, 2, 29)) == [(2, 29)]


def test_members_who_joined_on_29_february_are_greeted_on_28_february_in_common_years(branch, make_member):
    leap = make_member(branch, joined=datetime.date(2004, 2, 29), full=datetime.date(2005, 3, 1))
    on_28 = make_member(branch, joined=datetime.date(2004, 2, 28), full=datetime.date(2005, 2, 28))
    outbox.queue_political_birthdays(datetime.date(2027, 2, 28))
    greeted = {m.member_id: m.params["years"] for m in sms(datetime.date(2027, 2, 28))}
    assert greeted == {leap.pk: "23", on_28.pk: "23"}
    outbox.queue_political_birthdays(datetime.date(2027, 3, 1))
    assert not sms(datetime.date(2027, 3, 1)).exists()
    # in a leap year each on their own day
    outbox.queue_political_birthdays(datetime.date(2028, 2, 28))
    assert list(sms(datetime.date(2028, 2, 28)).values_list("member", flat=True)) == [on_28.pk]
    outbox.queue_political_birthdays(datetime.date(2028, 2, 29))
    assert list(sms(datetime.date(2028, 2, 29)).values_list("member", flat=True)) == [leap.pk]


# --- basis, switch, template ----------------------------------------------------------------------

def test_the_county_may_switch_the_sms_off(branch, make_member, users, django_capture_on_commit_callbacks):
    from dangjian.core.rules import change_rule_setting

    make_member(branch, joined=datetime.date(2016, 7, 2), full=datetime.date(2017, 7, 2))
    with django_capture_on_commit_callbacks(execute=True):
        change_rule_setting("notifications.birthday_sms_enabled", False, actor=Actor(users["admin"]))
    assert outbox.queue_political_birthdays(DAY).due == 0 and not sms().exists()


def test_the_approval_date_may_be_the_political_birthday(branch, make_member, users, django_capture_on_commit_callbacks):
    from dangjian.core.rules import change_rule_setting
    from dangjian.recruitment.models import Recruitment

    approved = make_member(branch, joined=datetime.date(2016, 5, 10), full=datetime.date(2017, 5, 10))
    plain = make_member(branch, joined=datetime.date(2016, 7, 2), full=datetime.date(2017, 7, 2))
    field_names = {f.name for f in Recruitment._meta.get_fields()}
    assert {"approved_on", "member"} <= field_names
    Recruitment.objects.bulk_create([Recruitment(
        organization=branch, name=approved.name, sex=approved.sex, birth_date=approved.birth_date, education="大学本科",
        occupation="工人", applied_on=datetime.date(2014, 1, 1), approved_on=datetime.date(2016, 7, 2), member=approved,
        id_number_encrypted=approved.id_number_encrypted, id_number_hash="x")])
    with django_capture_on_commit_callbacks(execute=True):
        change_rule_setting("notifications.birthday_uses_approval_date", True, actor=Actor(users["admin"]))
    outbox.queue_political_birthdays(DAY)
    # approved on 2 July: greeted today; 入党日期 2 July but no approval date on file: greeted by 入党日期
    assert set(sms().values_list("member", flat=True)) == {approved.pk, plain.pk}


def test_the_county_edits_the_template_with_one_audit_row(branch, make_member, users, django_capture_on_commit_callbacks):
    make_member(branch, name="赵模板", joined=datetime.date(2016, 7, 2), full=datetime.date(2017, 7, 2))
    services.update_template("political_birthday", "{姓名}同志，祝您{周年}周年政治生日快乐！", actor=Actor(users["admin"]))
    row = AuditLog.objects.get(object_type="notifications.messagetemplate")
    assert row.actor == users["admin"] and row.changes["text"][1] == "{姓名}同志，祝您{周年}周年政治生日快乐！"
    outbox.queue_political_birthdays(DAY)
    assert sms().get().text == "赵模板同志，祝您10周年政治生日快乐！"


@pytest.mark.parametrize("text, fragment", [
    ("{名字}同志：生日快乐", "占位符{名字}无法识别"),
    ("{姓名同志：生日快乐", "花括号不成对"),
    ("   ", "不能为空"),
])
def test_a_template_with_an_unknown_placeholder_is_refused(users, text, fragment):
    with pytest.raises(ValidationError) as exc:
        services.update_template("political_birthday", text, actor=Actor(users["admin"]))
    assert fragment in exc.value.message_dict["text"][0]
    assert not AuditLog.objects.exists()


def test_only_the_county_edits_templates(users):
    with pytest.raises(PermissionDenied):
        services.update_template("political_birthday", "{姓名}", actor=Actor(users["organiser"]))


def test_a_member_opts_out_and_back_in_with_audit(users):
    m = users["member_record"]
    services.set_birthday_sms(m, actor=Actor(users["member"]), receive=False)
    assert SmsOptOut.objects.filter(member=m).exists()
    services.set_birthday_sms(m, actor=Actor(users["member"]), receive=True)
    assert not SmsOptOut.objects.filter(member=m).exists()
    rows = AuditLog.objects.filter(object_type="register.member", object_id=str(m.pk))
    assert [r.changes["birthday_sms"] for r in rows.order_by("id")] == [["接收", "不接收"], ["不接收", "接收"]]
    with pytest.raises(PermissionDenied):
        services.set_birthday_sms(m, actor=Actor(users["outsider"]), receive=False)


# --- the member's page: next political birthday and 党龄 -------------------------------------------

def test_the_next_political_birthday_and_party_standing():
    from dangjian.notifications.rules import next_political_birthday, party_standing_years

    joined = datetime.date(2004, 2, 29)
    assert next_political_birthday(joined, datetime.date(2027, 2, 28)) == (datetime.date(2027, 2, 28), 23)
    assert next_political_birthday(joined, datetime.date(2027, 3, 1)) == (datetime.date(2028, 2, 29), 24)
    # joined this year: the first anniversary is next year
    assert next_political_birthday(datetime.date(2026, 5, 1), datetime.date(2026, 6, 1)) == (datetime.date(2027, 5, 1), 1)
    assert party_standing_years(datetime.date(2006, 7, 2), datetime.date(2026, 7, 1)) == 19
    assert party_standing_years(datetime.date(2006, 7, 2), datetime.date(2026, 7, 2)) == 20
    assert party_standing_years(None, datetime.date(2026, 7, 2)) is None
