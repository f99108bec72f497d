"""Every allowed and refused step of a transfer inside the platform, the letter's validity on its
boundary day, and transfers to and from outside the platform."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from dangjian.conftest import make_id_number
from dangjian.core.models import AuditLog
from dangjian.notifications.models import Message
from dangjian.register.models import Member
from dangjian.transfers import services
from dangjian.transfers.models import Destination, Kind, Status, Transfer

DAY = datetime.date(2026, 6, 1)


def audit_rows(obj):
    return AuditLog.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


@pytest.fixture
def started(users, county, actor_for, set_today, django_capture_on_commit_callbacks):
    set_today(DAY)
    return services.start_transfer(actor=actor_for(users["secretary"]), member=users["member_record"],
                                   to_org=county["firm_branch"], reason="工作调动")


@pytest.fixture
def issued(started, users, actor_for):
    return services.approve_transfer(started, actor=actor_for(users["organiser"]))


# --- start ---------------------------------------------------------------------------------------

def test_it_starts_a_transfer_from_the_branch_with_one_audit_row_and_a_notice(
        users, county, actor_for, set_today, django_capture_on_commit_callbacks):
    set_today(DAY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        t = services.start_transfer(actor=actor_for(users["secretary"]), member=users["member_record"],
                                    to_org=county["firm_branch"], reason="工作调动")
    t.refresh_from_db()
    assert (t.status, t.kind, t.from_org, t.to_org, t.requested_on, t.by_member) == (
        Status.REQUESTED, Kind.INTERNAL, county["village_branch"], county["firm_branch"], DAY, False)
    rows = audit_rows(t)
    assert rows.count() == 1
    assert rows[0].actor == users["secretary"] and rows[0].action == AuditLog.Action.CREATED
    assert rows[0].changes["status"] == [None, Status.REQUESTED]
    assert len(callbacks) == 1
    # the township organiser (who approves) and the branch secretary are told
    told = set(Message.objects.filter(ref=f"transfer:{t.pk}:requested").values_list("user__username", flat=True))
    assert told == {"organiser", "secretary"}


def test_it_lets_the_member_start_their_own_transfer_naming_the_destination_in_words(
        users, county, actor_for, set_today):
    set_today(DAY)
    t = services.start_transfer(actor=actor_for(users["member"]), member=users["member_record"], to_org=None,
                                destination="幸福社区党支部")
    assert t.by_member is True and t.requested_by == users["member"] and t.to_org is None
    assert t.to_display == "幸福社区党支部（待党委确定）"
    # the committee chooses the organisation when it approves
    with pytest.raises(ValidationError) as exc:
        services.approve_transfer(t, actor=actor_for(users["organiser"]))
    assert "幸福社区党支部" in exc.value.message_dict["to_org"][0]
    with pytest.raises(ValidationError):
        services.approve_transfer(t, actor=actor_for(users["organiser"]), to_org=county["root"])
    t = services.approve_transfer(t, actor=actor_for(users["organiser"]), to_org=county["community_branch"])
    assert (t.status, t.to_org) == (Status.ISSUED, county["community_branch"])
    row = audit_rows(t).get(action=AuditLog.Action.CHANGED)
    assert row.changes["to_org"] == [None, county["community_branch"].name]


def test_a_member_must_name_a_destination(users, actor_for):
    with pytest.raises(ValidationError) as exc:
        services.start_transfer(actor=actor_for(users["member"]), member=users["member_record"], to_org=None)
    assert "请选择转入党组织" in exc.value.message_dict["to_org"][0]


def test_it_refuses_a_member_starting_someone_elses_transfer(users, county, actor_for, make_member):
    other = make_member(county["village_branch"])
    with pytest.raises(PermissionDenied):
        services.start_transfer(actor=actor_for(users["member"]), member=other, to_org=county["firm_branch"])


def test_it_refuses_a_transfer_by_staff_outside_the_members_scope(users, county, actor_for):
    with pytest.raises(PermissionDenied):
        services.start_transfer(actor=actor_for(users["outsider"]), member=users["member_record"],
                                to_org=county["community_branch"])
    assert Transfer.objects.count() == 0


def test_it_refuses_a_transfer_to_the_same_organisation(users, county, actor_for):
    with pytest.raises(ValidationError) as exc:
        services.start_transfer(actor=actor_for(users["secretary"]), member=users["member_record"],
                                to_org=county["village_branch"])
    assert "相同" in exc.value.message_dict["to_org"][0]
    assert Transfer.objects.count() == 0 and AuditLog.objects.count() == 0


@pytest.mark.parametrize("target", ["root", "inactive"])
def test_it_refuses_an_organisation_that_cannot_receive_members(users, county, actor_for, target):
    org = county["root"] if target == "root" else county["firm_branch"]
    if target == "inactive":
        org.is_active = False
        org.save()
    with pytest.raises(ValidationError) as exc:
        services.start_transfer(actor=actor_for(users["secretary"]), member=users["member_record"], to_org=org)
    assert ("县委" if target == "root" else "已停用") in exc.value.message_dict["to_org"][0]
    assert Transfer.objects.count() == 0


def test_it_refuses_a_second_open_transfer_for_one_person(started, users, county, actor_for):
    with pytest.raises(ValidationError) as exc:
        services.start_transfer(actor=actor_for(users["secretary"]), member=users["member_record"],
                                to_org=county["community_branch"])
    assert "未办结" in exc.value.message_dict["member"][0]
    assert Transfer.objects.count() == 1


def test_the_database_keeps_one_open_transfer_per_person(started, county):
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(member=started.member, from_org=county["village_branch"], to_org=county["community_branch"],
                                requested_on=DAY, status=Status.ISSUED)


def test_it_refuses_a_suspended_member(users, county, actor_for):
    m = users["member_record"]
    m.status = "停止党籍"
    m.save()
    with pytest.raises(ValidationError) as exc:
        services.start_transfer(actor=actor_for(users["secretary"]), member=m, to_org=county["firm_branch"])
    assert "停止党籍" in exc.value.message_dict["member"][0]


# --- approve / reject / cancel ---------------------------------------------------------------------

def test_it_issues_the_letter_with_a_number_and_a_validity(started, users, actor_for):
    t = services.approve_transfer(started, actor=actor_for(users["organiser"]))
    t.refresh_from_db()
    assert t.status == Status.ISSUED
    assert t.letter_number == "转字〔2026〕0001号"
    assert t.issued_on == DAY
    # 30 days within the city, the day of issue being the first
    assert t.valid_until == datetime.date(2026, 6, 30)
    row = audit_rows(t).filter(action=AuditLog.Action.CHANGED).get()
    assert row.actor == users["organiser"]
    assert row.changes["status"] == [Status.REQUESTED, Status.ISSUED]
    assert row.changes["letter_number"] == ["", "转字〔2026〕0001号"]


def test_letter_numbers_run_on_within_the_year(started, users, county, actor_for, make_member):
    services.approve_transfer(started, actor=actor_for(users["organiser"]))
    other = make_member(county["village_branch"])
    t2 = services.start_transfer(actor=actor_for(users["secretary"]), member=other, to_org=county["firm_branch"])
    t2 = services.approve_transfer(t2, actor=actor_for(users["organiser"]))
    assert t2.letter_number == "转字〔2026〕0002号"


def test_the_validity_follows_the_county_setting(started, users, actor_for, django_capture_on_commit_callbacks):
    from dangjian.core.rules import change_rule_setting

    with django_capture_on_commit_callbacks(execute=True):
        change_rule_setting("transfers.letter_valid_days_city", 10, actor=actor_for(users["admin"]))
    t = services.approve_transfer(started, actor=actor_for(users["organiser"]))
    assert t.valid_until == datetime.date(2026, 6, 10)


def test_the_validity_setting_is_at_most_three_months(users, actor_for):
    from dangjian.core.rules import change_rule_setting

    with pytest.raises(ValidationError):
        change_rule_setting("transfers.letter_valid_days_other", 91, actor=actor_for(users["admin"]))


def test_a_branch_secretary_cannot_approve(started, users, actor_for):
    with pytest.raises(PermissionDenied):
        services.approve_transfer(started, actor=actor_for(users["secretary"]))
    started.refresh_from_db()
    assert started.status == Status.REQUESTED


def test_another_townships_organiser_cannot_approve(started, users, actor_for):
    with pytest.raises(PermissionDenied):
        services.approve_transfer(started, actor=actor_for(users["outsider"]))


def test_it_refuses_to_approve_twice(issued, users, actor_for):
    with pytest.raises(ValidationError) as exc:
        services.approve_transfer(issued, actor=actor_for(users["organiser"]))
    assert "不能审批" in exc.value.messages[0]


def test_it_rejects_with_a_reason_and_then_allows_a_new_transfer(started, users, county, actor_for):
    with pytest.raises(ValidationError):
        services.reject_transfer(started, actor=actor_for(users["organiser"]), note=" ")
    t = services.reject_transfer(started, actor=actor_for(users["organiser"]), note="材料不全")
    assert (t.status, t.decision_note) == (Status.REJECTED, "材料不全")
    again = services.start_transfer(actor=actor_for(users["secretary"]), member=users["member_record"],
                                    to_org=county["firm_branch"])
    assert again.status == Status.REQUESTED


def test_the_requester_may_cancel_before_issue(started, users, actor_for):
    t = services.cancel_transfer(started, actor=actor_for(users["secretary"]))
    assert t.status == Status.CANCELLED


def test_after_issue_only_the_sending_committee_may_cancel(issued, users, actor_for):
    with pytest.raises(PermissionDenied):
        services.cancel_transfer(issued, actor=actor_for(users["secretary"]))
    assert services.cancel_transfer(issued, actor=actor_for(users["organiser"])).status == Status.CANCELLED


# --- accept / return ---------------------------------------------------------------------------------

def test_accepting_moves_the_member_and_keeps_the_history(issued, users, county, actor_for, firm_secretary, set_today):
    set_today(datetime.date(2026, 6, 5))
    t = services.accept_transfer(issued, actor=actor_for(firm_secretary), reported_on=datetime.date(2026, 6, 5))
    t.refresh_from_db()
    member = Member.objects.get(pk=users["member_record"].pk)
    assert member.organization == county["firm_branch"]
    assert (t.status, t.accepted_on, t.reported_on) == (Status.ACCEPTED, datetime.date(2026, 6, 5), datetime.date(2026, 6, 5))
    assert audit_rows(t).filter(action=AuditLog.Action.CHANGED, actor=firm_secretary).count() == 1
    moved = audit_rows(member).get(action=AuditLog.Action.MOVED)
    assert moved.changes["organization"] == [county["village_branch"].name, county["firm_branch"].name]
    assert issued.letter_number in moved.note


def test_the_letter_is_valid_on_its_last_day(issued, firm_secretary, actor_for, set_today):
    set_today(datetime.date(2026, 6, 30))
    t = services.accept_transfer(issued, actor=actor_for(firm_secretary), reported_on=datetime.date(2026, 6, 30))
    assert t.status == Status.ACCEPTED


def test_the_letter_is_refused_the_day_after_its_last_day(issued, firm_secretary, actor_for, set_today, users):
    set_today(datetime.date(2026, 7, 1))
    with pytest.raises(ValidationError) as exc:
        services.accept_transfer(issued, actor=actor_for(firm_secretary), reported_on=datetime.date(2026, 6, 30))
    assert "2026年06月30日过期" in exc.value.message_dict["valid_until"][0]
    issued.refresh_from_db()
    assert issued.status == Status.ISSUED
    assert Member.objects.get(pk=users["member_record"].pk).organization == issued.from_org


def test_a_report_date_after_the_validity_is_refused(issued, firm_secretary, actor_for, set_today):
    set_today(datetime.date(2026, 6, 20))
    with pytest.raises(ValidationError) as exc:
        services.accept_transfer(issued, actor=actor_for(firm_secretary), reported_on=datetime.date(2026, 5, 30))
    assert "早于" in exc.value.message_dict["reported_on"][0]


def test_the_sending_side_cannot_accept(issued, users, actor_for):
    with pytest.raises(PermissionDenied):
        services.accept_transfer(issued, actor=actor_for(users["secretary"]), reported_on=DAY)


@pytest.mark.parametrize("closing", ["return", "cancel", "accept"])
def test_a_closed_letter_cannot_be_accepted(issued, firm_secretary, users, actor_for, closing):
    if closing == "return":
        services.return_transfer(issued, actor=actor_for(firm_secretary), reason="不是本单位职工")
    elif closing == "cancel":
        services.cancel_transfer(issued, actor=actor_for(users["organiser"]))
    else:
        services.accept_transfer(issued, actor=actor_for(firm_secretary), reported_on=DAY)
    with pytest.raises(ValidationError) as exc:
        services.accept_transfer(issued, actor=actor_for(firm_secretary), reported_on=DAY)
    assert "不能接收" in exc.value.messages[0]


def test_returning_needs_a_reason_and_leaves_the_member(issued, firm_secretary, users, actor_for, county):
    with pytest.raises(ValidationError) as exc:
        services.return_transfer(issued, actor=actor_for(firm_secretary), reason="")
    assert "退回原因" in exc.value.message_dict["return_reason"][0]
    t = services.return_transfer(issued, actor=actor_for(firm_secretary), reason="不是本单位职工")
    assert (t.status, t.return_reason, t.returned_on) == (Status.RETURNED, "不是本单位职工", DAY)
    assert Member.objects.get(pk=users["member_record"].pk).organization == county["village_branch"]


# --- reissue / receipt ------------------------------------------------------------------------------

def test_an_expired_letter_is_issued_again_with_a_new_number(issued, users, actor_for, set_today, firm_secretary):
    with pytest.raises(ValidationError) as exc:
        services.reissue_letter(issued, actor=actor_for(users["organiser"]))
    assert "有效期内" in exc.value.messages[0]
    set_today(datetime.date(2026, 7, 2))
    t = services.reissue_letter(issued, actor=actor_for(users["organiser"]))
    assert t.letter_number == "转字〔2026〕0002号"
    assert (t.issued_on, t.valid_until, t.letters_issued) == (datetime.date(2026, 7, 2), datetime.date(2026, 7, 31), 2)
    assert services.accept_transfer(t, actor=actor_for(firm_secretary), reported_on=datetime.date(2026, 7, 2)).status == Status.ACCEPTED


def test_the_receipt_closes_the_transfer(issued, firm_secretary, users, actor_for, set_today):
    with pytest.raises(ValidationError):
        services.record_receipt(issued, actor=actor_for(users["organiser"]), receipt_on=DAY)
    services.accept_transfer(issued, actor=actor_for(firm_secretary), reported_on=DAY)
    # the receipt goes between the grassroots committees, not the branches
    with pytest.raises(PermissionDenied):
        services.record_receipt(issued, actor=actor_for(firm_secretary), receipt_on=DAY)
    set_today(datetime.date(2026, 6, 8))
    t = services.record_receipt(issued, actor=actor_for(users["organiser"]), receipt_on=datetime.date(2026, 6, 8))
    assert (t.status, t.receipt_on, t.completed_on) == (Status.COMPLETED, datetime.date(2026, 6, 8), datetime.date(2026, 6, 8))
    with pytest.raises(ValidationError):
        services.record_receipt(issued, actor=actor_for(users["organiser"]), receipt_on=datetime.date(2026, 6, 8))


def test_allowed_steps_follow_the_state_and_the_side(issued, users, firm_secretary, set_today):
    assert services.allowed_steps(issued, users["organiser"], DAY) == {"cancel", "accept", "return"}
    assert services.allowed_steps(issued, firm_secretary, DAY) == {"accept", "return"}
    assert services.allowed_steps(issued, users["secretary"], DAY) == set()
    assert services.allowed_steps(issued, firm_secretary, datetime.date(2026, 7, 1)) == {"return"}


# --- outside the platform -------------------------------------------------------------------------

def test_a_transfer_out_of_the_platform_takes_the_member_off_the_register(users, actor_for, set_today):
    set_today(DAY)
    t = services.record_transfer_out(
        actor=actor_for(users["organiser"]), member=users["member_record"], external_org_name="外省某县某支部",
        destination=Destination.OTHER_PROVINCE, letter_number="甲组转〔2026〕12号", issued_on=DAY)
    member = Member.objects.get(pk=users["member_record"].pk)
    assert member.status == "已转出"
    assert (t.kind, t.status, t.valid_until) == (Kind.OUT, Status.ACCEPTED, datetime.date(2026, 8, 29))
    assert audit_rows(member).get().changes["status"] == ["正常", "已转出"]
    assert audit_rows(t).count() == 1
    done = services.record_receipt(t, actor=actor_for(users["organiser"]), receipt_on=DAY)
    assert done.status == Status.COMPLETED


def test_a_transfer_out_refuses_a_used_letter_number_and_writes_nothing(users, actor_for, county, make_member, set_today):
    set_today(DAY)
    services.record_transfer_out(actor=actor_for(users["organiser"]), member=users["member_record"],
                                 external_org_name="某部队", destination=Destination.MILITARY,
                                 letter_number="甲组转〔2026〕12号", issued_on=DAY)
    other = make_member(county["village_branch"])
    with pytest.raises(ValidationError) as exc:
        services.record_transfer_out(actor=actor_for(users["organiser"]), member=other, external_org_name="某部队",
                                     destination=Destination.MILITARY, letter_number="甲组转〔2026〕12号", issued_on=DAY)
    assert "已被使用" in exc.value.message_dict["letter_number"][0]
    other.refresh_from_db()
    assert other.status == "正常"


def member_data(**overrides):
    birth = datetime.date(1990, 3, 4)
    data = dict(name="王转入", sex="女", ethnicity="汉族", birth_date=birth, education="大学本科", occupation="工人",
                id_number=make_id_number(birth, "女", 77), phone="13900001111", joined_on=datetime.date(2015, 7, 1),
                full_on=datetime.date(2016, 7, 1))
    data.update(overrides)
    return data


def test_a_transfer_in_from_outside_enters_the_register(users, county, actor_for, set_today):
    set_today(DAY)
    t = services.record_transfer_in(
        actor=actor_for(users["organiser"]), to_org=county["firm_branch"], external_org_name="外县某支部",
        destination=Destination.CITY, letter_number="外组转〔2026〕3号", issued_on=datetime.date(2026, 5, 20),
        valid_until=datetime.date(2026, 6, 18), reported_on=DAY, member_data=member_data())
    member = t.member
    assert (member.name, member.organization, member.status, member.phone) == ("王转入", county["firm_branch"], "正常", "13900001111")
    assert (t.kind, t.status, t.reported_on) == (Kind.IN, Status.ACCEPTED, DAY)
    assert audit_rows(member).filter(action=AuditLog.Action.CREATED).count() == 1


def test_a_transfer_in_validates_the_person_like_the_register(users, county, actor_for, set_today):
    set_today(DAY)
    with pytest.raises(ValidationError) as exc:
        services.record_transfer_in(
            actor=actor_for(users["organiser"]), to_org=county["firm_branch"], external_org_name="外县某支部",
            destination=Destination.CITY, letter_number="外组转〔2026〕3号", issued_on=datetime.date(2026, 5, 20),
            valid_until=None, reported_on=DAY, member_data=member_data(id_number="123"))
    assert "18位" in exc.value.message_dict["id_number"][0]
    assert Member.objects.filter(name="王转入").count() == 0 and Transfer.objects.count() == 0


def test_a_transfer_in_with_an_expired_letter_is_refused(users, county, actor_for, set_today):
    set_today(DAY)
    with pytest.raises(ValidationError) as exc:
        services.record_transfer_in(
            actor=actor_for(users["organiser"]), to_org=county["firm_branch"], external_org_name="外县某支部",
            destination=Destination.CITY, letter_number="外组转〔2026〕3号", issued_on=datetime.date(2026, 4, 1),
            valid_until=datetime.date(2026, 4, 30), reported_on=DAY, member_data=member_data())
    assert "有效期" in exc.value.message_dict["reported_on"][0]
    assert Member.objects.filter(name="王转入").count() == 0
