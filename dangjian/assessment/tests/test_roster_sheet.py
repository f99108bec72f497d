"""The 整改台账 sheet: bad input listed by row and column, nothing written; a secretary may not import it."""
import datetime
import io

import openpyxl

from dangjian.assessment.models import Problem
from dangjian.core.actor import Actor
from dangjian.roster.engine import import_workbook

HEAD = ["问题编号", "所在党组织", "问题来源", "问题类别", "问题描述", "发现日期", "整改时限", "整改措施", "责任人",
        "整改完成日期", "复查日期", "复查结论", "销号日期"]
D = datetime.date


def workbook(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "整改台账"
    ws.append(HEAD)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def row(number, **over):
    base = {"问题编号": number, "所在党组织": "中共一村支部委员会", "问题来源": "考核", "问题类别": "党费", "问题描述": "党费未按月交纳",
            "发现日期": D(2026, 1, 5), "整改时限": D(2026, 2, 5), "整改措施": "", "责任人": "王书记", "整改完成日期": D(2026, 1, 20),
            "复查日期": D(2026, 1, 25), "复查结论": "通过", "销号日期": D(2026, 1, 26)}
    base.update(over)
    return [base[h] for h in HEAD]


def test_bad_rows_are_listed_and_nothing_is_written(county):
    result = import_workbook(workbook([
        row("A1"),
        row("A2", 问题来源="群众来信"),
        row("A3", 问题类别="作风"),
        row("A4", 整改时限=D(2026, 1, 1)),
        row("A5", 复查结论="未通过"),  # signed off after a failed verification
        row("A6", 销号日期=D(2026, 1, 24)),  # before the verification
        row("A7", 复查日期=None, 复查结论=None),  # signed off without any verification
        row("A8", 所在党组织="不存在的支部"),
        row("A1"),  # duplicate key
    ]), actor=Actor.command())
    faults = {(f.row, f.column) for f in result.faults}
    assert {(3, "问题来源"), (4, "问题类别"), (5, "整改时限"), (6, "销号日期"), (7, "销号日期"), (8, "销号日期"),
            (9, "所在党组织"), (10, "问题编号")} <= faults
    assert (2, "问题编号") not in faults
    assert Problem.objects.count() == 0


def test_a_clean_sheet_imports_once_and_a_changed_row_updates(county):
    assert import_workbook(workbook([row("A1"), row("A2", 问题编号="A2", 销号日期=None)]), actor=Actor.command()).faults == []
    again = import_workbook(workbook([row("A1"), row("A2", 销号日期=None, 问题描述="党费少交")]), actor=Actor.command())
    assert again.counts["整改台账"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert Problem.objects.get(number="A2").description == "党费少交"
    assert Problem.objects.get(number="A2").recurring is False  # found the same day as A1: not earlier
    third = import_workbook(workbook([row("A3", 发现日期=D(2026, 3, 1), 整改时限=D(2026, 4, 1), 整改完成日期=None,
                                          复查日期=None, 复查结论=None, 销号日期=None)]), actor=Actor.command())
    assert third.faults == [] and Problem.objects.get(number="A3").recurring is True


def test_a_secretary_may_not_import_the_ledger(county, users):
    result = import_workbook(workbook([row("A1")]), actor=Actor(users["secretary"]), scope_org=county["village_branch"])
    assert result.faults and "上级党组织" in result.faults[0].message
    assert Problem.objects.count() == 0
