"""Every key of the ``cadres`` block against a hand-counted fixture, for the county and a subtree."""
import datetime
from decimal import Decimal

import pytest

from dangjian.cadres.models import CommunityFund, PayStandard, TrainingAttendance, TrainingClass, VenueInvestment
from dangjian.cadres.statistics import cadres
from dangjian.conftest import make_id_number

pytestmark = pytest.mark.django_db
D = datetime.date
FROM, TO = D(2025, 7, 1), D(2026, 6, 30)


@pytest.fixture
def world(county, cadre_factory):
    from dangjian.register.models import Division, Organization

    street = county["street"]
    c1 = county["community"]  # 幸福社区, 城市社区
    c2 = Division(name="和平社区", category="村改居社区")
    c2.assign_path(street)
    c2.save()
    c3 = Division(name="空白社区", category="城市社区")  # a community with nobody and no funds
    c3.assign_path(street)
    c3.save()
    b2 = Organization(name="和平社区党支部", org_type="党支部", unit_type="社区", division=c2)
    b2.assign_path(county["street_committee"])
    b2.save()
    b1 = county["community_branch"]
    # 专职副书记: 幸福 2 serving on --to (one starts on --to), one ended on --to; 和平 1; 空白 0.
    cadre_factory(b1, "副甲", "专职副书记", D(2024, 1, 1))
    cadre_factory(b1, "副乙", "专职副书记", TO)
    cadre_factory(b1, "副丙", "专职副书记", D(2024, 1, 1), TO)
    cadre_factory(b2, "副丁", "专职副书记", D(2024, 1, 1))
    cadre_factory(b2, "副戊", "专职副书记", D(2026, 7, 1))  # starts the day after --to
    # 后备干部: 幸福 3, 和平 0, 空白 0; a reserve in a village (not a community) is not counted.
    for n in ("备1", "备2", "备3"):
        cadre_factory(b1, n, "后备干部", D(2023, 1, 1))
    cadre_factory(county["village_branch"], "村备", "后备干部", D(2023, 1, 1))
    # 书记 serving on --to: 幸福 (ID number), 和平, 一村, 企业; 街道党工委's ended on --to.
    id_secretary = make_id_number(D(1975, 3, 3), "女", 5)
    s1 = cadre_factory(b1, "幸福书记", "书记", D(2020, 1, 1), id_number=id_secretary)
    cadre_factory(b2, "和平书记", "书记", D(2020, 1, 1))
    cadre_factory(county["village_branch"], "一村书记", "书记", D(2020, 1, 1))
    cadre_factory(county["firm_branch"], "企业书记", "书记", D(2020, 1, 1))
    cadre_factory(county["street_committee"], "街道书记", "书记", D(2020, 1, 1), TO)
    # Pay standards.
    for cat, post, amount, day in (("城市社区", "书记", 3500, D(2021, 7, 1)), ("城市社区", "书记", 4300, D(2025, 7, 2)),
                                   ("城市社区", "书记", 5000, D(2026, 7, 1)), ("村改居社区", "书记", 3000, FROM),
                                   ("城市社区", "专职副书记", 9999, FROM)):
        PayStandard.objects.create(category=cat, post=post, amount=Decimal(amount), effective_on=day)
    # Funds 2026: 幸福 100+50.5 (党建 missing), 和平 3×100000; 空白 none → min 0; 2025 ignored.
    CommunityFund.objects.create(division=c1, year=2026, category="社区工作经费", amount=Decimal("100000"))
    CommunityFund.objects.create(division=c1, year=2026, category="服务群众专项经费", amount=Decimal("50000.50"))
    for cat in ("社区工作经费", "党建工作经费", "服务群众专项经费"):
        CommunityFund.objects.create(division=c2, year=2026, category=cat, amount=Decimal("100000"))
    CommunityFund.objects.create(division=c3, year=2025, category="社区工作经费", amount=Decimal("1"))
    # Investments: on --from and --to count, the days outside do not; the street's own division counts for it.
    VenueInvestment.objects.create(division=c1, project="甲", invested_on=FROM, amount=Decimal("100.10"))
    VenueInvestment.objects.create(division=street, project="乙", invested_on=TO, amount=Decimal("200.20"))
    VenueInvestment.objects.create(division=c1, project="丙", invested_on=D(2025, 6, 30), amount=Decimal("1000"))
    VenueInvestment.objects.create(division=county["village"], project="丁", invested_on=D(2026, 1, 1), amount=Decimal("5"))
    # Training: 幸福书记 by ID number (listed under another organisation), 一村书记 by name and organisation,
    # 企业书记 trained only before the period; 和平书记 not trained.
    tc = TrainingClass.objects.create(name="书记班", started_on=D(2025, 9, 8), ended_on=D(2025, 9, 12), hours=32,
                                      organization=county["root"])
    old = TrainingClass.objects.create(name="旧班", started_on=D(2025, 6, 30), ended_on=D(2025, 7, 3), hours=8,
                                       organization=county["root"])
    a = TrainingAttendance(training=tc, name="幸福社区的书记", organization=county["street_committee"], role="书记")
    a.id_number = id_secretary
    a.save()
    TrainingAttendance.objects.create(training=tc, name="一村书记", organization=county["village_branch"], role="书记")
    TrainingAttendance.objects.create(training=old, name="企业书记", organization=county["firm_branch"], role="书记")
    return {"s1": s1, "b2": b2}


def test_every_cadres_key_for_the_county(world):
    assert cadres(None, TO, FROM, TO) == {
        "communities": 3,
        "full_time_deputy_secretaries": 3,
        "full_time_deputies_per_community": {"min": 0, "max": 2},
        "reserve_cadres": 3,
        "reserve_cadres_per_community": {"min": 0, "max": 3},
        "secretary_pay": {"urban_community": {"before": 3500.0, "now": 4300.0},
                          "village_to_community": {"before": 3000.0, "now": 3000.0}},
        "community_funds_min": 0.0,
        "facility_investment": 305.3,
        "secretaries": 4,
        "secretaries_trained": 2,
        "secretaries_trained_rate": 0.5,
    }


def test_every_cadres_key_for_a_township_subtree(world, county):
    block = cadres(county["town_committee"], TO, FROM, TO)
    assert block == {
        "communities": 0,
        "full_time_deputy_secretaries": 0,
        "full_time_deputies_per_community": {"min": None, "max": None},
        "reserve_cadres": 0,
        "reserve_cadres_per_community": {"min": None, "max": None},
        "secretary_pay": {"urban_community": {"before": 3500.0, "now": 4300.0},
                          "village_to_community": {"before": 3000.0, "now": 3000.0}},
        "community_funds_min": None,
        "facility_investment": 5.0,
        "secretaries": 2,
        "secretaries_trained": 1,
        "secretaries_trained_rate": 0.5,
    }
    street = cadres(county["street_committee"], TO, FROM, TO)
    assert street["communities"] == 3 and street["secretaries"] == 2 and street["secretaries_trained"] == 1
    assert street["facility_investment"] == 300.3


def test_no_secretaries_and_no_standards_give_nulls(db, county):
    block = cadres(None, TO, FROM, TO)
    assert block["secretaries_trained_rate"] is None and block["secretary_pay"]["urban_community"] == {
        "before": None, "now": None}
    assert block["full_time_deputies_per_community"] == {"min": 0, "max": 0}  # 幸福社区 exists, with nobody


def test_the_records_behind_each_key_are_the_rows_counted(world, county):
    from dangjian.cadres.statistics import BLOCKS, has_data

    block = BLOCKS[0]
    deputies = block.records(None, TO, FROM, TO, "full_time_deputy_secretaries")
    assert deputies.count() == 3 and {r[2] for r in deputies.rows()} == {"副甲", "副乙", "副丁"}
    trained = block.records(None, TO, FROM, TO, "secretaries_trained")
    assert {r[1] for r in trained.rows()} == {"幸福书记", "一村书记"}
    assert block.records(None, TO, FROM, TO, "facility_investment").count() == 3
    funds = block.records(None, TO, FROM, TO, "community_funds_min").rows()
    assert funds[0] == ("空白社区", 0)
    assert block.records(None, TO, FROM, TO, "no_such_key") is None
    assert has_data(None, TO) and not has_data(county["town_committee"], D(2000, 1, 1))
