"""The ledger sheets 干部, 报酬标准, 社区经费, 阵地投入, 培训 through the roster engine."""
import datetime

import pytest

from dangjian.cadres.models import Cadre, CommunityFund, PayStandard, TrainingAttendance, TrainingClass, VenueInvestment
from dangjian.conftest import make_id_number
from dangjian.core.actor import Actor
from dangjian.roster.engine import export_workbook, import_workbook

from .conftest import workbook

pytestmark = pytest.mark.django_db
D = datetime.date
CADRE = ["姓名", "公民身份号码", "所在党组织", "职务", "任职日期", "离任日期", "一肩挑"]
TRAINING = ["培训班名称", "开始日期", "结束日期", "学时", "姓名", "公民身份号码", "所在党组织", "参训身份"]
FUND = ["所在行政区划", "年度", "经费类别", "金额"]
PAY = ["社区类别", "职务", "月标准", "执行日期"]
VENUE = ["所在行政区划", "项目名称", "投入日期", "金额"]


def _faults(result):
    return {(f.sheet, f.row, f.column): f.message for f in result.faults}


def good_workbook(member_id=""):
    return workbook({
        "干部": [CADRE, ["张书记", member_id or None, "中共一村支部委员会", "书记", D(2020, 1, 1), D(2023, 1, 1), "是"],
                 ["李书记", None, "中共一村支部委员会", "书记", D(2023, 1, 1), None, None],
                 ["王副", None, "中共幸福社区支部委员会", "专职副书记", D(2024, 1, 1), None, None]],
        "报酬标准": [PAY, ["城市社区", "书记", 3500, D(2021, 7, 1)], ["城市社区", "书记", 4300.5, D(2025, 10, 1)]],
        "社区经费": [FUND, ["幸福社区", 2025, "社区工作经费", 88000], ["幸福社区", 2025, "党建工作经费", 35000.5]],
        "阵地投入": [VENUE, ["乙街道", "阵地改造", D(2025, 7, 9), 67000.48]],
        "培训": [TRAINING, ["书记班", D(2025, 9, 8), D(2025, 9, 12), 32, "李书记", None, "中共一村支部委员会", "书记"],
                 ["书记班", D(2025, 9, 8), D(2025, 9, 12), 32, "陌生人", None, "中共一村支部委员会", "党员"]],
    })


def test_a_clean_workbook_is_written_once_and_a_second_import_changes_nothing(county):
    first = import_workbook(good_workbook(), actor=Actor.command())
    assert first.faults == []
    assert {k: v["created"] for k, v in first.counts.items()} == {"干部": 3, "报酬标准": 2, "社区经费": 2, "阵地投入": 1, "培训": 2}
    assert [(w.sheet, w.row, w.column) for w in first.warnings] == [("培训", 3, "姓名")]
    assert TrainingAttendance.objects.get(name="李书记").cadre.post == "书记"
    again = import_workbook(good_workbook(), actor=Actor.command())
    assert again.faults == [] and again.warnings == []  # 陌生人 is known now
    assert all(c["created"] == c["updated"] == 0 for c in again.counts.values())


def test_a_changed_non_key_cell_updates_the_record(county):
    import_workbook(good_workbook(), actor=Actor.command())
    member_id = make_id_number(D(1980, 5, 6), "男", 31)
    changed = workbook({"干部": [CADRE, ["李书记", member_id, "中共一村支部委员会", "书记", D(2023, 1, 1), D(2025, 1, 1), "是"]],
                        "社区经费": [FUND, ["幸福社区", 2025, "社区工作经费", 90000]]})
    result = import_workbook(changed, actor=Actor.command())
    assert result.faults == [] and result.counts["干部"]["updated"] == 1 and result.counts["社区经费"]["updated"] == 1
    c = Cadre.objects.get(name="李书记")
    assert c.ended_on == D(2025, 1, 1) and c.one_shoulder and c.id_number == member_id and c.birth_date == D(1980, 5, 6)
    assert CommunityFund.objects.get(category="社区工作经费").amount == 90000


def test_bad_cells_are_named_by_sheet_row_and_column_and_nothing_is_written(county):
    bad = workbook({
        "干部": [CADRE,
                 ["甲", "419901198005060010", "中共一村支部委员会", "主任", D(2020, 1, 1), D(2019, 1, 1), None],
                 ["乙", None, "中共一村支部委员会", "书记", D(2020, 1, 1), None, None],
                 ["丙", None, "中共一村支部委员会", "书记", D(2022, 1, 1), None, None],
                 ["丁", None, "不存在的支部", "委员", D(2022, 1, 1), None, None]],
        "报酬标准": [PAY, ["城市社区", "书记", -1, D(2021, 7, 1)]],
        "社区经费": [FUND, ["幸福社区", 2025, "社区工作经费", 1], ["幸福社区", 2025, "社区工作经费", 2],
                     ["一村", 2025, "社区工作经费", 1]],
        "阵地投入": [VENUE, ["乙街道", "改造", D(2025, 7, 9), 1.234]],
        "培训": [TRAINING, ["书记班", D(2025, 9, 8), D(2025, 9, 7), 0, "乙", None, "中共一村支部委员会", "书记"]],
    })
    result = import_workbook(bad, actor=Actor.command())
    faults = _faults(result)
    assert "校验位" in faults[("干部", 2, "公民身份号码")]
    assert "不是规定的取值" in faults[("干部", 2, "职务")]
    assert "应晚于任职日期" in faults[("干部", 2, "离任日期")]
    assert "同一时期只能有一名书记" in faults[("干部", 4, "任职日期")]
    assert "都不存在" in faults[("干部", 5, "所在党组织")]
    assert "不能为负数" in faults[("报酬标准", 2, "月标准")]
    assert "重复" in faults[("社区经费", 3, "经费类别")]
    assert "城市社区或村改居社区" in faults[("社区经费", 4, "所在行政区划")]
    assert "两位小数" in faults[("阵地投入", 2, "金额")]
    assert "早于开始日期" in faults[("培训", 2, "结束日期")]
    assert "学时应大于0" in faults[("培训", 2, "学时")]
    for model in (Cadre, PayStandard, CommunityFund, VenueInvestment, TrainingClass, TrainingAttendance):
        assert model.objects.count() == 0


def test_a_second_serving_secretary_against_the_database_is_refused(county, cadre_factory):
    cadre_factory(county["village_branch"], "老书记", start=D(2019, 1, 1))
    wb = workbook({"干部": [CADRE, ["新书记", None, "中共一村支部委员会", "书记", D(2024, 1, 1), None, None]]})
    result = import_workbook(wb, actor=Actor.command())
    assert "老书记" in _faults(result)[("干部", 2, "任职日期")]
    # Ending the old one in the same workbook makes it a succession.
    wb = workbook({"干部": [CADRE, ["老书记", None, "中共一村支部委员会", "书记", D(2019, 1, 1), D(2024, 1, 1), None],
                            ["新书记", None, "中共一村支部委员会", "书记", D(2024, 1, 1), None, None]]})
    assert import_workbook(wb, actor=Actor.command()).faults == []
    assert Cadre.objects.serving_on(D(2024, 1, 1)).get(post="书记").name == "新书记"


def test_an_organiser_imports_only_inside_the_township_and_no_pay_standards(county, users):
    actor = Actor(user=users["organiser"])
    wb = workbook({"干部": [CADRE, ["甲", None, "中共幸福社区支部委员会", "委员", D(2020, 1, 1), None, None]],
                   "社区经费": [FUND, ["幸福社区", 2025, "社区工作经费", 1]],
                   "报酬标准": [PAY, ["城市社区", "书记", 1, D(2021, 7, 1)]]})
    faults = _faults(import_workbook(wb, actor=actor, scope_org=county["town_committee"]))
    assert "不在您的管理范围内" in faults[("干部", 2, "所在党组织")]
    assert "不在您的管理范围内" in faults[("社区经费", 2, "所在行政区划")]
    assert "县委组织部" in faults[("报酬标准", 0, "")]


def test_the_export_masks_numbers_for_an_organiser_and_reimports_unchanged(county, users):
    member_id = make_id_number(D(1980, 5, 6), "男", 41)
    assert import_workbook(good_workbook(member_id), actor=Actor.command()).faults == []
    from openpyxl import load_workbook
    import io

    content = export_workbook(users["admin"], county["root"])
    rows = list(load_workbook(io.BytesIO(content))["干部"].iter_rows(values_only=True))
    assert member_id in [r[1] for r in rows]
    organiser_copy = export_workbook(users["organiser"])
    rows = list(load_workbook(io.BytesIO(organiser_copy))["干部"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["张书记", "李书记"]  # 幸福社区 is outside the township
    assert rows[1][1] == member_id[:4] + "*" * 10 + member_id[-4:]
    wb = load_workbook(io.BytesIO(organiser_copy))
    for name in wb.sheetnames:
        if name not in ("干部", "社区经费", "阵地投入", "培训"):
            del wb[name]
    buffer = io.BytesIO()
    wb.save(buffer)
    back = import_workbook(buffer.getvalue(), actor=Actor(user=users["organiser"]), scope_org=county["town_committee"])
    assert back.faults == []
    assert back.counts["干部"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert Cadre.objects.get(name="张书记").id_number == member_id
