"""The records behind a figure: as many rows as the figure counts, in the figure's scope only."""
from dangjian.core.extensions import KeyRecords, ListSource
from dangjian.reports.report import compute_report

from .conftest import FROM, TO, installed_blocks


def test_the_register_lists_as_many_records_as_each_figure_counts(county, make_member):
    make_member(county["village_branch"], sex="女")
    make_member(county["community_branch"])
    make_member(county["firm_branch"], status="停止党籍")
    for org in (county["root"], county["town_committee"], county["street_committee"]):
        report = compute_report(org, FROM, TO, blocks=installed_blocks())
        for fid in [f"F{i:02d}" for i in range(1, 14)]:
            records = report.records(fid)
            assert records is not None, fid
            assert records.count() == report.figures[fid], (org.name, fid)
    town = compute_report(county["town_committee"], FROM, TO, blocks=installed_blocks())
    names = [row[6] for row in town.records("F13").rows()]
    assert names == ["中共一村支部委员会"]  # the stopped member of the firm's branch is not counted
    assert town.records("F09").rows() == [("中共甲镇委员会", "党委", "乡镇", "中共测试县委员会")]


def test_a_figure_without_records_has_none(county):
    report = compute_report(county["root"], FROM, TO, blocks=installed_blocks())
    assert report.records("F25") is None  # a constant
    assert report.records("F14") is None  # its module is not installed here


def test_key_records_page_through_a_list():
    records = KeyRecords(("名称",), ListSource(["甲", "乙", "丙"]), lambda x: (x,))
    assert records.count() == 3 and records.rows(1, 3) == [("乙",), ("丙",)]
