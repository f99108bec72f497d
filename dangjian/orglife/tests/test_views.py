"""The pages: happy paths, review logging by GET, scope (404 outside, 403 read-only), formats."""
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.orglife.models import Activity, Base, Booking, Review
from dangjian.orglife.vocab import ActivityType as T


@pytest.fixture
def record(county, make_activity):
    return make_activity(county["village_branch"], T.THEME_DAY, timezone.localdate() - datetime.timedelta(days=1))


@pytest.fixture
def foreign_record(county, make_activity):
    return make_activity(county["community_branch"], T.THEME_DAY, timezone.localdate() - datetime.timedelta(days=1))


LIST_PAGES = ["orglife:index", "orglife:compliance", "orglife:bulletin", "orglife:groups", "orglife:bases",
              "orglife:bookings", "orglife:activity_create", "orglife:group_create"]


@pytest.mark.parametrize("name", LIST_PAGES)
@pytest.mark.parametrize("who", ["secretary", "organiser", "admin"])
def test_it_shows_every_page_to_staff(users, client_for, record, name, who):
    response = client_for(users[who]).get(reverse(name))
    assert response.status_code == 200


def test_it_refuses_members(users, client_for, record):
    client = client_for(users["member"])
    assert client.get(reverse("orglife:index")).status_code == 403
    assert client.get(reverse("orglife:activity_detail", args=[record.pk])).status_code == 403


def test_it_lists_only_records_in_scope(users, client_for, record, foreign_record):
    response = client_for(users["organiser"]).get(reverse("orglife:index"))
    assert record.topic in response.content.decode() and foreign_record.topic not in response.content.decode()
    assert client_for(users["organiser"]).get(reverse("orglife:activity_detail", args=[foreign_record.pk])).status_code == 404


def test_it_logs_a_review_when_an_organiser_opens_a_record(users, client_for, record):
    client_for(users["organiser"]).get(reverse("orglife:activity_detail", args=[record.pk]))
    client_for(users["secretary"]).get(reverse("orglife:activity_detail", args=[record.pk]))
    assert list(Review.objects.values_list("reviewer__username", flat=True)) == ["organiser"]
    page = client_for(users["organiser"]).get(reverse("orglife:reviews")).content.decode()
    assert "共调阅 <strong>1</strong> 次" in page
    assert client_for(users["secretary"]).get(reverse("orglife:reviews")).status_code == 403


def test_it_records_an_activity_through_the_form(county, users, client_for, branch_members):
    client = client_for(users["secretary"])
    today = timezone.localdate()
    data = {"branch": county["village_branch"].pk, "activity_type": T.BRANCH_GENERAL_MEETING, "date": today.isoformat(),
            "start_time": "00:00", "end_time": "00:01", "place": "村部", "host": "书记", "topic": "学习",
            "attendance_list": "1"}
    for i, m in enumerate(branch_members):
        data[f"att_{m.pk}"] = "present" if i else "leave"
        data[f"reason_{m.pk}"] = "生病" if not i else ""
    response = client.post(reverse("orglife:activity_create"), data)
    assert response.status_code == 302
    a = Activity.objects.get()
    assert (a.expected_count, a.present_count, a.leave_count) == (5, 4, 1)


def test_it_shows_the_chinese_error_of_an_end_before_the_start(county, users, client_for):
    client = client_for(users["secretary"])
    response = client.post(reverse("orglife:activity_create"), {
        "branch": county["village_branch"].pk, "activity_type": T.THEME_DAY, "date": timezone.localdate().isoformat(),
        "start_time": "10:00", "end_time": "09:00", "place": "村部", "host": "书记", "topic": "学习"})
    assert response.status_code == 200
    assert "结束时间09:00必须晚于开始时间10:00" in response.content.decode()
    assert not Activity.objects.exists()


def test_it_asks_for_a_reason_to_change_a_locked_record(county, users, client_for, make_activity):
    old = make_activity(county["village_branch"], T.THEME_DAY, datetime.date(2024, 1, 5), recorded_on=datetime.date(2024, 1, 5))
    client = client_for(users["secretary"])
    form = {"activity_type": T.THEME_DAY, "date": "2024-01-05", "start_time": "09:00", "end_time": "10:00",
            "place": "村部", "host": "书记", "topic": "改过的主题"}
    response = client.post(reverse("orglife:activity_edit", args=[old.pk]), form)
    assert "请填写更正理由" in response.content.decode()
    old.refresh_from_db()
    assert old.topic != "改过的主题"
    response = client.post(reverse("orglife:activity_edit", args=[old.pk]), {**form, "amendment_reason": "笔误"})
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.topic == "改过的主题" and old.amendments.get().reason == "笔误"


def test_it_serves_attachments_only_in_scope(county, users, client_for, record, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(users["secretary"])
    response = client.post(reverse("orglife:attachment_upload", args=[record.pk]),
                           {"file": SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 hello")})
    assert response.status_code == 302
    att = record.attachments.get()
    download = client.get(reverse("orglife:attachment_download", args=[att.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 hello"
    assert client_for(users["outsider"]).get(reverse("orglife:attachment_download", args=[att.pk])).status_code == 404


def test_it_downloads_the_bulletin_as_docx_and_xlsx(county, users, client_for, make_activity):
    from docx import Document
    from openpyxl import load_workbook

    make_activity(county["village_branch"], T.THEME_DAY, datetime.date(2025, 1, 10))
    client = client_for(users["organiser"])
    url = reverse("orglife:bulletin") + f"?org={county['town_committee'].pk}&period=2025-Q1"
    doc = Document(io.BytesIO(client.get(url + "&format=docx").content))
    assert doc.paragraphs[0].text == "关于2025年第1季度基层党组织组织生活开展情况的通报及评比"
    assert "所辖2个党支部应开展组织生活10项次，已开展1项次" in "\n".join(p.text for p in doc.paragraphs)
    branch_table = doc.tables[-1]
    assert [c.text for c in branch_table.rows[1].cells][:6] == ["1", "中共一村支部委员会", "中共甲镇委员会", "5", "1", "20%"]
    wb = load_workbook(io.BytesIO(client.get(url + "&format=xlsx").content))
    rows = list(wb["通报"].values)
    assert rows[0][0] == "排名" and [r[1] for r in rows[1:]] == ["中共一村支部委员会", "甲镇某公司党支部"]


def test_it_books_a_base_from_its_page_and_the_manager_approves(county, users, client_for):
    base = Base.objects.create(name="镇党群服务中心", organization=county["town_committee"], address="镇政府旁", capacity=30,
                               opens_at=datetime.time(8, 0), closes_at=datetime.time(18, 0), open_days="1234567",
                               manager=users["organiser"])
    day = timezone.localdate() + datetime.timedelta(days=2)
    response = client_for(users["secretary"]).post(reverse("orglife:base_detail", args=[base.pk]), {
        "organization": county["village_branch"].pk, "date": day.isoformat(), "start_time": "09:00",
        "end_time": "10:00", "expected_count": 31, "purpose": "主题党日"})
    assert "超过“镇党群服务中心”可容纳人数30人" in response.content.decode()
    response = client_for(users["secretary"]).post(reverse("orglife:base_detail", args=[base.pk]), {
        "organization": county["village_branch"].pk, "date": day.isoformat(), "start_time": "09:00",
        "end_time": "10:00", "expected_count": 20, "purpose": "主题党日"})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert client_for(users["outsider"]).post(reverse("orglife:booking_decide", args=[booking.pk]), {"approve": "1"}).status_code == 404
    client_for(users["organiser"]).post(reverse("orglife:booking_decide", args=[booking.pk]), {"approve": "1"})
    booking.refresh_from_db()
    assert booking.status == "approved"


def test_it_hides_a_township_base_from_another_township(county, users, client_for):
    base = Base.objects.create(name="街道基地", organization=county["street_committee"], address="某路", capacity=30,
                               opens_at=datetime.time(8, 0), closes_at=datetime.time(18, 0))
    county_base = Base.objects.create(name="县基地", organization=county["root"], address="某路", capacity=30,
                                      opens_at=datetime.time(8, 0), closes_at=datetime.time(18, 0))
    client = client_for(users["secretary"])
    assert client.get(reverse("orglife:base_detail", args=[base.pk])).status_code == 404
    assert client.get(reverse("orglife:base_detail", args=[county_base.pk])).status_code == 200
    assert client.get(reverse("orglife:base_edit", args=[county_base.pk])).status_code == 403


def test_it_edits_a_record_without_a_named_list_by_its_numbers(county, users, client_for, make_activity):
    a = make_activity(county["village_branch"], T.THEME_DAY, timezone.localdate(), expected=12, present=10, leave=1)
    client = client_for(users["secretary"])
    page = client.get(reverse("orglife:activity_edit", args=[a.pk])).content.decode()
    assert 'name="expected_count"' in page and 'name="attendance_list"' not in page
    response = client.post(reverse("orglife:activity_edit", args=[a.pk]), {
        "activity_type": T.THEME_DAY, "date": a.date.isoformat(), "start_time": a.start_time.strftime("%H:%M"),
        "end_time": "19:00", "place": "村部", "host": "书记", "topic": "新主题", "expected_count": 12,
        "present_count": 11, "leave_count": 1})
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.topic, a.expected_count, a.present_count, a.leave_count) == ("新主题", 12, 11, 1)
    response = client.post(reverse("orglife:activity_edit", args=[a.pk]), {
        "activity_type": T.THEME_DAY, "date": a.date.isoformat(), "start_time": a.start_time.strftime("%H:%M"),
        "end_time": "19:00", "place": "村部", "host": "书记", "topic": "新主题", "expected_count": 12,
        "present_count": 12, "leave_count": 1})
    assert "不能超过应到人数" in response.content.decode()
