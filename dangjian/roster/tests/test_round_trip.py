"""Issue 14: every role's export re-imports with no change and no error, masking included.

A township organiser (and a branch secretary) exports with masked ID and phone numbers; the rows are
matched by the 党员编号 the export carries, a masked cell left as exported keeps the stored number,
an edited masked cell is refused, a whole new number is checked like any other.
"""
import datetime
import io

import pytest
from openpyxl import load_workbook

from dangjian.core.actor import Actor
from dangjian.register.models import Member
from dangjian.roster.engine import export_workbook, import_workbook


@pytest.fixture
def roster(county, users, make_member):
    make_member(county["village_branch"], name="王一", full=None, joined=datetime.date.today() - datetime.timedelta(days=100))
    make_member(county["firm_branch"], name="赵二", sex="女", status="停止党籍", is_floating=True)
    make_member(county["community_branch"], name="钱三")
    from dangjian.recruitment.tests.conftest import applicant
    from dangjian.recruitment import services as recruitment_services
    recruitment_services.register_application(actor=Actor.command(), **applicant(county))
    return users


def _stored():
    return sorted((m.pk, m.id_number_hash, m.phone_hash, m.name, m.updated_at) for m in Member.objects.all())


def _reimport(content, importer, scope_org=None):
    before = _stored()
    result = import_workbook(content, actor=Actor(user=importer), scope_org=scope_org)
    assert result.ok, [(f.sheet, f.row, f.column, f.message) for f in result.faults]
    changed = {s: c for s, c in result.counts.items() if c["created"] or c["updated"]}
    assert not changed, changed
    assert _stored() == before


@pytest.mark.parametrize("role", ["admin", "organiser"])
def test_each_importing_roles_export_comes_back_unchanged(roster, role):
    user = roster[role]
    scope = None if user.may_view_full_pii else user.organization
    _reimport(export_workbook(user), user, scope)


def test_a_secretarys_export_comes_back_unchanged_through_the_organiser(roster, county):
    content = export_workbook(roster["secretary"])
    _reimport(content, roster["organiser"], county["town_committee"])


def _edit(content, sheet, name, column, value):
    wb = load_workbook(io.BytesIO(content))
    ws = wb[sheet]
    titles = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[titles.index("姓名")].value == name:
            row[titles.index(column)].value = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_an_edited_masked_cell_is_refused_and_never_written(roster, county):
    organiser = roster["organiser"]
    wang = Member.objects.get(name="王一")
    content = _edit(export_workbook(organiser), "党员", "王一", "公民身份号码", "4199**********9999")
    result = import_workbook(content, actor=Actor(user=organiser), scope_org=county["town_committee"])
    assert [(f.sheet, f.column) for f in result.faults] == [("党员", "公民身份号码")]
    assert "*" in result.faults[0].message or "脱敏" in result.faults[0].message
    wang.refresh_from_db()
    assert "*" not in wang.id_number

    content = _edit(export_workbook(organiser), "党员", "王一", "手机号码", "139****0000")
    result = import_workbook(content, actor=Actor(user=organiser), scope_org=county["town_committee"])
    assert [(f.sheet, f.column) for f in result.faults] == [("党员", "手机号码")]


def test_an_edited_whole_number_is_checked_as_new(roster, county):
    organiser = roster["organiser"]
    wang = Member.objects.get(name="王一")
    content = _edit(export_workbook(organiser), "党员", "王一", "手机号码", "13700001111")
    result = import_workbook(content, actor=Actor(user=organiser), scope_org=county["town_committee"])
    assert result.ok and result.counts["党员"]["updated"] == 1
    wang.refresh_from_db()
    assert wang.phone == "13700001111"
    content = _edit(export_workbook(organiser), "党员", "王一", "手机号码", "1370000")
    result = import_workbook(content, actor=Actor(user=organiser), scope_org=county["town_committee"])
    assert [(f.sheet, f.column) for f in result.faults] == [("党员", "手机号码")]


def test_an_import_refuses_a_probation_over_two_years(db):
    from .helpers import member, new_county_sheets, xlsx

    result = import_workbook(xlsx(new_county_sheets([member(joined="2015-07-01", full=None)])), actor=Actor.command())
    assert [(f.sheet, f.column) for f in result.faults] == [("党员", "转正日期")]
    assert "已超过两年" in result.faults[0].message
