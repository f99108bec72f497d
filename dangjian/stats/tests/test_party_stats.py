"""Every contract key of compute_party_stats against the hand-counted ``world`` (see conftest.py)."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from dangjian.core.extensions import StatsBlock
from dangjian.register.rules import age_on
from dangjian.register.statistics import born_by
from dangjian.stats.services import compute_party_stats

from .conftest import AS_OF


def test_it_counts_members_in_good_standing_by_every_contract_key(world):
    m = compute_party_stats(as_of=AS_OF)["members"]

    # 16 正常 members; 停止党籍 only in "suspended"; 已转出 nowhere.
    assert m["total"] == 16
    assert m["full"] == 14  # full_on == as_of is full ...
    assert m["probationary"] == 2  # ... the day after is probationary, and so is no full_on at all
    assert m["female"] == 2
    assert m["ethnic_minority"] == 1
    assert m["college_or_above"] == 15  # 大学专科 counts, 中等专科 does not
    assert m["floating"] == 1
    assert m["in_two_new"] == 2  # 非公有制企业 and 社会组织 branches
    assert m["suspended"] == 1


def test_it_puts_ages_in_bands_by_whole_years_on_as_of(world):
    bands = compute_party_stats(as_of=AS_OF)["members"]["age_bands"]

    assert bands == {
        "30_and_under": 2,  # 30 today; and 30 until tomorrow (the suspended one, also 30 today, is not counted)
        "31_35": 1,  # 31 today
        "36_40": 0, "41_45": 0,
        "46_50": 11,  # the defaults, born 1980-05-06
        "51_55": 0,
        "56_60": 1,  # 61 tomorrow
        "61_and_over": 1,  # 61 today
    }
    assert sum(bands.values()) == compute_party_stats(as_of=AS_OF)["members"]["total"]


def test_it_judges_probation_and_age_on_the_as_of_day(world):
    day_after = compute_party_stats(as_of=AS_OF + datetime.timedelta(days=1))["members"]

    assert day_after["full"] == 15
    assert day_after["probationary"] == 1
    assert day_after["age_bands"]["30_and_under"] == 1
    assert day_after["age_bands"]["31_35"] == 2
    assert day_after["age_bands"]["56_60"] == 0
    assert day_after["age_bands"]["61_and_over"] == 2


@pytest.mark.parametrize("as_of, birth, band", [
    # Born 29 February: in a common year they are a year older only from 1 March (age_on).
    (datetime.date(2027, 2, 28), datetime.date(1996, 2, 29), "30_and_under"),
    (datetime.date(2027, 3, 1), datetime.date(1996, 2, 29), "31_35"),
    (datetime.date(2027, 2, 28), datetime.date(1996, 2, 28), "31_35"),
    # as_of itself a 29 February.
    (datetime.date(2028, 2, 29), datetime.date(1997, 2, 28), "31_35"),
    (datetime.date(2028, 2, 29), datetime.date(1997, 3, 1), "30_and_under"),
])
def test_it_counts_29_february_birthdays_like_age_on(county, make_member, as_of, birth, band):
    make_member(county["village_branch"], birth=birth, joined=datetime.date(2020, 1, 1), full=datetime.date(2021, 1, 1))

    bands = compute_party_stats(as_of=as_of)["members"]["age_bands"]

    assert bands[band] == 1
    assert sum(bands.values()) == 1


@given(birth=st.dates(datetime.date(1900, 1, 1), datetime.date(2030, 12, 31)),
       as_of=st.dates(datetime.date(1950, 1, 1), datetime.date(2040, 12, 31)),
       age=st.integers(0, 100))
def test_it_finds_the_last_birth_date_of_an_age_exactly_as_age_on_counts(birth, as_of, age):
    assert (age_on(birth, as_of) >= age) == (birth <= born_by(as_of, age))


def test_it_counts_divisions_by_category_without_the_county(world):
    d = compute_party_stats(as_of=AS_OF)["divisions"]

    assert d == {"township": 1, "town": 1, "subdistrict": 1, "village": 2, "urban_community": 1,
                 "village_to_community": 1, "community": 2}


def test_it_counts_divisions_in_the_subtree_of_the_organisations_division(world):
    street = compute_party_stats(world["street_committee"], as_of=AS_OF)["divisions"]
    firm = compute_party_stats(world["firm_branch"], as_of=AS_OF)["divisions"]  # its division is 甲镇 itself
    village = compute_party_stats(world["village_branch"], as_of=AS_OF)["divisions"]

    assert street == {"township": 0, "town": 0, "subdistrict": 1, "village": 0, "urban_community": 1,
                      "village_to_community": 1, "community": 2}
    assert firm == {"township": 0, "town": 1, "subdistrict": 0, "village": 1, "urban_community": 0,
                    "village_to_community": 0, "community": 0}
    assert village["village"] == 1 and sum(village.values()) == 1


def test_the_divisions_and_the_cadres_blocks_count_communities_from_one_query(world):
    """Within one party_stats the divisions by category are asked once (with the organisations); the
    cadres' communities (its block over no cadre record) are the divisions block's, for each subtree."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.register.statistics import division_counts

    for org, communities in ((None, 2), (world["root"], 2), (world["street_committee"], 2),
                             (world["firm_branch"], 0), (world["general_branch"], 1)):
        with CaptureQueriesContext(connection) as ctx:
            stats = compute_party_stats(org, as_of=AS_OF)
        assert stats["cadres"]["communities"] == stats["divisions"]["community"] == communities, org
        by_category = [q for q in ctx.captured_queries if '"register_division"."category"' in q["sql"]]
        assert len(by_category) == 1, org
    # Outside party_stats every call asks the database (nothing kept between requests).
    with CaptureQueriesContext(connection) as ctx:
        division_counts(None)
        division_counts(None)
    assert len(ctx.captured_queries) == 2


def test_it_counts_active_grassroots_organisations_without_the_county_committee(world):
    o = compute_party_stats(as_of=AS_OF)["organizations"]

    # 县委 and the stopped branch (中共丙乡原林场支部委员会) are not counted.
    assert {k: o[k] for k in ("committee", "working_committee", "general_branch", "joint_branch", "branch", "total")} == {
        "committee": 2, "working_committee": 1, "general_branch": 1, "joint_branch": 1, "branch": 5, "total": 10,
    }


def test_it_counts_an_inactive_organisation_again_once_it_is_restored(world):
    from dangjian.register.models import Organization

    Organization.objects.filter(pk=world["closed_branch"].pk).update(is_active=True)

    o = compute_party_stats(as_of=AS_OF)["organizations"]

    assert o["branch"] == 6 and o["total"] == 11


def test_it_counts_the_organisation_itself_and_its_subtree(world):
    street = compute_party_stats(world["street_committee"], as_of=AS_OF)["organizations"]
    branch = compute_party_stats(world["village_branch"], as_of=AS_OF)["organizations"]
    county = compute_party_stats(world["root"], as_of=AS_OF)["organizations"]

    assert (street["working_committee"], street["general_branch"], street["joint_branch"], street["branch"],
            street["total"]) == (1, 1, 1, 2, 5)
    assert street["committee"] == 0
    assert branch["branch"] == 1 and branch["total"] == 1
    assert county["total"] == 10  # --org naming the 县委: its subtree, still without the 县委 itself


def test_it_counts_members_of_the_subtree_only(world):
    town = compute_party_stats(world["town_committee"], as_of=AS_OF)["members"]
    street = compute_party_stats(world["street_committee"], as_of=AS_OF)["members"]
    whole = compute_party_stats(as_of=AS_OF)["members"]

    assert town["total"] == 14 and street["total"] == 2 and whole["total"] == 16
    assert (town["suspended"], street["suspended"]) == (1, 0)
    assert (town["in_two_new"], street["in_two_new"]) == (1, 1)
    assert (town["female"], street["female"]) == (1, 1)
    assert compute_party_stats(world["township_committee"], as_of=AS_OF)["members"]["total"] == 0


def test_it_counts_a_member_again_after_status_returns_to_normal(world):
    from dangjian.register.models import Member

    Member.objects.filter(pk=world["members"]["suspended"].pk).update(status="正常")

    m = compute_party_stats(as_of=AS_OF)["members"]

    assert (m["total"], m["suspended"], m["female"], m["in_two_new"]) == (17, 0, 3, 3)


def test_it_puts_as_of_first_and_defaults_the_period_to_the_year_so_far(world):
    seen = []
    block = StatsBlock(key="probe", label="探针", compute=lambda *args: seen.append(args) or {"n": 1})

    stats = compute_party_stats(world["root"], as_of=AS_OF, blocks=[block])

    assert list(stats)[0] == "as_of" and stats["as_of"] == "2026-06-30"
    assert stats["period"] == {"from": "2026-01-01", "to": "2026-06-30"}
    assert seen == [(world["root"], AS_OF, datetime.date(2026, 1, 1), AS_OF)]
    assert stats["probe"] == {"n": 1}


def test_it_refuses_a_period_that_ends_before_it_starts(db):
    with pytest.raises(ValidationError, match="起始日期2026-05-02晚于截止日期2026-05-01"):
        compute_party_stats(as_of=AS_OF, date_from=datetime.date(2026, 5, 2), date_to=datetime.date(2026, 5, 1))
    # The same day at both ends is a valid one-day period.
    stats = compute_party_stats(as_of=AS_OF, date_from=datetime.date(2026, 5, 1), date_to=datetime.date(2026, 5, 1))
    assert stats["period"] == {"from": "2026-05-01", "to": "2026-05-01"}


def test_it_gathers_every_apps_blocks_once(world):
    stats = compute_party_stats(as_of=AS_OF)

    assert [k for k in stats if k in ("divisions", "organizations", "members")] == ["divisions", "organizations", "members"]


def test_it_words_the_reports_paragraph_for_the_scope(world):
    from dangjian.register.models import Organization
    from dangjian.stats.services import report_paragraph

    organs = Organization(name="中共测试县直属机关工作委员会", org_type="党工委", unit_type="机关",
                          division=world["root_div"])
    organs.assign_path(world["root"])
    organs.save()

    def paragraph(org):
        return report_paragraph(compute_party_stats(org, as_of=AS_OF), org)

    assert paragraph(world["root"]).startswith("测试县辖1个乡、1个镇、1个街道，2个村、2个社区（其中城市社区1个，村改居社区1个）。全县共设基层党组织11个")
    # An organisation of the county's own division is not the county: its own subtree, under its own name.
    assert paragraph(organs).endswith("。中共测试县直属机关工作委员会共设基层党组织1个，其中党（工）委1个、党总支0个、联合党支部0个，党支部0个，党员0名。")
    assert paragraph(world["street_committee"]) == (
        "乙街道辖0个村、2个社区（其中城市社区1个，村改居社区1个）。中共乙街道工作委员会共设基层党组织5个，"
        "其中党（工）委1个、党总支1个、联合党支部1个，党支部2个，党员2名。")
    assert paragraph(world["community_branch"]) == (
        "中共幸福社区支部委员会共设基层党组织1个，其中党（工）委0个、党总支0个、联合党支部0个，党支部1个，党员1名。")


def test_it_breaks_members_down_for_the_page_with_the_same_rules(world):
    m = compute_party_stats(as_of=AS_OF)["members"]

    assert m["male"] == 14
    assert m["by_education"]["大学本科"] == 14 and m["by_education"]["大学专科"] == 1
    assert m["by_education"]["中等专科"] == 1 and sum(m["by_education"].values()) == 16
    assert m["by_occupation"]["工人"] == 16 and sum(m["by_occupation"].values()) == 16
    assert m["by_ethnicity"] == {"汉族": 15, "壮族": 1}  # the suspended and transferred 壮族 members are not here


@pytest.mark.parametrize("joined, era", [
    (datetime.date(1949, 9, 30), "before_1949_10"),
    (datetime.date(1949, 10, 1), "1949_10_to_1978_12"),
    (datetime.date(1978, 12, 31), "1949_10_to_1978_12"),
    (datetime.date(1979, 1, 1), "1979_01_to_2012_11"),
    (datetime.date(2012, 11, 30), "1979_01_to_2012_11"),
    (datetime.date(2012, 12, 1), "since_2012_12"),
])
def test_it_counts_joining_eras_by_the_day(county, make_member, joined, era):
    make_member(county["village_branch"], birth=datetime.date(1920, 1, 1), joined=joined, full=None)

    eras = compute_party_stats(as_of=AS_OF)["members"]["join_eras"]

    assert eras[era] == 1 and sum(eras.values()) == 1
