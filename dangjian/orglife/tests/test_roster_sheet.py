"""The 组织生活 sheet through the roster engine: all or nothing, faults by row, idempotent, export re-imports."""
import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from dangjian.core.actor import Actor
from dangjian.orglife.models import Activity
from dangjian.orglife.roster_sheets import OrglifeSheet
from dangjian.roster import engine

TITLES = OrglifeSheet.titles()


def workbook(rows, titles=TITLES) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "组织生活"
    ws.append(titles)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def row(**over):
    values = {"所在党组织": "中共一村支部委员会", "活动类型": "支部党员大会", "日期": "2025-03-31", "开始时间": "09:00",
              "结束时间": "11:00", "地点": "村部", "主持人": "张书记", "记录人": "王委员", "主题": "学习全会精神",
              "应到人数": 10, "实到人数": 8, "请假人数": 1, "授课人": None}
    values.update(over)
    return [values[t] for t in TITLES]


def run(content, user=None, scope_org=None):
    return engine.import_workbook(content, actor=Actor.command(user), scope_org=scope_org)


def test_it_imports_a_ledger_and_reimporting_changes_nothing(county):
    content = workbook([row(), row(活动类型="党课", 授课人="李老师", 日期=datetime.datetime(2025, 2, 1), 开始时间="14:30",
                                结束时间="16:00")])
    result = run(content)
    assert result.ok, result.faults
    assert result.counts["组织生活"] == {"created": 2, "updated": 0, "unchanged": 0}
    lecture = Activity.objects.get(activity_type="party_lecture")
    assert (lecture.date, lecture.start_time, lecture.lecturer, lecture.source, lecture.is_late) == (
        datetime.date(2025, 2, 1), datetime.time(14, 30), "李老师", "import", False)
    again = run(content)
    assert again.counts["组织生活"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert Activity.objects.count() == 2


def test_it_updates_a_changed_row_by_its_natural_key(county):
    run(workbook([row()]))
    result = run(workbook([row(主题="更正后的主题", 实到人数=9)]))
    assert result.counts["组织生活"] == {"created": 0, "updated": 1, "unchanged": 0}
    a = Activity.objects.get()
    assert (a.topic, a.present_count) == ("更正后的主题", 9)


@pytest.mark.parametrize("over,column,message", [
    ({"所在党组织": "不存在的支部"}, "所在党组织", "在本工作簿和系统中都不存在"),
    ({"所在党组织": "中共甲镇委员会"}, "所在党组织", "是党委"),
    ({"活动类型": "座谈会"}, "活动类型", "不是规定的取值"),
    ({"日期": "2999-01-01"}, "日期", "晚于今天"),
    ({"日期": "2025-02-30"}, "日期", "不存在"),
    ({"开始时间": "9点"}, "开始时间", "应为 HH:MM"),
    ({"结束时间": "08:00"}, "结束时间", "必须晚于开始时间"),
    ({"实到人数": 10, "请假人数": 1}, "实到人数", "不能超过应到人数"),
    ({"应到人数": "十"}, "应到人数", "应为不小于0的整数"),
    ({"活动类型": "党课"}, "授课人", "党课须填写授课人"),
    ({"授课人": "某人"}, "授课人", "授课人只适用于党课"),
    ({"主题": None}, "主题", "主题不能为空"),
])
def test_it_reports_each_fault_by_row_and_writes_nothing(county, over, column, message):
    result = run(workbook([row(日期="2025-01-05"), row(**over)]))
    assert not result.ok
    assert [(f.row, f.column) for f in result.faults] == [(3, column)]
    assert message in result.faults[0].message
    assert not Activity.objects.exists()


def test_it_refuses_duplicate_rows_in_the_workbook(county):
    result = run(workbook([row(), row(主题="另一个")]))
    assert [(f.row, f.column) for f in result.faults] == [(3, "开始时间")]
    assert "与第2行重复" in result.faults[0].message


def test_it_refuses_organisations_outside_the_importers_scope(county, users):
    result = run(workbook([row(所在党组织="中共幸福社区支部委员会")]), user=users["organiser"],
                 scope_org=county["town_committee"])
    assert "不在您的管理范围内" in result.faults[0].message


def test_it_exports_the_sheet_so_that_it_reimports_unchanged(county, users, make_activity):
    make_activity(county["village_branch"], "party_lecture", datetime.date(2025, 3, 1), start=datetime.time(9, 30))
    make_activity(county["community_branch"], "theme_day", datetime.date(2025, 3, 2), start=datetime.time(9, 30))
    rows = list(OrglifeSheet().export_rows(users["organiser"], None))
    assert [r[0] for r in rows] == ["中共一村支部委员会"]
    assert rows[0][1:5] == ["党课", datetime.date(2025, 3, 1), "09:30", "19:00"]
    content = engine.export_workbook(None)
    wb = load_workbook(io.BytesIO(content))
    assert wb["组织生活"].max_row == 3
    result = run(content)
    assert result.ok, result.faults
    assert result.counts["组织生活"] == {"created": 0, "updated": 0, "unchanged": 2}


def test_it_exports_only_the_period_asked_for(county, users, make_activity):
    make_activity(county["village_branch"], "theme_day", datetime.date(2025, 3, 1))
    make_activity(county["village_branch"], "theme_day", datetime.date(2025, 4, 1))
    rows = list(OrglifeSheet().export_rows(users["secretary"], None, date_from=datetime.date(2025, 4, 1),
                                           date_to=datetime.date(2025, 4, 30)))
    assert [r[2] for r in rows] == [datetime.date(2025, 4, 1)]
