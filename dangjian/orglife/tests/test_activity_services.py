"""Recording, editing (lock and amendments), deleting activity records; attachments."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core.models import AuditLog
from dangjian.orglife import services
from dangjian.orglife.models import Activity, Amendment, Attachment, PartyGroup
from dangjian.orglife.vocab import ActivityType as T

D = datetime.date
TODAY = D(2025, 6, 16)


@pytest.fixture(autouse=True)
def fixed_today(freeze_today):
    freeze_today(TODAY)


def fields(**over):
    base = dict(activity_type=T.BRANCH_GENERAL_MEETING, date=D(2025, 6, 10), start_time=datetime.time(9, 0),
                end_time=datetime.time(11, 0), place="村部会议室", host="张书记", recorder="王委员",
                topic="学习贯彻全会精神", minutes="会议记录……", decisions="")
    base.update(over)
    return base


def roll(members, absent=(), leave=()):
    out = []
    for m in members:
        status = "absent" if m in absent else "leave" if m in leave else "present"
        out.append({"member": m, "status": status, "reason": "外出务工" if status != "present" else ""})
    return out


def test_it_records_an_activity_with_attendance_and_one_audit_row(county, users, branch_members, actor_for):
    actor = actor_for(users["secretary"])
    a = services.record_activity(actor=actor, organization=county["village_branch"],
                                 attendance=roll(branch_members, absent=[branch_members[0]], leave=[branch_members[1]]),
                                 **fields())
    a.refresh_from_db()
    assert (a.expected_count, a.present_count, a.leave_count, a.absent_count) == (5, 3, 1, 1)
    assert a.recorded_on == TODAY and not a.is_late and a.attendance_rate == 60.0
    assert a.attendance.get(member=branch_members[0]).reason == "外出务工"
    log = AuditLog.objects.get(object_type="orglife.activity", object_id=str(a.pk))
    assert log.action == "created" and log.actor == users["secretary"]
    assert log.changes["topic"] == [None, "学习贯彻全会精神"]
    assert len(log.changes["attendance"][1]) == 5


def test_it_marks_a_record_entered_after_the_deadline_as_late(county, users, actor_for):
    actor = actor_for(users["secretary"])
    on_time = services.record_activity(actor=actor, organization=county["village_branch"],
                                       **fields(date=TODAY - datetime.timedelta(days=7), expected_count=5, present_count=5))
    late = services.record_activity(actor=actor, organization=county["village_branch"],
                                    **fields(date=TODAY - datetime.timedelta(days=8), expected_count=5, present_count=5))
    assert (on_time.is_late, late.is_late) == (False, True)


def test_it_refuses_attendees_who_are_not_in_the_branch(county, users, branch_members, make_member, actor_for):
    stranger = make_member(county["firm_branch"], name="外单位党员")
    with pytest.raises(ValidationError) as e:
        services.record_activity(actor=actor_for(users["secretary"]), organization=county["village_branch"],
                                 attendance=roll(branch_members + [stranger]), **fields())
    assert "外单位党员" in e.value.message_dict["attendance"][0]
    assert "不是中共一村支部委员会的党员" in e.value.message_dict["attendance"][0]
    assert not Activity.objects.exists() and not AuditLog.objects.filter(object_type="orglife.activity").exists()


def test_it_refuses_an_end_before_the_start_and_a_future_date(county, users, actor_for):
    actor = actor_for(users["secretary"])
    with pytest.raises(ValidationError) as e:
        services.record_activity(actor=actor, organization=county["village_branch"],
                                 **fields(start_time=datetime.time(10, 0), end_time=datetime.time(9, 30)))
    assert e.value.message_dict["end_time"] == ["结束时间09:30必须晚于开始时间10:00"]
    with pytest.raises(ValidationError) as e:
        services.record_activity(actor=actor, organization=county["village_branch"], **fields(date=TODAY + datetime.timedelta(days=1)))
    assert "晚于今天" in e.value.message_dict["date"][0]
    services.record_activity(actor=actor, organization=county["village_branch"], **fields(date=TODAY))
    assert Activity.objects.count() == 1


def test_it_requires_a_lecturer_for_a_party_lecture_only(county, users, actor_for):
    actor = actor_for(users["secretary"])
    with pytest.raises(ValidationError) as e:
        services.record_activity(actor=actor, organization=county["village_branch"], **fields(activity_type=T.PARTY_LECTURE))
    assert e.value.message_dict["lecturer"] == ["党课须填写授课人"]
    with pytest.raises(ValidationError) as e:
        services.record_activity(actor=actor, organization=county["village_branch"], **fields(lecturer="某老师"))
    assert e.value.message_dict["lecturer"] == ["授课人只适用于党课"]


def test_it_takes_group_meeting_attendance_from_the_group(county, users, branch_members, actor_for):
    actor = actor_for(users["secretary"])
    group = services.create_party_group(actor=actor, branch=county["village_branch"], name="第一党小组",
                                        members=branch_members[:2], leader=branch_members[0])
    with pytest.raises(ValidationError) as e:
        services.record_activity(actor=actor, organization=county["village_branch"], party_group=group,
                                 attendance=roll(branch_members[:3]), **fields(activity_type=T.GROUP_MEETING))
    assert branch_members[2].name in e.value.message_dict["attendance"][0]
    a = services.record_activity(actor=actor, organization=county["village_branch"], party_group=group,
                                 attendance=roll(branch_members[:2]), **fields(activity_type=T.GROUP_MEETING))
    assert a.party_group == group and a.expected_count == 2


def test_it_records_committee_quorum(county, users, branch_members, actor_for):
    actor = actor_for(users["secretary"])
    two_of_five = services.record_activity(
        actor=actor, organization=county["village_branch"], attendance=roll(branch_members, absent=branch_members[:3]),
        **fields(activity_type=T.BRANCH_COMMITTEE_MEETING))
    three_of_five = services.record_activity(
        actor=actor, organization=county["village_branch"], attendance=roll(branch_members, absent=branch_members[:2]),
        **fields(activity_type=T.BRANCH_COMMITTEE_MEETING, start_time=datetime.time(14, 0), end_time=datetime.time(15, 0)))
    assert (two_of_five.quorum_met, three_of_five.quorum_met) == (False, True)


def test_it_refuses_a_duplicate_record(county, users, actor_for):
    actor = actor_for(users["secretary"])
    services.record_activity(actor=actor, organization=county["village_branch"], **fields())
    with pytest.raises(ValidationError) as e:
        services.record_activity(actor=actor, organization=county["village_branch"], **fields(topic="另一个"))
    assert "请勿重复登记" in e.value.message_dict["date"][0]


def test_it_edits_freely_within_the_window_without_an_amendment(county, users, actor_for, freeze_today):
    actor = actor_for(users["secretary"])
    a = services.record_activity(actor=actor, organization=county["village_branch"], **fields())
    freeze_today(TODAY + datetime.timedelta(days=7))  # last day of the window
    services.update_activity(a, actor=actor, topic="新主题")
    a.refresh_from_db()
    assert a.topic == "新主题" and not Amendment.objects.exists()
    log = AuditLog.objects.filter(object_id=str(a.pk), action="changed").get()
    assert log.changes == {"topic": ["学习贯彻全会精神", "新主题"]} and log.note == ""


def test_it_refuses_to_edit_a_locked_record_without_a_reason(county, users, actor_for, freeze_today):
    actor = actor_for(users["secretary"])
    a = services.record_activity(actor=actor, organization=county["village_branch"], **fields())
    freeze_today(TODAY + datetime.timedelta(days=8))
    with pytest.raises(ValidationError) as e:
        services.update_activity(a, actor=actor, topic="新主题")
    assert "已于2025-06-23后锁定" in e.value.message_dict["amendment_reason"][0]
    a.refresh_from_db()
    assert a.topic == "学习贯彻全会精神"
    assert not AuditLog.objects.filter(object_id=str(a.pk), action="changed").exists()


def test_it_amends_a_locked_record_with_a_reason_and_audits_it(county, users, actor_for, freeze_today):
    actor = actor_for(users["secretary"])
    a = services.record_activity(actor=actor, organization=county["village_branch"], **fields())
    freeze_today(TODAY + datetime.timedelta(days=30))
    services.update_activity(a, actor=actor, amendment_reason="主题录入有误", topic="更正后的主题")
    amendment = Amendment.objects.get(activity=a)
    assert amendment.reason == "主题录入有误" and amendment.changes == {"topic": ["学习贯彻全会精神", "更正后的主题"]}
    assert amendment.actor == users["secretary"]
    log = AuditLog.objects.get(object_id=str(a.pk), action="changed")
    assert log.note == "更正（记录已锁定）：主题录入有误" and log.changes == {"topic": ["学习贯彻全会精神", "更正后的主题"]}
    with pytest.raises(ValidationError):
        services.delete_activity(a, actor=actor)


def test_it_uses_the_edit_days_setting(county, users, actor_for, freeze_today, set_rule):
    set_rule("orglife.edit_days", 2)
    actor = actor_for(users["secretary"])
    a = services.record_activity(actor=actor, organization=county["village_branch"], **fields())
    freeze_today(TODAY + datetime.timedelta(days=3))
    with pytest.raises(ValidationError):
        services.update_activity(a, actor=actor, topic="新主题")


def test_it_deletes_an_unlocked_record_with_an_audit_row(county, users, actor_for, django_capture_on_commit_callbacks):
    actor = actor_for(users["secretary"])
    a = services.record_activity(actor=actor, organization=county["village_branch"], **fields())
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_activity(a, actor=actor)
    assert not Activity.objects.exists()
    assert AuditLog.objects.get(object_id=str(a.pk), action="deleted").changes["topic"] == ["学习贯彻全会精神", None]


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
PDF = b"%PDF-1.4\n%..." + b"0" * 40


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_it_stores_an_attachment_checked_by_content(county, users, actor_for, media):
    actor = actor_for(users["secretary"])
    a = services.record_activity(actor=actor, organization=county["village_branch"], **fields())
    att = services.add_attachment(a, actor=actor, upload=SimpleUploadedFile("会议照片.png", PNG))
    assert att.is_photo and att.content_type == "image/png" and att.size == len(PNG)
    assert (media / att.file.name).read_bytes() == PNG
    doc = services.add_attachment(a, actor=actor, upload=SimpleUploadedFile("纪要.pdf", PDF))
    assert not doc.is_photo
    assert AuditLog.objects.filter(object_id=str(a.pk), note="上传附件").count() == 2


@pytest.mark.parametrize("name,content,message", [
    ("脚本.exe", b"MZ\x90\x00", "类型不支持"),
    ("假照片.png", b"%PDF-1.4 not a png", "内容与扩展名.png不符"),
    ("假文档.docx", b"PK\x03\x04" + b"\x00" * 30, "内容与扩展名.docx不符"),
])
def test_it_refuses_an_attachment_of_a_wrong_type(county, users, actor_for, media, name, content, message):
    actor = actor_for(users["secretary"])
    a = services.record_activity(actor=actor, organization=county["village_branch"], **fields())
    with pytest.raises(ValidationError) as e:
        services.add_attachment(a, actor=actor, upload=SimpleUploadedFile(name, content))
    assert message in e.value.message_dict["file"][0]
    assert not Attachment.objects.exists() and not list(media.rglob("*.*"))


def test_it_refuses_an_attachment_over_the_size_limit(county, users, actor_for, media, set_rule):
    set_rule("orglife.attachment_max_mb", 1)
    actor = actor_for(users["secretary"])
    a = services.record_activity(actor=actor, organization=county["village_branch"], **fields())
    exactly = PDF + b"0" * (1024 * 1024 - len(PDF))
    services.add_attachment(a, actor=actor, upload=SimpleUploadedFile("刚好.pdf", exactly))
    with pytest.raises(ValidationError) as e:
        services.add_attachment(a, actor=actor, upload=SimpleUploadedFile("太大.pdf", exactly + b"0"))
    assert "超过1MB的上限" in e.value.message_dict["file"][0]
    assert Attachment.objects.count() == 1


def test_it_keeps_party_group_members_inside_one_group_of_the_branch(county, users, branch_members, make_member, actor_for):
    actor = actor_for(users["secretary"])
    services.create_party_group(actor=actor, branch=county["village_branch"], name="第一党小组", members=branch_members[:2])
    with pytest.raises(ValidationError) as e:
        services.create_party_group(actor=actor, branch=county["village_branch"], name="第二党小组", members=branch_members[1:3])
    assert "已编入党小组“第一党小组”" in e.value.message_dict["members"][0]
    with pytest.raises(ValidationError) as e:
        services.create_party_group(actor=actor, branch=county["village_branch"], name="第三党小组",
                                    members=[make_member(county["firm_branch"], name="企业党员")])
    assert "企业党员" in e.value.message_dict["members"][0]
    assert PartyGroup.objects.count() == 1
    assert AuditLog.objects.filter(object_type="orglife.partygroup").count() == 1
