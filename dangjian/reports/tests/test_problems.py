"""二、存在问题 drafted from evidence: each point from a block's figures, citing them; 暂无数据 for a
module without data; no point where the evidence shows no problem."""
from dangjian.reports.problems import draft
from dangjian.reports.report import compute_report

from .conftest import FROM, TO, fake_block, installed_blocks


def _points(report):
    return {p.title: p for p in draft(report)}


def test_it_drafts_each_point_from_its_blocks_figures(county):
    blocks = installed_blocks("organisational_life") + [
        fake_block("two_new", {"units": 10, "units_with_party_organization": 7, "coverage_rate": 0.7}),
        fake_block("accountability", {"problems_found": 9, "recurring": 2, "open": 5, "overdue": 3,
                                      "bottom_places_undecided": 1, "results_without_decision": 4}),
        fake_block("organisational_life", {"required_slots": 120, "met_slots": 100, "compliance_rate": 0.8333,
                                           "branches_short": 2,
                                           "branches_short_named": [{"name": "一村支部", "missed": 12},
                                                                    {"name": "二村支部", "missed": 8}]}),
    ]
    points = _points(compute_report(county["root"], FROM, TO, blocks=blocks))
    two_new = points["“两新”组织党组织覆盖还有空白。"]
    assert "排查登记的“两新”组织10个，其中尚未建立党组织的3个，党组织覆盖率70.0%" in two_new.text
    assert two_new.cited == "排查“两新”组织数10；已建党组织的7；覆盖率70.0%"
    orglife = points["基层党组织制度落实不规范。"]
    assert "应开展组织生活120项次，已开展100项次，完成率83.3%；有2个党支部未按规定开展组织生活，如一村支部（未开展12项次）、二村支部（未开展8项次）" in orglife.text
    assert "organisational_life.branches_short" in orglife.cited_keys
    rect = points["对党建问题整改抓得不够深入。"]
    assert "尚未销号的问题5个，其中超过整改时限的3个" in rect.text and "反复出现的2个" in rect.text
    assert "有1个尚未记录问责或处理决定" in points["对党建责任落实抓得不够到位。"].text
    assert "有4项考核结果没有运用" in points["对党建考核结果运用不够充分。"].text
    assert not any(p.no_data for p in points.values() if p.title != "发展党员工作程序落实不够及时。")


def test_it_says_no_data_for_modules_without_data_and_invents_nothing(county):
    points = _points(compute_report(county["root"], FROM, TO, blocks=installed_blocks("organisational_life")))
    for title in ("“两新”组织党组织覆盖还有空白。", "基层党组织制度落实不规范。", "对党建问题整改抓得不够深入。",
                  "对党建考核结果运用不够充分。", "发展党员工作程序落实不够及时。"):
        assert points[title].no_data and points[title].text.startswith("暂无数据"), title
        assert not points[title].citations


def test_it_leaves_out_a_point_whose_evidence_shows_no_problem(county):
    blocks = installed_blocks() + [fake_block("two_new", {"units": 4, "units_with_party_organization": 4,
                                                          "coverage_rate": 1.0})]
    assert "“两新”组织党组织覆盖还有空白。" not in _points(compute_report(county["root"], FROM, TO, blocks=blocks))
