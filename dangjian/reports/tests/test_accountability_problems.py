"""二、存在问题 from the assessment module's records: the bottom places of the plans published in the period
that have no accountability decision, and the published plans whose results fed no decision, named with
their organisations and plans and cited with the block's figures (``accountability`` extra keys)."""
import datetime
from decimal import Decimal

import pytest

from dangjian.assessment import services
from dangjian.assessment.statistics import accountability, records
from dangjian.core.actor import Actor
from dangjian.reports.problems import draft
from dangjian.reports.report import compute_report

from .conftest import FROM, TO

D = datetime.date
BRANCHES = ("village_branch", "firm_branch", "community_branch")


@pytest.fixture
def plans(county, users):
    """Three plans of the county committee, each ranking the three branches 90/80/70 (the last flagged):
    - 年度: published in the period, no decision on its last place, no result used → counted by both keys;
    - 专项: published in the period, its last place decided and its results used → counted by neither;
    - 下半年: published after the period → counted by neither."""
    admin = Actor(users["admin"])

    def plan(name, published, decide=False, use=False):
        p = services.create_plan(actor=admin, owner=county["root"], name=name, kind="year_end",
                                 date_from=D(2025, 1, 1), date_to=D(2025, 12, 31), bottom_places=1)
        services.add_targets(p, actor=admin, organizations=[county[k] for k in BRANCHES], peer_group="党支部")
        ind = services.add_indicator(p, actor=admin, area="综合", name="综合评价", points=Decimal("100"), kind="scored")
        services.start_scoring(p, actor=admin)
        for key, score in zip(BRANCHES, (90, 80, Decimal("70.5"))):
            services.score_indicator(p.targets.get(organization=county[key]), ind, actor=admin, score=score)
        services.publish(p, actor=admin, day=published)
        if decide:
            services.record_decision(p.targets.get(organization=county["community_branch"]), actor=admin,
                                     kind="约谈", reason="县委组织部约谈支部书记", decided_on=published)
        if use:
            services.record_use(p, actor=admin, kind="表彰奖励", decision="表彰先进基层党组织", decided_on=published,
                                decided_by="县委", organization=county["village_branch"])
        return p

    return [plan("2025年度基层党建考核", D(2026, 1, 20)), plan("2026年专项考核", D(2026, 4, 10), decide=True, use=True),
            plan("2026年下半年考核", D(2026, 7, 10))]


def test_the_block_counts_and_lists_undecided_bottom_places_and_unused_results(county, plans):
    block = accountability(None, TO, FROM, TO)
    assert (block["bottom_places_undecided"], block["results_without_decision"]) == (1, 1)
    assert list(block)[:6] == ["problems_found", "signed_off", "signed_off_on_time", "recurring", "open", "overdue"]
    assert records(None, TO, FROM, TO, "bottom_places_undecided").rows() == [
        ("中共幸福社区支部委员会", "2025年度基层党建考核", "党支部", "3/3", Decimal("70.50"), D(2026, 1, 20))]
    assert records(None, TO, FROM, TO, "results_without_decision").rows() == [
        ("2025年度基层党建考核", "中共测试县委员会", "2025-01-01至2025-12-31", D(2026, 1, 20), 3)]
    # A township organised none of these plans.
    town = accountability(county["town_committee"], TO, FROM, TO)
    assert (town["bottom_places_undecided"], town["results_without_decision"]) == (0, 0)


def test_the_report_names_the_organisations_and_plans_and_cites_the_figures(county, plans):
    points = {p.title: p for p in draft(compute_report(county["root"], FROM, TO))}

    duty = points["对党建责任落实抓得不够到位。"]
    assert not duty.no_data
    assert ("2026年1月1日至2026年6月30日公布的考核结果中，排序末位的单位有1个尚未记录问责或处理决定，"
            "如中共幸福社区支部委员会（在《2025年度基层党建考核》排第3名（共3个），70.5分）") in duty.text
    assert duty.cited_keys == "末位未作决定1（accountability.bottom_places_undecided）"

    use = points["对党建考核结果运用不够充分。"]
    assert not use.no_data
    assert ("有1项考核结果没有运用到评优评先、提拔任用或教育培训的决定中，"
            "如中共测试县委员会《2025年度基层党建考核》（2026年1月20日公布，考核3个党组织）") in use.text
    assert use.cited_keys == "未运用的考核结果1（accountability.results_without_decision）"
    assert "2026年专项考核" not in duty.text + use.text and "下半年" not in duty.text + use.text


def test_the_report_page_cites_in_chinese_with_the_statistics_keys_only_on_hover(county, plans, users, client_for):
    import re

    from django.urls import reverse

    html = client_for(users["admin"]).get(reverse("reports:index") + "?from=2026-01-01&to=2026-06-30").content.decode()
    visible = re.sub(r'title="[^"]*"', "", html)
    assert "依据：末位未作决定1" in visible and "依据：未运用的考核结果1" in visible
    assert "accountability.bottom_places_undecided" not in visible and "<code>accountability</code>" not in visible
    assert 'title="末位未作决定1（accountability.bottom_places_undecided）"' in html
