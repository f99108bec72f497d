"""Formula injection (issue 16): text that a spreadsheet would take for a formula is exported as text.

``core.excel.write_workbook`` is the one place every .xlsx goes through. The project-wide test below
finds every export by itself: every URL of the scope matrix (``test_scope_matrix.project_url_names``),
as the county admin, plain and with ``?export=xlsx`` / ``?format=xlsx``; every answer that is an
.xlsx must hold no formula cell, and the payload must come out as the same literal text.
"""
from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from dangjian.core.excel import FORMULA_PREFIXES, write_workbook
from dangjian.core.models import AuditLog

from .test_scope_matrix import XLSX, client_as, load_cases

PAYLOAD = '=1+1界外Ω'  # short: some apps' fields hold the marker plus a suffix in 30 characters
HYPERLINK = '=HYPERLINK("http://evil.example/","点我")'
DDE = "=cmd|' /C calc'!A0"
SUFFIXES = ("", "?export=xlsx", "?format=xlsx")


def formula_cells(content: bytes) -> list[str]:
    wb = load_workbook(io.BytesIO(content))
    return [f"{ws.title}!{cell.coordinate}={cell.value!r}" for ws in wb.worksheets for row in ws.iter_rows()
            for cell in row if cell.data_type == "f"]


def texts(content: bytes) -> list[str]:
    wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return [v for name in wb.sheet_names for row in wb.get_sheet_by_name(name).to_python() for v in row
            if isinstance(v, str)]


@pytest.mark.parametrize("text", [HYPERLINK, PAYLOAD, DDE, "+1+1", "-1+1", "@SUM(A1:A2)", "\t=1", "\r=1", "＝1", "普通", "-"])
def test_write_workbook_writes_formula_like_text_as_the_same_literal_text(text):
    content = write_workbook([("表", ["标题", "=标题"], [[text, 3]])])
    assert formula_cells(content) == []
    wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert wb.get_sheet_by_name("表").to_python() == [["标题", "=标题"], [text, 3.0]]
    if text.startswith(FORMULA_PREFIXES):
        # Excel keeps the cell text when someone edits it (quotePrefix), and shows it as text.
        cell = load_workbook(io.BytesIO(content))["表"]["A2"]
        assert cell.quotePrefix and cell.number_format == "@"


def test_every_export_of_the_project_writes_formula_like_text_as_text_and_is_logged_once(county, users, make_member):
    world = {"county": county, "users": users, "make_member": make_member, "marker": PAYLOAD}
    cases, _ = load_cases(world)
    client = client_as(users["admin"])
    exports, failures, carried = [], [], 0
    for name, kwargs in sorted(cases.items()):
        url = reverse(name, kwargs=kwargs or None)
        for suffix in SUFFIXES:
            before = AuditLog.objects.filter(action="exported").count()
            response = client.get(url + suffix)
            if (response.status_code != 200 or response.streaming  # a stored attachment, not an export
                    or not response.get("Content-Type", "").startswith(XLSX)):
                continue
            content = response.content
            exports.append(f"{name}{suffix}")
            found = formula_cells(content)
            if found:
                failures.append(f"{name}{suffix}: {found[:3]}")
            if AuditLog.objects.filter(action="exported").count() != before + 1:
                failures.append(f"{name}{suffix}: not exactly one exported audit row")
            carried += any(PAYLOAD in t for t in texts(content))
    assert not failures, "\n".join(failures)
    # The discovery found the project's exports (13 of 19 carried formulas before issue 16), and the
    # payload did go through several of them as plain text.
    assert len(exports) >= 15, exports
    assert carried >= 5, (carried, exports)


def test_a_member_named_like_a_formula_survives_the_roster_round_trip(county, users, make_member, actor_for):
    from dangjian.register.models import Member
    from dangjian.roster.engine import export_workbook, import_workbook

    member = make_member(county["village_branch"], name=HYPERLINK)
    content = export_workbook(users["admin"])
    assert formula_cells(content) == []
    result = import_workbook(content, actor=actor_for(users["admin"]), filename="round-trip.xlsx")
    assert result.ok, result.faults[:3]
    member.refresh_from_db()
    assert member.name == HYPERLINK
    assert Member.objects.filter(name=HYPERLINK).count() == 1
