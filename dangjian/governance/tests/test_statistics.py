"""Each ``governance`` key against hand-counted fixtures, scoped and at the period's edges."""
import datetime

from dangjian.governance.models import Dispute, FourWindsCase, Matter, ServiceItem, ServiceRequest
from dangjian.governance.statistics import governance

D = datetime.date
FROM, TO = D(2026, 1, 1), D(2026, 6, 30)  # previous period: 2025-07-04 .. 2025-12-31 (181 days)


def _matter(org, name, decided_on):
    return Matter.objects.create(organization=org, name=name, category="其他", opened_on=D(2025, 1, 1),
                                 last_step_on=decided_on or D(2025, 1, 1), decided_on=decided_on,
                                 status="decided" if decided_on else "open")


def _dispute(no, division, accepted, result="", closed=None):
    return Dispute.objects.create(case_no=no, division=division, category="邻里", accepted_on=accepted, result=result,
                                  closed_on=closed)


def test_each_governance_key_counts_by_hand(county):
    village, community, town = county["village"], county["community"], county["town"]
    _matter(county["village_branch"], "a", D(2026, 1, 1))  # first day: counts
    _matter(county["village_branch"], "b", D(2026, 6, 30))  # last day: counts
    _matter(county["community_branch"], "c", D(2025, 12, 31))  # day before: not
    _matter(county["community_branch"], "d", None)
    _dispute("1", village, D(2026, 1, 1), "调处成功", D(2026, 6, 30))  # resolved by --to
    _dispute("2", village, D(2026, 6, 30), "调处成功", D(2026, 7, 1))  # resolved after --to: not
    _dispute("3", town, D(2026, 3, 1), "调处不成功", D(2026, 3, 2))
    _dispute("4", community, D(2026, 3, 1), "调处成功", D(2026, 3, 2))
    _dispute("5", village, D(2025, 7, 4), "调处成功", D(2025, 8, 1))  # previous period, first day
    _dispute("6", village, D(2025, 12, 31))  # previous period, last day, open
    _dispute("7", village, D(2025, 7, 3), "调处成功", D(2025, 8, 1))  # before the previous period
    item = ServiceItem.objects.create(category="民政", name="低保", level="村级")
    ServiceItem.objects.create(category="户籍", name="落户", level="县级", stops_on=D(2026, 6, 30))  # not in use on --to
    ServiceItem.objects.create(category="就业", name="求职", level="乡镇级", starts_on=D(2026, 6, 30))  # in use
    ServiceItem.objects.create(category="民政", name="救助", level="村级", stops_on=D(2026, 7, 1))  # in use
    for i, (level, div, day) in enumerate([("村级", village, D(2026, 1, 1)), ("村级", community, D(2026, 6, 30)),
                                           ("乡镇级", town, D(2026, 2, 1)), ("县级", county["root_div"], D(2026, 2, 1)),
                                           ("村级", village, D(2025, 12, 31))]):
        ServiceRequest.objects.create(number=f"BM{i}", level=level, division=div, item=item, accepted_on=day,
                                      handled_level=level, handled_division=div)
    FourWindsCase.objects.create(case_no="S1", division=village, category="腐败", opened_on=D(2025, 1, 1),
                                 concluded_on=D(2026, 6, 30))
    FourWindsCase.objects.create(case_no="S2", division=community, category="腐败", opened_on=D(2025, 1, 1),
                                 concluded_on=D(2026, 1, 1))
    FourWindsCase.objects.create(case_no="S3", division=village, category="腐败", opened_on=D(2025, 1, 1),
                                 concluded_on=D(2025, 12, 31))
    FourWindsCase.objects.create(case_no="S4", division=village, category="腐败", opened_on=D(2026, 1, 1))

    block = governance(None, TO, FROM, TO)
    assert block == {
        "matters_decided": 2, "disputes_accepted": 4, "disputes_resolved": 2,
        "dispute_resolution_rate": 0.5, "dispute_resolution_rate_previous": 0.5,
        "dispute_resolution_rate_change": 0.0, "service_requests": 4,
        "service_requests_by_level": {"county": 1, "township": 1, "village": 2},
        "four_winds_cases": 2, "service_categories": 2, "service_items": 3,
        "service_requests_closed": 0, "service_average_days": None,
    }
    town_block = governance(county["town_committee"], TO, FROM, TO)
    assert (town_block["matters_decided"], town_block["disputes_accepted"], town_block["disputes_resolved"]) == (2, 3, 1)
    assert town_block["dispute_resolution_rate"] == 0.3333 and town_block["dispute_resolution_rate_previous"] == 0.5
    assert town_block["dispute_resolution_rate_change"] == -0.1667
    assert town_block["service_requests_by_level"] == {"county": 0, "township": 1, "village": 1}
    assert town_block["four_winds_cases"] == 1 and town_block["service_items"] == 3  # the catalogue is not scoped
    street = governance(county["street_committee"], TO, FROM, TO)
    assert street["dispute_resolution_rate"] == 1.0 and street["dispute_resolution_rate_previous"] is None
    assert street["dispute_resolution_rate_change"] is None


def test_the_records_behind_each_key_are_the_rows_it_counts(county):
    from dangjian.governance.statistics import BLOCKS

    block = BLOCKS[0]
    assert block.has_data(None, TO) is False
    _matter(county["village_branch"], "已公开", D(2026, 2, 1))
    _matter(county["village_branch"], "未公开", None)
    _dispute("1", county["village"], D(2026, 1, 1), "调处成功", D(2026, 1, 2))
    _dispute("2", county["community"], D(2026, 1, 1))
    item = ServiceItem.objects.create(category="民政", name="低保", level="村级")
    ServiceRequest.objects.create(number="BM1", level="村级", division=county["village"], item=item,
                                  accepted_on=D(2026, 1, 1), handled_level="村级", handled_division=county["village"])
    assert block.has_data(county["town_committee"], TO) is True
    rows = block.records(None, TO, FROM, TO, "matters_decided")
    assert rows.count() == 1 and rows.rows()[0][1] == "已公开"
    assert block.records(None, TO, FROM, TO, "disputes_accepted").count() == 2
    assert block.records(county["town_committee"], TO, FROM, TO, "disputes_resolved").rows()[0][0] == "1"
    assert block.records(None, TO, FROM, TO, "service_requests_by_level.village").count() == 1
    assert block.records(None, TO, FROM, TO, "service_requests_by_level.county").count() == 0
    assert block.records(None, TO, FROM, TO, "dispute_resolution_rate") is None
