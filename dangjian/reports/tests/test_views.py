"""The report's pages: scope (a township sees only its data; another's ?org= is 404; a member 403),
downloads, a figure's records, the template edit round trip with live preview, dashboard, annual tables."""
import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from dangjian.core.models import AuditLog
from dangjian.reports import templating
from dangjian.reports.models import ReportTemplate

Q = "from=2026-01-01&to=2026-06-30"


@pytest.fixture
def people(county, make_member):
    return {"town": make_member(county["village_branch"], name="甲镇张三"),
            "street": make_member(county["community_branch"], name="街道李四")}


def test_a_township_report_holds_only_its_data(users, people, client_for, county):
    client = client_for(users["organiser"])
    response = client.get(reverse("reports:index") + "?" + Q)
    html = response.content.decode()
    assert response.status_code == 200
    assert "甲镇基层党建工作情况汇报" in html and "中共乙街道工作委员会" not in html
    # F13: the township's two members (李党员 of the users fixture and 甲镇张三).
    assert "党员<a class=\"report-value\"" in html and ">2</a>名" in html
    other = client.get(reverse("reports:index") + f"?org={county['street_committee'].pk}&{Q}")
    assert other.status_code == 404
    records = client.get(reverse("reports:figure") + f"?id=F13&{Q}").content.decode()
    assert "甲镇张三" in records and "街道李四" not in records


def test_a_member_cannot_open_the_report(users, client_for):
    assert client_for(users["member"]).get(reverse("reports:index")).status_code == 403


def test_it_downloads_the_docx_and_the_companion_workbook(users, people, client_for, county):
    client = client_for(users["admin"])
    response = client.get(reverse("reports:docx") + f"?org={county['root'].pk}&{Q}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    doc = Document(io.BytesIO(response.content))
    assert doc.paragraphs[0].text == "测试县基层党建工作情况汇报"
    response = client.get(reverse("reports:figures_xlsx") + f"?org={county['root'].pk}&{Q}")
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    assert wb.sheetnames[:2] == ["数据一览", "说明"]
    overview = list(wb["数据一览"].iter_rows(values_only=True))
    assert overview[0][0] == "编号" and [r[0] for r in overview[1:]] == [f"F{i:02d}" for i in range(1, 47)]
    f13 = next(r for r in overview if r[0] == "F13")
    assert f13[4] == "3" and f13[5] == 3
    members = [r[0] for r in wb["F13 党员名"].iter_rows(values_only=True)]
    assert members[0] == "姓名" and set(members[1:]) == {"李党员", "甲镇张三", "街道李四"}


def test_a_figure_without_data_says_so(users, client_for):
    html = client_for(users["admin"]).get(reverse("reports:figure") + f"?id=F14&{Q}").content.decode()
    assert "暂无数据" in html
    assert client_for(users["admin"]).get(reverse("reports:figure") + "?id=F99").status_code == 404


def test_the_template_edit_round_trip(users, client_for, people):
    client = client_for(users["admin"])
    page = client.get(reverse("reports:template"))
    assert page.status_code == 200 and "预览" in page.content.decode()
    texts = templating.current_texts()
    preview = client.post(reverse("reports:template_preview"), {**texts, "opening": "{地名}有党员{F13}名。{F77}"})
    assert "{F77}无法识别" in preview.content.decode()
    preview = client.post(reverse("reports:template_preview"), {**texts, "opening": "{地名}有党员{F13}名。"})
    assert "测试县有党员" in preview.content.decode()
    refused = client.post(reverse("reports:template"), {**texts, "opening": "党员{党员数}名"})
    assert refused.status_code == 200 and "{党员数}无法识别" in refused.content.decode()
    assert not ReportTemplate.objects.exists()
    saved = client.post(reverse("reports:template"), {**texts, "opening": "{地名}有党员{F13}名。"})
    assert saved.status_code == 302
    assert ReportTemplate.objects.get(key="opening").text == "{地名}有党员{F13}名。"
    assert AuditLog.objects.filter(object_type="reports.reporttemplate", actor=users["admin"]).count() == 1
    html = client.get(reverse("reports:index") + "?" + Q).content.decode()
    assert "测试县有党员" in html


def test_only_the_county_admin_edits_the_template(users, client_for):
    for role in ("organiser", "secretary"):
        client = client_for(users[role])
        assert client.get(reverse("reports:template")).status_code == 403
        assert client.post(reverse("reports:template_preview"), {"opening": "{F13}"}).status_code == 403


def test_the_dashboard_drills_down_and_shows_the_previous_year(users, client_for, county, people):
    client = client_for(users["admin"])
    html = client.get(reverse("reports:dashboard") + f"?org={county['root'].pk}&{Q}").content.decode()
    assert "上年同期" in html and "2025-01-01" in html
    assert "中共甲镇委员会" in html and "中共乙街道工作委员会" in html
    town = client_for(users["organiser"]).get(reverse("reports:dashboard") + "?" + Q).content.decode()
    assert "中共一村支部委员会" in town and "中共乙街道工作委员会" not in town


def test_the_annual_tables_keep_their_layout_from_year_to_year(users, client_for, people):
    client = client_for(users["admin"])
    layouts = []
    for year in (2024, 2025):
        response = client.get(reverse("reports:annual") + f"?year={year}&download=1")
        wb = load_workbook(io.BytesIO(response.content), read_only=True)
        layouts.append([(ws.title, [r[0] for r in ws.iter_rows(values_only=True)]) for ws in wb.worksheets[1:]])
    assert layouts[0] == layouts[1]
    titles = [t for t, _ in layouts[0]]
    assert titles == ["党员总数", "性别", "民族", "年龄", "学历", "人员类别", "入党时间", "党组织（按组织类别）",
                      "党组织（按单位类别）", "发展党员与转正"]
    assert client.get(reverse("reports:annual") + "?year=abc").status_code == 404


def test_a_large_scope_is_generated_as_a_background_job(users, client_for, people, county):
    from dangjian.jobs.models import Job

    client = client_for(users["organiser"])
    response = client.post(reverse("reports:job"), {"from": "2026-01-01", "to": "2026-06-30", "what": "docx"})
    job = Job.objects.get(owner=users["organiser"])
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert "中共甲镇委员会工作情况汇报（Word）" in job.label
    other = client.post(reverse("reports:job"), {"org": county["street_committee"].pk, "what": "docx"})
    assert other.status_code == 404 and Job.objects.count() == 1
    assert client.get(reverse("reports:job")).status_code == 405


def test_a_figures_records_show_dates_as_iso(users, client_for, county, make_member):
    import datetime

    make_member(county["village_branch"], name="王日期", joined=datetime.date(2019, 7, 1))
    html = client_for(users["admin"]).get(reverse("reports:figure") + f"?id=F13&{Q}").content.decode()
    assert "2019-07-01" in html


def test_the_annual_tables_count_members_on_31_december(users, client_for, county, make_member):
    import datetime

    from dangjian.reports import annual

    make_member(county["village_branch"], sex="女", ethnicity="壮族")
    make_member(county["community_branch"], joined=datetime.date(2025, 3, 1), full=None)
    make_member(county["firm_branch"], joined=datetime.date(2026, 3, 1), full=None)  # joined after 2025-12-31
    tables = {t.title: dict(t.rows) for t in annual.build(county["root"], 2025)}
    # The register counts the members as it stands (joining after the day still counts, as party_stats does);
    # probation is judged on 31 December.
    assert tables["党员总数"]["党员总数"] == 4 and tables["党员总数"]["预备党员"] == 2
    assert tables["性别"] == {"男": 3, "女": 1}
    assert tables["民族"]["壮族"] == 1 and tables["民族"]["少数民族合计"] == 1
    assert tables["党组织（按组织类别）"]["合计"] == 5


def test_the_annual_tables_can_be_generated_in_the_background(users, client_for):
    from dangjian.jobs.models import Job

    response = client_for(users["admin"]).post(reverse("reports:job"), {"what": "annual", "year": "2025"})
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == Job.Status.SUCCEEDED and "2025年党内统计年报" in job.label
