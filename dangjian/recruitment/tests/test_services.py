import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.recruitment import services
from dangjian.recruitment.models import Attachment, Override, Recruitment, Status
from dangjian.register.models import Member

from .conftest import APPLIED, applicant

PDF = b"%PDF-1.4 test letter"


def _zip(folder: str) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(f"{folder}document.xml", "<x/>")
    return buf.getvalue()


def test_it_registers_an_application_with_its_letter_and_one_audit_row(county, users):
    actor = Actor(user=users["secretary"], ip_address="10.0.0.9")
    letter = SimpleUploadedFile("入党申请书.pdf", PDF, content_type="application/pdf")
    r = services.register_application(actor=actor, files=[letter], **applicant(county))
    saved = Recruitment.objects.get(pk=r.pk)
    assert saved.last_step == 1 and saved.applied_on == APPLIED and saved.status == Status.OPEN
    assert saved.id_number == applicant(county)["id_number"] and applicant(county)["id_number"] not in saved.id_number_encrypted
    assert Attachment.objects.get(recruitment=r).original_name == "入党申请书.pdf"
    rows = AuditLog.objects.filter(object_type="recruitment.recruitment", object_id=str(r.pk))
    assert rows.count() == 1
    row = rows.get()
    assert row.actor == users["secretary"] and row.action == "created" and row.changes["name"] == [None, "张申请"]
    assert "*" in row.changes["id_number"][1]


def test_it_refuses_a_second_open_recruitment_of_the_same_person(new_recruitment):
    new_recruitment()
    with pytest.raises(ValidationError) as err:
        new_recruitment()
    assert "同一人不能同时有两份" in str(err.value.message_dict["id_number"])
    assert Recruitment.objects.count() == 1


def test_it_refuses_an_id_number_that_is_already_a_members(county, users, new_recruitment):
    member = users["member_record"]
    with pytest.raises(ValidationError) as err:
        new_recruitment(id_number=member.id_number, birth_date=member.birth_date, sex=member.sex)
    assert "已是党员" in str(err.value.message_dict["id_number"])
    assert not Recruitment.objects.exists()


@pytest.mark.parametrize("birth,ok", [(datetime.date(2005, 3, 1), True), (datetime.date(2005, 3, 2), False)])
def test_it_requires_the_applicant_to_be_18_on_the_application_date(new_recruitment, birth, ok):
    if ok:
        assert new_recruitment(birth_date=birth).last_step == 1
    else:
        with pytest.raises(ValidationError) as err:
            new_recruitment(birth_date=birth)
        assert "年满18周岁" in str(err.value) and "2023-03-01" in str(err.value)


def test_it_refuses_a_future_application_date(new_recruitment):
    with pytest.raises(ValidationError) as err:
        new_recruitment(applied_on=datetime.date(2099, 1, 1))
    assert "晚于今天" in str(err.value)


def test_a_secretary_cannot_register_outside_their_branch(county, users):
    with pytest.raises(PermissionDenied):
        services.register_application(actor=Actor(user=users["secretary"]),
                                      **applicant(county, organization=county["community_branch"]))
    assert not Recruitment.objects.exists()


def test_it_refuses_a_step_out_of_order_and_a_future_date(new_recruitment):
    r = new_recruitment()
    with pytest.raises(ValidationError) as err:
        services.record_step(r, actor=Actor.command(), step=3, date=datetime.date(2023, 3, 20))
    assert "尚未完成②党组织派人谈话" in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.record_step(r, actor=Actor.command(), step=2, date=datetime.date(2099, 3, 20), talker="王书记")
    assert "晚于今天" in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.record_step(r, actor=Actor.command(), step=2, date=datetime.date(2023, 2, 27), talker="王书记")
    assert "早于上一步骤的日期" in str(err.value)
    assert Recruitment.objects.get(pk=r.pk).last_step == 1


def test_step_15_adds_a_probationary_member_and_step_24_sets_the_full_date(new_recruitment, advance, county):
    r = advance(new_recruitment(), 14)
    assert not Member.objects.filter(name="张申请").exists()
    r = advance(r, 15)
    member = Member.objects.get(name="张申请")
    assert r.member == member and member.joined_on == r.admitted_on and member.full_on is None
    assert member.organization == county["village_branch"] and member.id_number == r.id_number
    assert AuditLog.objects.filter(object_type="register.member", object_id=str(member.pk), action="created").count() == 1
    r = advance(r, 24)
    member.refresh_from_db()
    assert member.full_on == datetime.date(r.admitted_on.year + 1, r.admitted_on.month, r.admitted_on.day)
    assert r.full_on == member.full_on
    r = advance(r, 25)
    assert r.status == Status.COMPLETED and r.stage is None


def test_an_extension_moves_the_end_of_probation_and_the_full_date(new_recruitment, advance):
    r = advance(new_recruitment(), 20)
    services.record_event(r, actor=Actor.command(), kind="extension", date=r.last_step_on, months=6, note="支部大会决定延长预备期半年")
    r.refresh_from_db()
    admitted = r.admitted_on  # 2024-04-27 in the plan
    assert admitted == datetime.date(2024, 4, 27)
    assert r.probation_ends_on == datetime.date(2025, 10, 27)
    r = advance(r, 22)
    with pytest.raises(ValidationError) as err:  # ㉓ before the extended end
        services.record_step(r, actor=Actor.command(), step=23, date=datetime.date(2025, 10, 26), votes_entitled=10,
                             votes_present=8, votes_for=8, votes_against=0, votes_abstain=0)
    assert "2025-10-27" in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.record_event(r, actor=Actor.command(), kind="extension", date=r.last_step_on, months=6, note="再次延长")
    assert "只能延长一次" in str(err.value)


@pytest.mark.parametrize("months,ok", [(5, False), (6, True), (12, True), (13, False)])
def test_an_extension_is_6_to_12_months(new_recruitment, advance, months, ok):
    r = advance(new_recruitment(), 16)
    call = lambda: services.record_event(r, actor=Actor.command(), kind="extension", date=r.last_step_on,
                                         months=months, note="延长")
    if ok:
        call()
        assert Recruitment.objects.get(pk=r.pk).probation_extension_months == months
    else:
        with pytest.raises(ValidationError):
            call()
        assert Recruitment.objects.get(pk=r.pk).probation_extension_months is None


def test_a_cancellation_removes_the_probationary_member_and_closes_the_file(new_recruitment, advance):
    r = advance(new_recruitment(), 20)
    member_pk = r.member_id
    services.record_event(r, actor=Actor.command(), kind="cancellation", date=r.last_step_on, note="支部大会决定取消预备党员资格")
    r.refresh_from_db()
    assert r.status == Status.CANCELLED and r.member is None and not Member.objects.filter(pk=member_pk).exists()
    assert r.closed_reason == "支部大会决定取消预备党员资格"
    with pytest.raises(ValidationError):
        services.record_step(r, actor=Actor.command(), step=21, date=r.last_step_on)


def test_an_override_needs_the_right_and_a_reason_and_is_audited(new_recruitment, users, county):
    r = new_recruitment(organization=county["village_branch"])
    late = datetime.date(2023, 4, 3)  # one month is 2023-04-01
    with pytest.raises(services.RuleRefused) as err:
        services.record_step(r, actor=Actor(user=users["organiser"]), step=2, date=late, talker="王书记")
    assert "最迟应于2023-04-01谈话" in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.record_step(r, actor=Actor(user=users["secretary"]), step=2, date=late, talker="王书记",
                             override_reason="书记外出")
    assert "override_reason" in err.value.message_dict
    services.record_step(r, actor=Actor(user=users["organiser"]), step=2, date=late, talker="王书记",
                         override_reason="申请人外出务工，经镇党委同意延后谈话")
    ov = Override.objects.get(recruitment=r)
    assert ov.step == 2 and ov.actor == users["organiser"] and "2023-04-01" in ov.rules[0]
    row = AuditLog.objects.get(action="overridden")
    assert row.actor == users["organiser"] and row.note == "申请人外出务工，经镇党委同意延后谈话"
    assert row.scope_path == county["village_branch"].path


def test_a_hard_rule_cannot_be_overridden(new_recruitment, users):
    r = new_recruitment()
    with pytest.raises(ValidationError):
        services.record_step(r, actor=Actor(user=users["admin"]), step=2, date=datetime.date(2099, 1, 1),
                             override_reason="试图越过")
    assert not Override.objects.exists()


@pytest.mark.parametrize("name,content,ok", [
    ("申请书.pdf", PDF, True),
    ("照片.jpg", b"\xff\xd8\xff\xe0 jpeg", True),
    ("照片.png", b"\x89PNG\r\n\x1a\n....", True),
    ("表.docx", _zip("word/"), True),
    ("表.xlsx", _zip("xl/"), True),
    ("伪装.xlsx", _zip("word/"), False),
    ("坏压缩包.docx", b"PK\x03\x04 zip", False),
    ("表.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 ole", True),
    ("脚本.exe", b"MZ....", False),
    ("伪装.pdf", b"MZ not a pdf", False),
    ("伪装.docx", PDF, False),
])
def test_it_accepts_only_pdf_images_and_office_files(county, name, content, ok):
    upload = SimpleUploadedFile(name, content)
    if ok:
        r = services.register_application(actor=Actor.command(), files=[upload], **applicant(county))
        assert r.attachments.count() == 1
    else:
        with pytest.raises(ValidationError) as err:
            services.register_application(actor=Actor.command(), files=[upload], **applicant(county))
        assert "files" in err.value.message_dict
        assert not Recruitment.objects.exists() and not Attachment.objects.exists()


def test_it_refuses_an_attachment_over_the_size_limit(county, settings):
    settings.DANGJIAN_ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("大.pdf", PDF + b"0" * 1024)
    with pytest.raises(ValidationError) as err:
        services.register_application(actor=Actor.command(), files=[big], **applicant(county))
    assert "超过" in str(err.value) and not Recruitment.objects.exists()
    small = SimpleUploadedFile("小.pdf", PDF)
    assert services.register_application(actor=Actor.command(), files=[small], **applicant(county)).pk
