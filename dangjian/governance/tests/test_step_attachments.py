"""Optional attachments of a matter's steps, end to end: upload from the matter page, listed under the
step, downloaded under the original name; refused by type, content and size (the setting, at its
edge) with a Chinese message and nothing stored; another village's secretary reaches none of it."""
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.core.rules import change_rule_setting
from dangjian.governance.models import StepAttachment

from .conftest import open_matter

PDF = b"%PDF-1.4 meeting minutes"


def _pdf(name="会议记录.pdf", size=None):
    body = PDF if size is None else PDF + b"0" * (size - len(PDF))
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def _step(county, users):
    return open_matter(county["village_branch"], Actor(user=users["secretary"])).steps.get()


def test_a_secretary_uploads_lists_and_downloads_a_steps_attachment(client, county, users):
    step = _step(county, users)
    client.force_login(users["secretary"])
    response = client.post(reverse("governance:step_attach", args=[step.pk]), {"file": _pdf()})
    assert response.status_code == 302
    att = StepAttachment.objects.get()
    assert att.original_name == "会议记录.pdf" and att.size == len(PDF) and att.uploaded_by == users["secretary"]
    rows = AuditLog.objects.filter(object_type="governance.stepattachment", object_id=str(att.pk))
    assert rows.count() == 1 and rows[0].actor == users["secretary"]
    page = client.get(reverse("governance:matter_detail", args=[step.matter_id])).content.decode()
    assert "会议记录.pdf" in page and reverse("governance:attachment_download", args=[att.pk]) in page
    download = client.get(reverse("governance:attachment_download", args=[att.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "filename*=UTF-8''%E4%BC%9A%E8%AE%AE" in download["Content-Disposition"]
    assert download["Content-Type"] == "application/pdf"
    # the township organiser above the village sees it too
    client.force_login(users["organiser"])
    assert client.get(reverse("governance:attachment_download", args=[att.pk])).status_code == 200


def test_it_refuses_a_wrong_type_a_renamed_file_and_an_oversized_one(client, county, users,
                                                                    django_capture_on_commit_callbacks):
    step = _step(county, users)
    with django_capture_on_commit_callbacks(execute=True):
        change_rule_setting("governance.attachment_max_mb", 1, actor=Actor(user=users["admin"]))
    client.force_login(users["secretary"])
    url = reverse("governance:step_attach", args=[step.pk])
    detail = reverse("governance:matter_detail", args=[step.matter_id])
    cases = [
        (SimpleUploadedFile("病毒.exe", b"MZ\x90\x00", content_type="application/octet-stream"), "附件类型“exe”不允许"),
        (SimpleUploadedFile("假文件.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"), "附件内容与扩展名“pdf”不符"),
        (_pdf(size=1024 * 1024 + 1), "超过上限1MB"),
    ]
    for upload, message in cases:
        client.post(url, {"file": upload})
        assert message in client.get(detail).content.decode()
    assert not StepAttachment.objects.exists()
    assert client.post(url, {"file": _pdf(size=1024 * 1024)}).status_code == 302  # exactly the limit is fine
    assert StepAttachment.objects.count() == 1
    client.post(url, {})
    assert "请选择要上传的文件" in client.get(detail).content.decode()


def test_another_villages_secretary_reaches_no_attachment(client, county, users, django_user_model):
    step = _step(county, users)
    from dangjian.governance import services

    att = services.attach_to_step(step, actor=Actor(user=users["secretary"]), upload=_pdf())
    other = django_user_model.objects.create_user(username="sq", password="测试密码123", role="secretary",
                                                  organization=county["community_branch"], last_name="社区书记")
    client.force_login(other)
    assert client.get(reverse("governance:attachment_download", args=[att.pk])).status_code == 404
    assert client.post(reverse("governance:step_attach", args=[step.pk]), {"file": _pdf()}).status_code in (403, 404)
    assert StepAttachment.objects.count() == 1
    client.force_login(users["member"])
    assert client.get(reverse("governance:attachment_download", args=[att.pk])).status_code in (403, 404)


def test_a_matter_is_complete_without_any_attachment(county, users):
    from dangjian.governance import services

    actor = Actor(user=users["secretary"])
    matter = open_matter(county["village_branch"], actor)
    day = datetime.date(2026, 1, 10)
    services.record_step(matter, actor=actor, number=2, date=day)
    assert not StepAttachment.objects.exists() and matter.steps.count() == 2
