"""Each figure id resolves to its party_stats key; missing modules give null and the id in missing;
money in 万元 and rate changes in points, rounded half up."""
import datetime

import pytest

from dangjian.reports.figures import BY_ID, FIGURE_IDS, FIGURES, MONEY, RATE_CHANGE, convert, resolve
from dangjian.reports.report import compute_report

from .conftest import FROM, TO, fake_block, installed_blocks


def test_it_defines_f01_to_f46_in_order():
    assert FIGURE_IDS == [f"F{i:02d}" for i in range(1, 47)]


def test_it_resolves_each_figure_to_its_key_for_a_fixture_county(county, make_member, second_wave):
    make_member(county["village_branch"], sex="女")
    make_member(county["community_branch"])
    report = compute_report(county["root"], FROM, TO, blocks=installed_blocks() + second_wave)
    stats = report.stats
    # Every non-constant figure equals the value at its key(s) in the statistics, converted.
    for fig in FIGURES:
        if fig.kind == "constant":
            assert report.figures[fig.id] == 35
            continue
        if not report.states[fig.block].has_data:
            # Recruitment, organisational life and the platform hold nothing in this fixture.
            assert fig.block in ("recruitment", "organisational_life", "platform")
            assert report.figures[fig.id] is None and fig.id in report.missing, fig.id
            continue
        raws = []
        for key in fig.keys:
            value = stats[fig.block]
            for part in key.split("."):
                value = value[part]
            raws.append(value)
        assert report.figures[fig.id] == convert(fig, sum(raws) if len(raws) > 1 else raws[0]), fig.id
    f = report.figures
    assert (f["F01"], f["F02"], f["F03"], f["F04"], f["F05"], f["F06"], f["F07"]) == (0, 1, 1, 1, 1, 1, 0)
    assert (f["F08"], f["F09"], f["F10"], f["F11"], f["F12"], f["F13"]) == (5, 2, 0, 0, 3, 2)
    assert f["F14"] == 12 and f["F15"] == -1.3 and f["F16"] == 3456 and f["F35"] == 7
    assert f["F38"] == 1234.6  # 12,345,678.9 yuan
    assert f["F46"] == 12.5 and f["F39"] == 1 and (f["F40"], f["F41"]) == (3, 5)
    assert (f["F42"], f["F43"], f["F44"], f["F45"]) == (2500, 2200, 3200, 3000)
    assert report.missing == [f.id for f in FIGURES
                              if f.block in ("recruitment", "organisational_life", "platform") and f.kind != "constant"]


def test_it_sums_committees_and_working_committees_for_f09(county):
    report = compute_report(county["root"], FROM, TO, blocks=installed_blocks())
    assert report.stats["organizations"]["committee"] == 1
    assert report.stats["organizations"]["working_committee"] == 1
    assert report.figures["F09"] == 2


@pytest.mark.parametrize("yuan, wan", [(12500, 1.3), (12499.99, 1.2), (125000, 12.5), (0, 0.0), (1234567.89, 123.5)])
def test_it_converts_yuan_to_wan_with_one_decimal_half_up(yuan, wan):
    assert convert(BY_ID["F38"], yuan) == wan
    assert BY_ID["F38"].kind == MONEY


@pytest.mark.parametrize("fraction, points", [(0.0125, 1.3), (-0.0125, -1.3), (0.0124, 1.2), (0.0, 0.0), (0.1, 10.0)])
def test_it_converts_a_rate_change_to_points_half_up(fraction, points):
    assert convert(BY_ID["F15"], fraction) == points
    assert BY_ID["F15"].kind == RATE_CHANGE


def test_it_gives_null_and_lists_the_figures_of_modules_that_are_not_installed(county):
    report = compute_report(county["root"], FROM, TO, blocks=installed_blocks())
    absent = {f.id for f in FIGURES if f.block in ("governance", "co_building", "cadres")}
    assert absent and absent <= set(report.missing)
    assert all(report.figures[i] is None for i in absent)
    assert report.states["governance"].status == "模块未安装"
    # The register's figures are real zeros, never missing.
    assert report.figures["F02"] == 1 and "F02" not in report.missing


def test_it_treats_a_block_that_says_it_holds_no_data_as_missing_not_zero(county):
    empty = fake_block("governance", {"matters_decided": 0, "service_requests": 0}, has_data=lambda org, day: False)
    report = compute_report(county["root"], FROM, TO, blocks=installed_blocks() + [empty])
    assert report.figures["F14"] is None and "F14" in report.missing
    assert report.states["governance"].status == "本范围暂无数据"


def test_it_prints_a_real_zero_when_the_block_has_data_elsewhere_in_time(county):
    zero = fake_block("governance", {"matters_decided": 0, "dispute_resolution_rate_change": None},
                      has_data=lambda org, day: True)
    report = compute_report(county["root"], FROM, TO, blocks=installed_blocks() + [zero])
    assert report.figures["F14"] == 0 and "F14" not in report.missing
    # A null key (a rate without denominator) is missing on its own.
    assert report.figures["F15"] is None and "F15" in report.missing


def test_it_judges_a_block_without_has_data_by_its_numbers(county):
    all_zero = fake_block("co_building", {"participating_organizations": 0, "brands": 0, "period": {"from": "x"}})
    report = compute_report(county["root"], FROM, TO, blocks=installed_blocks() + [all_zero])
    assert report.figures["F18"] is None and "F18" in report.missing
    some = fake_block("co_building", {"participating_organizations": 0, "brands": 2})
    report = compute_report(county["root"], FROM, TO, blocks=installed_blocks() + [some])
    assert report.figures["F18"] == 0 and report.figures["F35"] == 2


def test_it_counts_only_the_townships_data_in_a_townships_report(county, make_member):
    make_member(county["village_branch"])
    make_member(county["firm_branch"])
    make_member(county["community_branch"])
    town = compute_report(county["town_committee"], FROM, TO, blocks=installed_blocks())
    assert town.figures["F13"] == 2 and town.figures["F08"] == 3 and town.figures["F04"] == 1
    assert town.figures["F03"] == 0 and town.figures["F06"] == 0
    assert town.names["地名"] == "甲镇" and town.names["全域"] == "全镇"
    whole = compute_report(county["root"], FROM, TO, blocks=installed_blocks())
    assert whole.figures["F13"] == 3


def test_it_resolves_none_for_an_absent_block():
    assert resolve(BY_ID["F13"], None) is None
    assert resolve(BY_ID["F25"], None) == 35


def test_default_period_starts_four_years_back():
    from dangjian.reports.report import default_period

    assert default_period(datetime.date(2023, 5, 6)) == (datetime.date(2019, 1, 1), datetime.date(2023, 5, 6))


def test_an_installed_module_with_no_rows_in_the_scope_leaves_its_figures_blank(county):
    from dangjian.core.extensions import stats_blocks

    cadres = [b for b in stats_blocks() if b.key == "cadres"]
    if not cadres:
        pytest.skip("the cadres app is not installed")
    report = compute_report(county["root"], FROM, TO, blocks=installed_blocks() + cadres)
    # The county has communities but no cadre, fund or investment recorded: blanks, not 0.
    assert report.stats["cadres"]["communities"] == 1
    assert report.figures["F38"] is None and report.figures["F39"] is None and "F38" in report.missing


def test_the_county_service_catalogue_alone_does_not_make_a_township_hold_governance_data(county):
    from dangjian.core.extensions import stats_blocks

    governance = [b for b in stats_blocks() if b.key == "governance"]
    if not governance:
        pytest.skip("the governance app is not installed")
    report = compute_report(county["town_committee"], FROM, TO, blocks=installed_blocks() + governance)
    assert report.states["governance"].has_data is False
    assert report.figures["F14"] is None and "F16" in report.missing
