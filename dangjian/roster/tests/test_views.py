"""The web upload: 预检 then 导入, faults shown and downloadable, refusals with clear messages."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core.models import AuditLog
from dangjian.jobs.models import Job
from dangjian.register.models import Member, Organization
from dangjian.roster import views

from .helpers import MEM, ORG, member, rows, xlsx

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path / "uploads"


def upload(client, content, name="名册.xlsx", **extra):
    return client.post(reverse("roster:import"), {"step": "check", "file": SimpleUploadedFile(name, content)}, **extra)


def township_workbook(**over):
    return xlsx({
        "党组织": [ORG, ["甲镇新支部", "党支部", "中共甲镇委员会", "村", "一村", "2020-01-01", None, "新书记"]],
        "党员": rows(MEM, [member(org="甲镇新支部", **over)]),
    })


@pytest.mark.parametrize("role,status", [("admin", 200), ("organiser", 200), ("secretary", 403), ("member", 403)])
def test_it_opens_the_import_page_for_admins_and_organisers_only(users, client_for, role, status):
    assert client_for(users[role]).get(reverse("roster:import")).status_code == status


def test_it_checks_then_imports_an_upload(users, client_for, uploads_in_tmp):
    client = client_for(users["organiser"])
    response = upload(client, township_workbook())
    assert response.status_code == 200
    assert "预检通过" in response.content.decode()
    assert not Member.objects.filter(name="张三").exists()
    assert list(uploads_in_tmp.glob("*.xlsx"))

    response = client.post(reverse("roster:import"), {"step": "import"})
    assert response.status_code == 302
    job = Job.objects.get(owner=users["organiser"])
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == "succeeded" and job.written == 2
    assert Member.objects.get(name="张三").organization.name == "甲镇新支部"
    imported = AuditLog.objects.get(action="imported")
    assert imported.actor == users["organiser"] and "名册.xlsx" in imported.note
    assert not list(uploads_in_tmp.glob("*"))
    page = client.get(response["Location"]).content.decode()
    assert "导入完成" in page and "已写入 <strong>2</strong> 行" in page


def test_it_answers_htmx_with_a_partial_and_hx_location(users, client_for):
    client = client_for(users["admin"])
    response = upload(client, township_workbook(), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "确认导入" in body
    response = client.post(reverse("roster:import"), {"step": "import"}, HTTP_HX_REQUEST="true")
    assert response["HX-Location"] == reverse("jobs:detail", args=[Job.objects.get().pk])
    assert Member.objects.filter(name="张三").exists()


def test_it_shows_faults_offers_them_as_xlsx_and_refuses_to_import(users, client_for):
    client = client_for(users["organiser"])
    response = upload(client, township_workbook(education="本科"))
    body = response.content.decode()
    assert "发现 <strong>1</strong> 处错误" in body and "“本科”不是规定的取值" in body
    assert reverse("roster:faults_xlsx") in body

    download = client.get(reverse("roster:faults_xlsx"))
    assert download.status_code == 200 and download["Content-Type"] == XLSX_MIME
    wb = load_workbook(io.BytesIO(download.content))
    assert wb.sheetnames == ["错误列表", "党员"]
    ws = wb["党员"]
    header = [c.value for c in ws[1]]
    assert header[-1] == "错误说明" and header[:-1] == MEM
    assert "【学历】" in ws.cell(row=2, column=len(header)).value
    assert ws.cell(row=2, column=MEM.index("公民身份号码") + 1).data_type == "s"

    response = client.post(reverse("roster:import"), {"step": "import"})
    assert response.status_code == 302
    assert not Organization.objects.filter(name="甲镇新支部").exists()
    assert not Member.objects.filter(name="张三").exists()


def test_it_paginates_a_long_fault_list(users, client_for):
    members = [member(serial=400 + i, name=f"人{i}", org="甲镇新支部", education="本科") for i in range(60)]
    content = xlsx({"党组织": [ORG, ["甲镇新支部", "党支部", "中共甲镇委员会", "村", "一村", None, None, None]],
                    "党员": rows(MEM, members)})
    client = client_for(users["admin"])
    first = upload(client, content).content.decode()
    assert "第 1 / 2 页" in first and "第61行" not in first
    second = client.get(reverse("roster:import") + "?page=2", HTTP_HX_REQUEST="true").content.decode()
    assert "第61行" in second and "<html" not in second


def test_it_refuses_an_organisers_upload_into_another_township(users, client_for):
    content = xlsx({"党员": rows(MEM, [member(org="中共幸福社区支部委员会")])})
    body = upload(client_for(users["organiser"]), content).content.decode()
    assert "不在您的管理范围内" in body
    assert not Member.objects.filter(name="张三").exists()


@pytest.mark.parametrize("name,content,message", [
    ("名册.xls", b"\xd0\xcf\x11\xe0 old excel", "只能上传 Excel 工作簿"),
    ("名册.txt", b"hello", "只能上传 Excel 工作簿"),
    ("名册.xlsx", b"this is not a zip file", "不是有效的 Excel 工作簿"),
])
def test_it_refuses_files_that_are_not_xlsx(users, client_for, uploads_in_tmp, name, content, message):
    response = upload(client_for(users["admin"]), content, name=name)
    assert message in response.content.decode()
    assert not uploads_in_tmp.exists() or not list(uploads_in_tmp.glob("*"))


def test_it_refuses_an_empty_workbook(users, client_for):
    content = xlsx({"党员": [MEM], "党组织": [ORG]})
    body = upload(client_for(users["admin"]), content).content.decode()
    assert "没有数据" in body and 'value="import"' not in body


def test_it_refuses_an_oversize_upload_naming_the_limit(users, client_for, settings):
    settings.DANGJIAN_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    content = township_workbook()
    big = content + b"\0" * (2 * 1024 * 1024)
    body = upload(client_for(users["admin"]), big).content.decode()
    assert "超过上限 2 MB" in body
    far_too_big = upload(client_for(users["admin"]), content + b"\0" * (4 * 1024 * 1024)).content.decode()
    assert "超过上限 2 MB" in far_too_big
    assert "超过上限" not in upload(client_for(users["admin"]), content).content.decode()


def test_it_has_no_fault_list_to_download_without_an_upload(users, client_for):
    assert client_for(users["admin"]).get(reverse("roster:faults_xlsx")).status_code == 404
    assert client_for(users["secretary"]).get(reverse("roster:faults_xlsx")).status_code == 403


@pytest.mark.parametrize("role,status", [("admin", 200), ("organiser", 200), ("secretary", 200), ("member", 403)])
def test_it_exports_for_every_role_but_members(users, client_for, role, status):
    response = client_for(users[role]).get(reverse("roster:export"))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == XLSX_MIME
        assert AuditLog.objects.filter(action="exported", actor=users[role]).count() == 1


def test_it_exports_a_named_organisation_only_within_scope(users, client_for, county):
    client = client_for(users["organiser"])
    inside = client.get(reverse("roster:export"), {"org": county["village_branch"].pk})
    assert inside.status_code == 200
    assert client.get(reverse("roster:export"), {"org": county["community_branch"].pk}).status_code == 404


def test_it_offers_a_blank_template_with_the_column_titles(users, client_for):
    response = client_for(users["organiser"]).get(reverse("roster:template"))
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[:3] == ["行政区划", "党组织", "党员"]
    assert [c.value for c in wb["党员"][1]] == MEM + ["党员编号"]
    assert client_for(users["member"]).get(reverse("roster:template")).status_code == 403


def test_it_shows_the_menu_item_to_admins_and_organisers(users, client_for):
    from dangjian.core.extensions import nav_items_for

    def labels(role):
        return [i.label for i in nav_items_for(users[role])]

    assert "名册导入导出" in labels("admin") and "名册导入导出" in labels("organiser")
    assert "名册导入导出" not in labels("secretary") and "名册导入导出" not in labels("member")
    assert "名册导入导出" in client_for(users["organiser"]).get(reverse("roster:import")).content.decode()


def test_it_keeps_pending_uploads_per_user(users):
    a, b = views._pending_paths(users["admin"]), views._pending_paths(users["organiser"])
    assert a[0] != b[0] and a[0].parent.name == "uploads"


def test_it_lists_the_faults_row_by_row(users, client_for):
    """An unknown organisation is found after the row checks; the table still reads top to bottom."""
    workbook = xlsx({"党员": rows(MEM, [member(org="没有这个支部"), member(name="王五", serial=102, phone="123"),
                                       member(name="", serial=103)])})
    response = upload(client_for(users["organiser"]), workbook)
    shown = [f.row for f in response.context["fault_page"]]
    assert len(shown) >= 3 and shown == sorted(shown) and shown[0] == 2
