"""The 发展党员 sheet, through the roster engine: columns, the same rules, all or nothing, re-import."""
import datetime
import io

import pytest

from dangjian.conftest import make_id_number
from dangjian.core.actor import Actor
from dangjian.core.excel import write_workbook
from dangjian.recruitment.models import Recruitment, Status
from dangjian.recruitment.plan import plan_dates
from dangjian.recruitment.roster_sheets import RecruitmentSheet
from dangjian.recruitment.steps import STEPS
from dangjian.register.models import Member
from dangjian.roster import engine

TITLES = RecruitmentSheet.titles()


def row(county, name, serial, upto, applied=datetime.date(2023, 3, 1), **over):
    birth = over.pop("birth", datetime.date(1996, 6, 6))
    plan = plan_dates(applied)
    dates = {n: plan.steps[n] for n in range(1, upto + 1)}
    dates.update(over.pop("dates", {}))
    values = [name, "男", "汉族", make_id_number(birth, "男", serial, region="419906"), birth, "大学本科", "工人",
              over.pop("org", county["village_branch"].name)]
    return values + [dates.get(n) for n in STEPS]


def workbook(rows) -> bytes:
    return write_workbook([("发展党员", TITLES, rows)], text_columns={"发展党员": {3}})


def run(content, **kw):
    return engine.import_workbook(io.BytesIO(content), actor=Actor.command(), **kw)


def test_the_sheet_titles_are_the_circled_steps():
    assert "⑮支部大会讨论" in TITLES and "㉓支部大会讨论" in TITLES and "①递交入党申请书" in TITLES
    assert len(set(TITLES)) == len(TITLES) == 8 + 25 + 1  # + 纪实编号 (issue 14)


def test_it_imports_files_at_every_stage_and_the_register_follows(county):
    rows = [row(county, "甲", 1, 2), row(county, "乙", 2, 9), row(county, "丙", 3, 16), row(county, "丁", 4, 25)]
    result = run(workbook(rows))
    assert result.ok, result.faults
    assert result.counts["发展党员"] == {"created": 4, "updated": 0, "unchanged": 0}
    by_name = {r.name: r for r in Recruitment.objects.all()}
    assert by_name["甲"].last_step == 2 and by_name["乙"].stage == "development_target"
    assert by_name["丙"].member.joined_on == by_name["丙"].admitted_on and by_name["丙"].member.full_on is None
    assert by_name["丁"].status == Status.COMPLETED and by_name["丁"].member.full_on is not None
    assert not Member.objects.filter(name__in=["甲", "乙"]).exists()
    again = run(workbook(rows))
    assert again.ok and again.counts["发展党员"] == {"created": 0, "updated": 0, "unchanged": 4}
    assert Recruitment.objects.count() == 4


def test_a_later_import_appends_the_new_steps(county):
    assert run(workbook([row(county, "甲", 1, 2)])).ok
    result = run(workbook([row(county, "甲", 1, 7)]))
    assert result.ok and result.counts["发展党员"]["updated"] == 1
    assert Recruitment.objects.get().last_step == 7


@pytest.mark.parametrize("over,column,message", [
    ({"dates": {7: datetime.date(2024, 3, 27)}}, "⑦确定发展对象", "最早2024-03-28可确定为发展对象"),
    ({"upto": 2, "dates": {2: datetime.date(2023, 4, 2)}}, "②党组织派人谈话", "最迟应于2023-04-01谈话"),
    ({"dates": {4: None}}, "④报上级党委备案", "缺少④报上级党委备案"),
    ({"dates": {3: datetime.date(2023, 3, 5), 2: datetime.date(2023, 3, 6)}}, "③推荐和确定入党积极分子", "早于上一步骤"),
    ({"birth": datetime.date(2005, 3, 2)}, "①递交入党申请书", "年满18周岁"),
    ({"org": "中共甲镇委员会"}, "所在党组织", "不是党支部"),
])
def test_a_faulty_row_stops_the_whole_import(county, over, column, message):
    good = row(county, "好", 9, 9)
    bad = row(county, "坏", 10, over.pop("upto", 9), **over)
    result = run(workbook([good, bad]))
    assert not result.ok
    assert any(f.row == 3 and f.column == column and message in f.message for f in result.faults), result.faults
    assert not Recruitment.objects.exists()


def test_it_refuses_a_member_as_an_applicant_and_a_duplicate_row(county, users):
    member = users["member_record"]
    values = row(county, member.name, 1, 2)
    values[3], values[4] = member.id_number, member.birth_date
    dup = row(county, "重复", 5, 2)
    result = run(workbook([values, dup, list(dup)]))
    messages = {(f.row, f.column): f.message for f in result.faults}
    assert "已是党员" in messages[(2, "公民身份号码")]
    assert "重复" in messages[(4, "公民身份号码")]
    assert not Recruitment.objects.exists()


def test_an_organiser_cannot_import_into_another_township(county, users):
    result = engine.import_workbook(io.BytesIO(workbook([row(county, "外", 1, 2, org=county["community_branch"].name)])),
                                    actor=Actor(user=users["organiser"]), scope_org=county["town_committee"])
    assert any("不在您的管理范围内" in f.message for f in result.faults)


def test_the_export_reimports_to_the_same_files(county, new_recruitment, advance):
    from openpyxl import load_workbook

    advance(new_recruitment(), 16)
    content = engine.export_workbook(None)
    ws = load_workbook(io.BytesIO(content))["发展党员"]
    data = list(ws.iter_rows(values_only=True))
    assert list(data[0]) == TITLES and data[1][0] == "张申请" and data[1][TITLES.index("⑯上级党委派人谈话")]
    assert data[1][TITLES.index("⑰上级党委审批")] is None
    result = run(content)
    assert result.ok, result.faults
    assert result.counts["发展党员"] == {"created": 0, "updated": 0, "unchanged": 1}
