import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from dangjian.core.models import AuditLog
from dangjian.register.models import Member

from .helpers import member, new_county_sheets, xlsx


@pytest.fixture
def workbook_file(tmp_path):
    def make(sheets):
        path = tmp_path / "名册.xlsx"
        path.write_bytes(xlsx(sheets))
        return path
    return make


def test_it_imports_from_the_command_line_and_prints_counts(db, workbook_file):
    out = io.StringIO()
    call_command("import_roster", str(workbook_file(new_county_sheets())), stdout=out)
    assert "党员：新增 2，更新 0，未变 0" in out.getvalue()
    assert Member.objects.count() == 2
    row = AuditLog.objects.get(action="imported")
    assert row.via == "command" and row.actor is None


def test_it_prints_every_fault_and_exits_nonzero_writing_nothing(db, workbook_file):
    members = [member(), member(name="错", serial=300, joined="2010-13-01")]
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_roster", str(workbook_file(new_county_sheets(members))), stderr=err)
    assert "党员 第3行 【入党日期】 日期“2010-13-01”不存在" in err.getvalue()
    assert "未写入任何数据" in str(exc.value)
    assert not Member.objects.exists()


def test_it_checks_only_on_dry_run(db, workbook_file):
    out = io.StringIO()
    call_command("import_roster", str(workbook_file(new_county_sheets())), "--dry-run", stdout=out)
    assert "党员：新增 2" in out.getvalue() and "未写入" in out.getvalue()
    assert not Member.objects.exists()


def test_it_imports_within_a_users_scope(users, county, workbook_file):
    path = workbook_file({"党员": [list(member(org="中共幸福社区支部委员会").keys()),
                                 list(member(org="中共幸福社区支部委员会").values())]})
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), "--user", "organiser", stderr=err)
    assert "不在您的管理范围内" in err.getvalue()
    call_command("import_roster", str(path), "--user", "outsider", stdout=io.StringIO())
    assert Member.objects.get(name="张三").organization == county["community_branch"]
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), "--user", "secretary")


def test_it_exports_a_named_organisations_subtree(county, make_member, tmp_path):
    make_member(county["village_branch"], name="村里党员", birth=datetime.date(1970, 1, 2))
    make_member(county["community_branch"], name="社区党员")
    path = tmp_path / "out.xlsx"
    call_command("export_roster", str(path), "--org", "中共甲镇委员会", stdout=io.StringIO())
    wb = CalamineWorkbook.from_path(str(path))
    names = [r[0] for r in wb.get_sheet_by_name("党员").to_python()[1:]]
    assert names == ["村里党员"]
    assert wb.get_sheet_by_name("党员").to_python()[1][3].startswith("419901197001020")  # full number for the command
    with pytest.raises(CommandError):
        call_command("export_roster", str(path), "--org", "不存在的组织")
