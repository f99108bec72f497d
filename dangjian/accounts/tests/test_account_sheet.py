"""Issue 14: the 账号 sheet of the roster workbook — accounts opened through the roster engine (all or
nothing, Chinese faults naming the cell), one-time passwords on a sheet downloaded once, the export
re-importing unchanged."""
import io

from openpyxl import Workbook

from dangjian.accounts.models import OneTimeSheet, User
from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.roster.engine import export_workbook, import_workbook

TITLES = ["用户名", "姓名", "角色", "所在党组织", "公民身份号码"]


def workbook(rows, extra=None) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = "账号"
    ws.append(TITLES)
    for row in rows:
        ws.append(list(row))
    for name, sheet_rows in (extra or {}).items():
        other = wb.create_sheet(name)
        for row in sheet_rows:
            other.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def actor(user):
    return Actor(user=user, ip_address="127.0.0.1", via="import")


def test_it_opens_accounts_from_the_sheet_once(users, county, make_member):
    person = make_member(county["firm_branch"], name="企业党员")
    rows = [("qiyeshuji", "企业书记", "党支部书记", "甲镇某公司党支部", ""),
            ("qiyedangyuan", "企业党员", "党员", "", person.id_number)]
    result = import_workbook(workbook(rows), actor=actor(users["admin"]))
    assert result.ok and result.counts["账号"] == {"created": 2, "updated": 0, "unchanged": 0}
    secretary = User.objects.get(username="qiyeshuji")
    own = User.objects.get(username="qiyedangyuan")
    assert (secretary.role, secretary.organization, secretary.must_change_password) == (
        "secretary", county["firm_branch"], True)
    assert (own.role, own.member, own.organization) == ("member", person, county["firm_branch"])
    assert AuditLog.objects.filter(object_type="accounts.user", action="created").count() == 2
    sheet = OneTimeSheet.objects.get()
    assert sheet.count == 2 and sheet.owner == users["admin"]
    assert any("初始密码表" in w.message for w in result.warnings)
    # The same workbook again: unchanged, no new accounts, no new sheet.
    again = import_workbook(workbook(rows), actor=actor(users["admin"]))
    assert again.ok and again.counts["账号"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert OneTimeSheet.objects.count() == 1


def test_bad_rows_write_nothing_and_name_the_cell(users, county):
    rows = [("a1", "甲", "组长", "甲镇某公司党支部", ""),  # no such role
            ("a2", "乙", "党支部书记", "中共甲镇委员会", ""),  # a committee is not a branch
            ("a3", "丙", "党支部书记", "不存在的支部", ""),
            ("a4", "丁", "党员", "", "4101**********0019"),  # masked
            ("a5", "戊", "党支部书记", "", ""),
            ("A5", "己", "党支部书记", "甲镇某公司党支部", ""),  # the same name as a5, other case
            ("admin", "改名", "县委组织部管理员", "中共测试县委员会", "")]  # exists, differs
    result = import_workbook(workbook(rows), actor=actor(users["admin"]))
    assert not result.ok
    faults = {(f.row, f.column): f.message for f in result.faults}
    assert "角色“组长”不是规定的取值" in faults[(2, "角色")]
    assert "应为党支部、联合党支部或党总支" in faults[(3, "所在党组织")]
    assert "都不存在" in faults[(4, "所在党组织")]
    assert "脱敏" in faults[(5, "公民身份号码")]
    assert "必须填写所在党组织" in faults[(6, "所在党组织")]
    assert "与第6行重复" in faults[(7, "用户名")]
    assert "已存在" in faults[(8, "姓名")]
    assert not User.objects.filter(username__in=["a1", "a2", "a3", "a4", "a5"]).exists()
    assert not OneTimeSheet.objects.exists()


def test_only_the_county_admin_imports_accounts(users, county):
    rows = [("x1", "某", "党支部书记", "甲镇某公司党支部", "")]
    result = import_workbook(workbook(rows), actor=actor(users["organiser"]), scope_org=county["town_committee"])
    assert not result.ok and "县委组织部管理员统一导入" in result.faults[0].message
    assert not User.objects.filter(username="x1").exists()


def test_the_admins_export_reimports_unchanged_and_others_export_no_accounts(users, county):
    content = export_workbook(users["admin"])
    result = import_workbook(io.BytesIO(content), actor=actor(users["admin"]), dry_run=True)
    assert result.ok, [(f.sheet, f.row, f.column, f.message) for f in result.faults]
    assert result.counts["账号"]["created"] == 0 and result.counts["账号"]["unchanged"] == User.objects.count()
    from openpyxl import load_workbook

    assert "账号" in load_workbook(io.BytesIO(content)).sheetnames
    organiser_export = export_workbook(users["organiser"], county["town_committee"])
    assert "账号" not in load_workbook(io.BytesIO(organiser_export)).sheetnames
