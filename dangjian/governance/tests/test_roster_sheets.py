"""The governance sheets through the roster engine: all or nothing, faults by row and column."""
import datetime
import io

from openpyxl import Workbook

from dangjian.core.actor import Actor
from dangjian.governance.models import Dispute, Matter
from dangjian.roster.engine import import_workbook

D = datetime.date


def _book(sheets):
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


MATTER_HEAD = ["所在党组织", "事项名称", "事项类别", "征求意见日期", "支部委员会商议日期", "党员大会审议日期", "应到党员数",
               "实到党员数", "赞成票数", "代表会议决议日期", "决议公开日期", "结果公开日期"]


def test_a_fault_anywhere_writes_nothing_and_names_sheet_row_and_column(county):
    good = ["中共一村支部委员会", "修村道", "工程项目", D(2026, 1, 5), D(2026, 1, 10), D(2026, 1, 20), 30, 20, 16,
            D(2026, 1, 25), D(2026, 1, 26), D(2026, 3, 1)]
    after_failed = ["中共一村支部委员会", "建广场", "工程项目", D(2026, 1, 5), D(2026, 1, 10), D(2026, 1, 20), 30, 20, 15,
                    D(2026, 1, 25), None, None]
    out_of_order = ["中共一村支部委员会", "修水渠", "其他", D(2026, 1, 5), D(2026, 1, 4), None, None, None, None, None,
                    None, None]
    disputes = [["案件编号", "所在行政区划", "纠纷类别", "受理日期", "调处结果", "办结日期"],
                ["TJ1", "一村", "邻里", D(2026, 1, 5), "调处成功", D(2026, 1, 4)],
                ["TJ1", "一村", "邻里", D(2026, 1, 5), None, None]]
    data = _book({"议事事项": [MATTER_HEAD, good, after_failed, out_of_order], "纠纷调处": disputes})
    result = import_workbook(io.BytesIO(data), actor=Actor.command())
    faults = {(f.sheet, f.row, f.column) for f in result.faults}
    assert ("议事事项", 3, "代表会议决议日期") in faults
    assert ("议事事项", 4, "支部委员会商议日期") in faults
    assert ("纠纷调处", 2, "办结日期") in faults
    assert not Matter.objects.exists() and not Dispute.objects.exists()


def test_a_quorum_failure_in_the_ledger_is_a_failed_matter(county):
    row = ["中共一村支部委员会", "建广场", "工程项目", D(2026, 1, 5), D(2026, 1, 10), D(2026, 1, 20), 30, 19, 19,
           None, None, None]
    result = import_workbook(io.BytesIO(_book({"议事事项": [MATTER_HEAD, row]})), actor=Actor.command())
    assert result.faults == []
    assert Matter.objects.get().status == "failed"


def test_an_organiser_may_not_import_the_discipline_offices_register(county, users):
    data = _book({"四风案件": [["案件编号", "所在行政区划", "案件类别", "立案日期", "结案日期"],
                            ["SF1", "一村", "腐败", D(2026, 1, 5), None]]})
    result = import_workbook(io.BytesIO(data), actor=Actor(user=users["organiser"]),
                             scope_org=county["town_committee"])
    assert result.faults and "纪检监察" in result.faults[0].message
