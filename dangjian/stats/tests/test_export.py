"""The statistics page's .xlsx export: one sheet per table, the page's figures, the same scope rules."""
import io

from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core.excel import XLSX_MIME

EXPORT = reverse("stats:export")


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIME
    return load_workbook(io.BytesIO(response.content))


def sheet_rows(ws):
    return [list(row) for row in ws.iter_rows(min_row=2, values_only=True)]


def test_it_exports_every_table_of_the_page_as_a_sheet(world, users, client_for):
    client = client_for(users["admin"])
    page = client.get(reverse("stats:index"), {"as_of": "2026-06-30"})
    wb = workbook(client.get(EXPORT, {"as_of": "2026-06-30"}))

    tables = page.context["report"].tables
    assert wb.sheetnames[0] == "概况"
    assert wb.sheetnames[1:1 + len(tables)] == [t.title for t in tables]
    for table in tables:
        ws = wb[table.title]
        assert [c.value for c in ws[1]] == table.headers
        assert sheet_rows(ws)[:len(table.rows)] == table.display_rows


def test_it_exports_the_figures_of_the_chosen_scope_and_day(world, users, client_for):
    wb = workbook(client_for(users["organiser"]).get(EXPORT, {"as_of": "2026-06-30", "org": world["firm_branch"].pk}))

    summary = dict((row[0], row[1]) for row in sheet_rows(wb["概况"]))
    assert summary["统计范围"] == "甲镇某公司党支部"
    assert summary["工作汇报首段"].endswith("党员1名。")
    full = dict((row[0], row[1]) for row in sheet_rows(wb["正式党员与预备党员"]) if len(row) > 1)
    assert full["正式党员"] == 1 and full["预备党员"] == 0
    other = dict((row[0], row[1]) for row in sheet_rows(wb["其他党员情况"]) if len(row) > 1)
    assert other["停止党籍（不计入党员总数）"] == 1


def test_it_names_the_file_after_scope_and_day(world, users, client_for):
    response = client_for(users["secretary"]).get(EXPORT, {"as_of": "2026-06-30"})

    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert "20260630.xlsx" in response["Content-Disposition"]


def test_it_refuses_to_export_outside_the_scope(world, users, client_for):
    response = client_for(users["organiser"]).get(EXPORT, {"org": world["community_branch"].pk})

    assert response.status_code == 404


def test_it_exports_other_apps_blocks_as_key_value_sheets(world, users, client_for, monkeypatch):
    from dangjian.core.extensions import StatsBlock, stats_blocks

    probe = StatsBlock(key="probe", label="探针指标", compute=lambda *a: {"applicants": 3, "by_stage": {"activist": 2}},
                       order=99)
    monkeypatch.setattr("dangjian.stats.views.stats_blocks", lambda: [*stats_blocks(), probe])

    wb = workbook(client_for(users["admin"]).get(EXPORT, {"as_of": "2026-06-30"}))

    # A key no label names falls back to its segments’ labels (dangjian.stats.labels).
    assert sheet_rows(wb["探针指标"]) == [["applicants", 3], ["by_stage·入党积极分子", 2]]


def test_it_answers_only_get(world, users, client_for):
    assert client_for(users["admin"]).post(EXPORT).status_code == 405


def test_every_exported_label_is_in_chinese(world, users, client_for):
    """Issue 14: no internal key (admitted_female, compliance_by_type.theme_day.rate, period.from)."""
    import re

    wb = workbook(client_for(users["admin"]).get(EXPORT, {"as_of": "2026-06-30"}))
    internal = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row[:1]:
                if isinstance(value, str) and re.search(r"[A-Za-z_]{2,}", value):
                    internal.append((ws.title, value))
    assert not internal, internal
