"""Every rule of roster-format.md: each fault names sheet, Excel row, column, and nothing is written."""
import datetime

import pytest
from django.utils import timezone

from dangjian.conftest import make_id_number
from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.register.models import Division, Member, Organization
from dangjian.register.rules import add_years, gb11643_check_char
from dangjian.roster.engine import import_workbook

from .helpers import DIV, MEM, ORG, member, new_county_sheets, rows, xlsx


def run(sheets, **kwargs):
    kwargs.setdefault("actor", Actor.command())
    return import_workbook(xlsx(sheets), **kwargs)


def faults_of(result):
    return [(f.sheet, f.row, f.column) for f in result.faults]


def assert_nothing_written():
    assert not Division.objects.exists()
    assert not Organization.objects.exists()
    assert not Member.objects.exists()
    assert not AuditLog.objects.exists()


def with_member(**over):
    return new_county_sheets([member(**over)])


def test_it_imports_the_small_county_cleanly(db):
    result = run(new_county_sheets())
    assert result.ok, result.faults
    assert result.counts == {
        "行政区划": {"created": 3, "updated": 0, "unchanged": 0},
        "党组织": {"created": 4, "updated": 0, "unchanged": 0},
        "党员": {"created": 2, "updated": 0, "unchanged": 0},
    }


# --- 党员 -----------------------------------------------------------------------------------

def _wrong_check_digit():
    valid = make_id_number(datetime.date(1985, 3, 4), "男", 100)
    return valid[:17] + ("0" if valid[17] != "0" else "1")


@pytest.mark.parametrize("over,column,message", [
    ({"id_number": _wrong_check_digit()}, "公民身份号码", "校验位错误"),
    ({"id_number": "41990119850304"}, "公民身份号码", "应为18位"),
    ({"id_number": make_id_number(datetime.date(1985, 3, 5), "男", 100)}, "公民身份号码", "与出生日期1985-03-04不一致"),
    ({"id_number": make_id_number(datetime.date(1985, 3, 4), "女", 100)}, "公民身份号码", "第17位表示性别为女"),
    ({"birth_cell": "1985-13-45"}, "出生日期", "不存在"),
    ({"birth_cell": "1985年3月34日"}, "出生日期", "不存在"),
    ({"joined": "2010-02-30"}, "入党日期", "不存在"),
    ({"joined": None}, "入党日期", "入党日期不能为空"),
    ({"ethnicity": "汉"}, "民族", "不是规定的取值"),
    ({"education": "本科"}, "学历", "不是规定的取值"),
    ({"occupation": "农民"}, "人员类别", "不是规定的取值"),
    ({"sex": "M"}, "性别", "男、女"),
    ({"status": "开除"}, "党籍状态", "正常、停止党籍"),
    ({"floating": "Y"}, "是否流动党员", "是、否"),
    ({"phone": "1391234000"}, "手机号码", "以1开头的11位数字"),
    ({"phone": "23912340000"}, "手机号码", "以1开头的11位数字"),
    ({"org": "不存在的支部"}, "所在党组织", "在本工作簿和系统中都不存在"),
    ({"org": "中共新县委员会"}, "所在党组织", "不能直接隶属县委"),
    ({"name": None}, "姓名", "姓名不能为空"),
])
def test_it_reports_a_bad_member_cell_and_writes_nothing(db, over, column, message):
    result = run(with_member(**over))
    assert ("党员", 2, column) in faults_of(result), result.faults
    assert any(message in f.message for f in result.faults if f.column == column), result.faults
    assert_nothing_written()


def test_it_refuses_an_id_number_in_a_number_cell(db):
    sheets = with_member()
    sheets["党员"][1][MEM.index("公民身份号码")] = 419901198503040011
    result = run(sheets)
    assert faults_of(result) == [("党员", 2, "公民身份号码")]
    assert result.faults[0].message.startswith("公民身份号码必须是文本格式单元格")
    assert_nothing_written()


def test_it_reads_a_final_lowercase_x_as_X(db):
    serial = next(s for s in range(1, 500) if make_id_number(datetime.date(1985, 3, 4), "男", s).endswith("X"))
    id_number = make_id_number(datetime.date(1985, 3, 4), "男", serial)
    result = run(with_member(id_number=id_number.lower()))
    assert result.ok, result.faults
    assert Member.objects.get().id_number == id_number


def test_it_reads_number_cell_phones_and_excel_date_cells(db):
    sheets = with_member(birth_cell=datetime.date(1985, 3, 4), joined=datetime.datetime(2010, 7, 1), full="20110701")
    sheets["党员"][1][MEM.index("手机号码")] = 13912340000
    result = run(sheets)
    assert result.ok, result.faults
    m = Member.objects.get()
    assert (m.birth_date, m.joined_on, m.full_on, m.phone) == (
        datetime.date(1985, 3, 4), datetime.date(2010, 7, 1), datetime.date(2011, 7, 1), "13912340000")


def test_it_refuses_a_future_joining_date_but_accepts_today(db):
    today = timezone.localdate()
    birth = datetime.date(1980, 1, 1)
    late = run(with_member(birth=birth, joined=(today + datetime.timedelta(days=1)).isoformat(), full=None))
    assert faults_of(late) == [("党员", 2, "入党日期")] and "晚于今天" in late.faults[0].message
    assert run(with_member(birth=birth, joined=today.isoformat(), full=None)).ok


def test_it_requires_the_member_to_be_18_on_the_joining_date(db):
    birth = add_years(timezone.localdate(), -19)  # 18 a year ago: still within the probation (issue 14)
    eighteen = add_years(birth, 18)
    young = run(with_member(birth=birth, joined=(eighteen - datetime.timedelta(days=1)).isoformat(), full=None))
    assert faults_of(young) == [("党员", 2, "入党日期")] and "年满18周岁" in young.faults[0].message
    assert run(with_member(birth=birth, joined=eighteen.isoformat(), full=None)).ok


@pytest.mark.parametrize("full,ok,message", [
    ("2011-06-30", False, "预备期不足一年"),
    ("2011-07-01", True, ""),
    ("2012-07-01", True, ""),
    ("2012-07-02", False, "预备期最长两年"),
])
def test_it_keeps_probation_between_one_and_two_years(db, full, ok, message):
    result = run(with_member(joined="2010-07-01", full=full))
    assert result.ok is ok, result.faults
    if not ok:
        assert faults_of(result) == [("党员", 2, "转正日期")] and message in result.faults[0].message


def test_it_refuses_an_id_number_twice_in_the_workbook(db):
    result = run(new_county_sheets([member(), member(name="张三同号")]))
    assert faults_of(result) == [("党员", 3, "公民身份号码")]
    assert "与第2行重复" in result.faults[0].message
    assert_nothing_written()


def test_it_refuses_a_member_of_another_township_for_an_organiser(users, county, make_member):
    other = make_member(county["community_branch"], name="乙街道党员")
    row = member(org="中共一村支部委员会", id_number=other.id_number, birth=other.birth_date, sex=other.sex)
    result = import_workbook(xlsx({"党员": rows(MEM, [row])}), actor=Actor.command(users["organiser"]),
                             scope_org=county["town_committee"])
    assert faults_of(result) == [("党员", 2, "公民身份号码")]
    assert "不在您的管理范围内" in result.faults[0].message
    # Only that it is registered elsewhere, as the form says: not which branch outside the scope.
    assert "已登记为其他党员" in result.faults[0].message
    assert county["community_branch"].name not in result.faults[0].message
    assert Member.objects.get(pk=other.pk).organization == county["community_branch"]


def test_it_refuses_an_organisers_member_row_in_another_townships_branch(users, county):
    row = member(org="中共幸福社区支部委员会")
    result = import_workbook(xlsx({"党员": rows(MEM, [row])}), actor=Actor.command(users["organiser"]),
                             scope_org=county["town_committee"])
    assert faults_of(result) == [("党员", 2, "所在党组织")]
    assert "不在您的管理范围内" in result.faults[0].message
    assert not Member.objects.filter(name="张三").exists()


def test_it_lets_an_organiser_import_into_the_own_township(users, county):
    row = member(org="中共一村支部委员会")
    result = import_workbook(xlsx({"党员": rows(MEM, [row])}), actor=Actor.command(users["organiser"]),
                             scope_org=county["town_committee"])
    assert result.ok, result.faults
    assert Member.objects.get(name="张三").organization == county["village_branch"]


def test_it_accepts_a_final_check_character_computed_by_gb11643():
    # The helper and the rule agree (guards the tests' own ID generator).
    n = make_id_number(datetime.date(1985, 3, 4), "男", 100)
    assert gb11643_check_char(n[:17]) == n[17]


# --- 党组织 and 行政区划 ---------------------------------------------------------------------

def test_it_refuses_duplicate_names_in_the_workbook(db):
    sheets = new_county_sheets()
    sheets["行政区划"].append(["新村", "村", "新镇"])
    sheets["党组织"].append(["新镇某公司党支部", "党支部", "中共新镇委员会", "非公有制企业", "新镇", None, None, None])
    result = run(sheets)
    assert faults_of(result) == [("行政区划", 5, "名称"), ("党组织", 6, "组织名称")]
    assert "与第4行重复" in result.faults[0].message
    assert_nothing_written()


@pytest.mark.parametrize("sheet,row,column,message", [
    ("行政区划", ["另一县", "县", "新县"], "上级区划", "县是最高一级区划，不能有上级区划"),
    ("行政区划", ["孤镇", "镇", None], "上级区划", "上级区划不能为空"),
    ("行政区划", ["某村", "村", "不存在的镇"], "上级区划", "在本工作簿和系统中都不存在"),
    ("行政区划", ["某省", "省", "新县"], "类别", "不是规定的取值"),
    ("党组织", ["某县委", "县委", "中共新县委员会", "机关", "新县", None, None, None], "上级党组织", "县委是根组织"),
    ("党组织", ["孤支部", "党支部", None, "村", "新村", None, None, None], "上级党组织", "党支部必须有上级党组织"),
    ("党组织", ["错挂党委", "党委", "中共新村支部委员会", "乡镇", "新镇", None, None, None], "上级党组织", "党委不能隶属于党支部"),
    ("党组织", ["无名支部", "党支部", "查无此委", "村", "新村", None, None, None], "上级党组织", "在本工作簿和系统中都不存在"),
    ("党组织", ["某支部", "支部", "中共新镇委员会", "村", "新村", None, None, None], "组织类别", "不是规定的取值"),
    ("党组织", ["某支部", "党支部", "中共新镇委员会", "工厂", "新村", None, None, None], "单位类别", "不是规定的取值"),
    ("党组织", ["某支部", "党支部", "中共新镇委员会", "村", "火星村", None, None, None], "所在行政区划", "都不存在"),
    ("党组织", ["某支部", "党支部", "中共新镇委员会", "村", "新村", "2999-01-01", None, None], "成立日期", "晚于今天"),
    ("党组织", ["某支部", "党支部", "中共新镇委员会", "村", "新村", "2010-01-01", "2009-12-31", None], "本届届满日期", "不能早于成立日期"),
])
def test_it_reports_a_bad_tree_row(db, sheet, row, column, message):
    sheets = new_county_sheets()
    sheets[sheet].append(row)
    result = run(sheets)
    number = len(sheets[sheet])
    assert (sheet, number, column) in faults_of(result), result.faults
    assert any(message in f.message for f in result.faults), result.faults
    assert_nothing_written()


def test_it_refuses_a_cycle_within_the_workbook(db):
    sheets = new_county_sheets()
    sheets["党组织"] += [["甲总支", "党总支", "乙党委", "机关", "新县", None, None, None],
                      ["乙党委", "党委", "甲总支", "机关", "新县", None, None, None]]
    result = run(sheets)
    cycle = [f for f in result.faults if "形成循环" in f.message]
    assert {(f.row, f.column) for f in cycle} == {(6, "上级党组织"), (7, "上级党组织")}
    assert_nothing_written()


def test_it_refuses_moving_a_division_under_its_own_descendant(county):
    # 一村 is under 甲镇 in the database; the workbook puts 甲镇 under 一村.
    result = run({"行政区划": [DIV, ["甲镇", "镇", "一村"]]})
    assert faults_of(result) == [("行政区划", 2, "上级区划")]
    assert "形成循环" in result.faults[0].message
    assert Division.objects.get(name="甲镇").parent == county["root_div"]


def test_it_refuses_a_missing_required_column_once_for_the_sheet(db):
    sheets = new_county_sheets()
    idx = MEM.index("民族")
    sheets["党员"] = [[c for i, c in enumerate(r) if i != idx] for r in sheets["党员"]]
    result = run(sheets)
    assert faults_of(result) == [("党员", 1, "民族")]
    assert "缺少必填列" in result.faults[0].message
    assert_nothing_written()


def test_it_finds_columns_by_title_in_any_order_and_ignores_extra_columns(db):
    sheets = new_county_sheets()
    sheets["党员"] = [list(reversed(r)) + ["备注"] for r in sheets["党员"]]
    sheets["党员"][0][-1] = "备注"
    result = run(sheets)
    assert result.ok, result.faults
    assert Member.objects.count() == 2


def test_it_trims_spaces_and_skips_empty_rows_keeping_excel_row_numbers(db):
    sheets = new_county_sheets()
    sheets["行政区划"][3] = ["\u3000新村 ", " 村", "新镇\u3000"]
    sheets["党员"].insert(2, [None] * len(MEM))
    sheets["党员"].insert(2, ["  ", "\u3000"] + [None] * (len(MEM) - 2))
    sheets["党员"][-1][MEM.index("民族")] = "汉"
    result = run(sheets)
    assert faults_of(result) == [("党员", 5, "民族")]
    sheets["党员"][-1][MEM.index("民族")] = "\u3000汉族 "
    assert run(sheets).ok
    assert Division.objects.filter(name="新村").exists() and Member.objects.count() == 2


def test_it_refuses_the_divisions_sheet_from_an_organiser(users, county):
    sheets = {"行政区划": [DIV, ["甲镇新村", "村", "甲镇"]]}
    result = import_workbook(xlsx(sheets), actor=Actor.command(users["organiser"]), scope_org=county["town_committee"])
    assert faults_of(result) == [("行政区划", 2, "")]
    assert "县委组织部管理员" in result.faults[0].message
    assert not Division.objects.filter(name="甲镇新村").exists()


def test_it_refuses_an_organisation_outside_the_organisers_township(users, county):
    sheets = {"党组织": [ORG, ["乙街道新支部", "党支部", "中共乙街道工作委员会", "社区", "幸福社区", None, None, None],
                       ["中共幸福社区支部委员会", "党支部", "中共乙街道工作委员会", "社区", "幸福社区", None, None, "改名"],
                       ["甲镇新支部", "党支部", "中共甲镇委员会", "村", "一村", None, None, None]]}
    result = import_workbook(xlsx(sheets), actor=Actor.command(users["organiser"]), scope_org=county["town_committee"])
    assert faults_of(result) == [("党组织", 2, "上级党组织"), ("党组织", 3, "组织名称")]
    assert all("不在您的管理范围内" in f.message for f in result.faults)
    assert not Organization.objects.filter(name__in=["乙街道新支部", "甲镇新支部"]).exists()


def test_it_refuses_an_organiser_moving_the_own_committee(users, county):
    sheets = {"党组织": [ORG, ["中共甲镇委员会", "党委", "中共乙街道工作委员会", "乡镇", "甲镇", None, None, None]]}
    result = import_workbook(xlsx(sheets), actor=Actor.command(users["organiser"]), scope_org=county["town_committee"])
    assert faults_of(result) == [("党组织", 2, "上级党组织")]
    assert "不在您的管理范围内" in result.faults[0].message


def test_it_refuses_a_workbook_without_known_sheets_or_data(db):
    none = run({"Sheet1": [["a"], ["b"]]})
    assert [f.message for f in none.faults][0].startswith("工作簿中没有可导入的工作表")
    empty = run({"党员": [MEM], "党组织": [ORG]})
    assert "没有数据" in empty.faults[0].message
    assert_nothing_written()


def test_it_refuses_a_file_that_is_not_xlsx(db):
    result = import_workbook(b"not a workbook at all", actor=Actor.command())
    assert not result.ok and "无法读取文件" in result.faults[0].message
