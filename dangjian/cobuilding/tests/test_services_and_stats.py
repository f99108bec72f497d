"""Services, rules and both statistics blocks against hand-counted fixtures, both sides of each boundary."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.cobuilding import rules, services
from dangjian.cobuilding.models import (
    Brand, ListItem, Matter, MemberUnit, PartTimeMember, Region, ResourceBooking, SharedResource, StarRating, TwoNewUnit,
)
from dangjian.cobuilding.statistics import co_building, two_new
from dangjian.core.models import AuditLog

D = datetime.date


def block(org=None, date_from=D(2025, 1, 1), date_to=D(2025, 6, 30)):
    return co_building(org, date_to, date_from, date_to)


# --- bad input: a Chinese message naming the field, nothing written -------------------------------------

def test_it_refuses_leaving_before_joining_and_writes_nothing(region, actor):
    with pytest.raises(ValidationError) as err:
        services.save_member_unit(actor=actor, region=region, unit_name="某单位党委", joined_on=D(2025, 3, 1),
                                  left_on=D(2025, 2, 1))
    assert "退出日期" in str(err.value.message_dict["left_on"])
    with pytest.raises(ValidationError):  # leaving on the joining day: never participated
        services.save_member_unit(actor=actor, region=region, unit_name="某单位党委", joined_on=D(2025, 3, 1),
                                  left_on=D(2025, 3, 1))
    assert not MemberUnit.objects.exists() and not AuditLog.objects.exists()


def test_it_refuses_a_part_time_member_ending_before_starting(region, actor):
    with pytest.raises(ValidationError) as err:
        services.save_part_time(actor=actor, region=region, name="张三", unit_name="某单位", started_on=D(2025, 3, 1),
                                ended_on=D(2025, 1, 1))
    assert "离任日期" in err.value.message_dict["ended_on"][0]
    assert not PartTimeMember.objects.exists()


def test_it_refuses_an_item_kind_outside_the_list(region, actor):
    with pytest.raises(ValidationError) as err:
        services.save_list_item(actor=actor, region=region, kind="wish", title="x", listed_on=D(2025, 1, 1))
    assert "清单类别" in err.value.message_dict["kind"][0]
    with pytest.raises(ValidationError) as err:
        services.save_matter(actor=actor, region=region, category="意见", title="x", raised_on=D(2025, 1, 1))
    assert "类别" in err.value.message_dict["category"][0]


def test_it_refuses_a_regional_organisation_that_is_not_a_committee(county, actor):
    with pytest.raises(ValidationError) as err:
        services.create_region(actor=actor, organization=county["community_branch"])
    assert "党委、党工委" in err.value.message_dict["organization"][0]
    with pytest.raises(ValidationError):  # a 党委 of a 镇 is not a subdistrict or community
        services.create_region(actor=actor, organization=county["town_committee"])
    region = services.create_region(actor=actor, organization=county["street_committee"])
    assert region.kind == "street" and AuditLog.objects.filter(action="created").count() == 1


def test_it_rates_only_two_new_organisations_once_a_year_within_0_to_100(county, firm_org, actor):
    with pytest.raises(ValidationError) as err:
        services.self_assess(actor=actor, organization=county["village_branch"], year=2025, score=95)
    assert "两新" in err.value.message_dict["organization"][0]
    for bad in (-1, 100.1, "abc"):
        with pytest.raises(ValidationError) as err:
            services.self_assess(actor=actor, organization=firm_org, year=2025, score=bad)
        assert "得分" in err.value.message_dict["score"][0]
    services.self_assess(actor=actor, organization=firm_org, year=2025, score=100)
    with pytest.raises(ValidationError) as err:
        services.self_assess(actor=actor, organization=firm_org, year=2025, score=80)
    assert "已评定" in err.value.message_dict["year"][0]
    assert StarRating.objects.count() == 1


def test_it_refuses_a_unit_with_no_body_and_no_instructor(county, actor):
    fields = dict(name="某商贸公司", category="非公有制企业", division=county["street"], staff_count=20, member_count=0,
                  surveyed_on=D(2025, 1, 1))
    with pytest.raises(ValidationError) as err:
        services.save_unit(actor=actor, **fields)
    assert "党建指导员" in err.value.message_dict["instructor"][0]
    with pytest.raises(ValidationError) as err:  # a village branch is no "两新" body
        services.save_unit(actor=actor, organization=county["village_branch"], **fields)
    assert "不是两新党组织" in err.value.message_dict["instructor"][0]
    assert not TwoNewUnit.objects.exists()
    unit = services.save_unit(actor=actor, instructor="王指导员", **fields)
    assert unit.organization is None


def test_it_refuses_a_brand_recognised_before_its_application(county, actor):
    with pytest.raises(ValidationError) as err:
        services.save_brand(actor=actor, organization=county["community_branch"], name="红色驿站", applied_on=D(2025, 3, 1),
                            recognised_on=D(2025, 2, 28))
    assert "认定日期" in err.value.message_dict["recognised_on"][0]
    brand = services.save_brand(actor=actor, organization=county["community_branch"], name="红色驿站", applied_on=D(2025, 3, 1))
    with pytest.raises(ValidationError):
        services.recognise_brand(brand, actor=actor, on=D(2025, 2, 1))
    with pytest.raises(ValidationError):  # not recognised yet: cannot be revoked
        services.revoke_brand(brand, actor=actor, on=D(2025, 4, 1), reason="x")
    brand = services.recognise_brand(brand, actor=actor, on=D(2025, 3, 1))  # the same day is fine
    brand = services.revoke_brand(brand, actor=actor, on=D(2025, 5, 1), reason="不再开展")
    assert brand.status == "revoked"


# --- rules --------------------------------------------------------------------------------------------

def test_the_star_thresholds_at_90_and_89_9_and_the_veto(db):
    assert rules.stars_for(Decimal("90"), False) == 5
    assert rules.stars_for(Decimal("89.9"), False) == 4
    assert rules.stars_for(Decimal("80"), False) == 4 and rules.stars_for(Decimal("79.9"), False) == 3
    assert rules.stars_for(Decimal("60"), False) == 2 and rules.stars_for(Decimal("59.9"), False) == 1
    assert rules.stars_for(Decimal("100"), True) == 0


def test_subsidies_by_star(db, actor, django_capture_on_commit_callbacks):
    from dangjian.core.rules import change_rule_setting

    assert rules.subsidy_for(5) == Decimal("11000.00")  # 110% of the 10,000 base
    assert rules.subsidy_for(3) == Decimal("10000.00")
    assert rules.subsidy_for(0) == Decimal("9000.00") and rules.subsidy_for(None) == Decimal("9000.00")
    with django_capture_on_commit_callbacks(execute=True):
        change_rule_setting("twonew.subsidy_base", "20000", actor=actor)
    assert rules.subsidy_for(5) == Decimal("22000.00")


def test_the_body_suggested_by_the_members(db):
    assert rules.suggested_body(3) == "单独组建党组织"
    assert rules.suggested_body(2) == "建立联合党支部"
    assert rules.suggested_body(0) == "选派党建指导员"


# --- the rating workflow --------------------------------------------------------------------------------

def test_self_assessment_township_review_and_county_publication(firm_org, users, actor_for):
    scores = {f"{a}/{n}": p for a, n, p in rules.scheme()}
    scores[next(iter(scores))] = 0  # 90 of 100
    rating = services.self_assess(actor=actor_for(users["admin"]), organization=firm_org, year=2025,
                                  indicator_scores=scores)
    assert rating.score == Decimal("90.0") and rating.stars == 5 and rating.status == "self"
    with pytest.raises(ValidationError):  # not reviewed yet
        services.publish_rating(rating, actor=actor_for(users["admin"]))
    with pytest.raises(PermissionDenied):  # the 甲镇 organiser does not see 乙街道's organisation
        services.review_rating(rating, actor=actor_for(users["organiser"]), score="89.9")
    rating = services.review_rating(rating, actor=actor_for(users["admin"]), score="89.9")
    assert rating.stars == 4 and rating.status == "reviewed"
    assert two_new(None, D(2025, 12, 31), D(2025, 1, 1), D(2025, 12, 31))["stars"]["4"] == 0  # not published yet
    rating = services.publish_rating(rating, actor=actor_for(users["admin"]))
    assert rating.status == "published"
    assert two_new(None, D(2025, 12, 31), D(2025, 1, 1), D(2025, 12, 31))["stars"]["4"] == 1


# --- matching and booking ------------------------------------------------------------------------------

def test_a_need_is_answered_by_a_units_resource_of_the_same_region(county, region, actor):
    need = services.save_list_item(actor=actor, region=region, kind="need", title="老年人助餐", listed_on=D(2025, 1, 2))
    food = services.save_list_item(actor=actor, region=region, kind="resource", title="食堂助餐服务", unit_name="某医院党委",
                                   listed_on=D(2025, 1, 3))
    services.save_list_item(actor=actor, region=region, kind="resource", title="法律咨询", listed_on=D(2025, 1, 3))
    assert services.suggestions(need)[0] == food
    other = Region.objects.create(organization=county["town_committee"], kind="joint")
    elsewhere = ListItem.objects.create(region=other, kind="resource", title="助餐", listed_on=D(2025, 1, 1))
    with pytest.raises(ValidationError):
        services.match_need(need, elsewhere, actor=actor)
    with pytest.raises(ValidationError):
        services.match_need(food, food, actor=actor)  # a resource is not a need
    need = services.match_need(need, food, actor=actor)
    assert need.answered_by == food and food.answers.get() == need


@pytest.fixture
def venue(region, actor):
    return services.save_resource(actor=actor, region=region, provider="某医院党委", name="医院党员活动室", category="场地",
                                  registered_on=D(2025, 1, 1), capacity=30, opens_at=datetime.time(8),
                                  closes_at=datetime.time(18), open_days="1234567")


def test_the_shared_venue_booking_refuses_overlaps(county, venue, actor):
    from django.utils import timezone

    day = timezone.localdate() + datetime.timedelta(days=3)
    book = dict(organization=county["community_branch"], date=day, expected_count=10, purpose="主题党日")
    services.book_resource(venue, actor=actor, start_time=datetime.time(9), end_time=datetime.time(11), **book)
    with pytest.raises(ValidationError) as err:
        services.book_resource(venue, actor=actor, start_time=datetime.time(10), end_time=datetime.time(12), **book)
    assert "该时段已被预约" in err.value.message_dict["start_time"][0]
    # Touching end to start is not an overlap; over capacity and outside the hours are refused.
    services.book_resource(venue, actor=actor, start_time=datetime.time(11), end_time=datetime.time(12), **book)
    with pytest.raises(ValidationError) as err:
        services.book_resource(venue, actor=actor, start_time=datetime.time(17), end_time=datetime.time(19), **book)
    assert "开放时间" in err.value.message_dict["start_time"][0]
    with pytest.raises(ValidationError) as err:
        services.book_resource(venue, actor=actor, start_time=datetime.time(14), end_time=datetime.time(15),
                               **{**book, "expected_count": 31})
    assert "可容纳人数" in err.value.message_dict["expected_count"][0]
    assert ResourceBooking.objects.count() == 2


def test_a_cancelled_booking_frees_its_slot(county, venue, actor):
    from django.utils import timezone

    day = timezone.localdate() + datetime.timedelta(days=3)
    book = dict(organization=county["community_branch"], date=day, expected_count=10, purpose="党课",
                start_time=datetime.time(9), end_time=datetime.time(10))
    first = services.book_resource(venue, actor=actor, **book)
    services.cancel_resource_booking(first, actor=actor)
    second = services.book_resource(venue, actor=actor, **book)
    assert services.decide_resource_booking(second, actor=actor, approve=True).status == "approved"


# --- statistics: hand-counted, boundary days ---------------------------------------------------------------

def test_participation_and_service_on_the_boundary_days(county, region, actor):
    to = D(2025, 6, 30)
    MemberUnit.objects.create(region=region, unit_name="加入当天", joined_on=to)
    MemberUnit.objects.create(region=region, unit_name="次日加入", joined_on=to + datetime.timedelta(days=1))
    MemberUnit.objects.create(region=region, unit_name="当天退出", joined_on=D(2020, 1, 1), left_on=to)
    MemberUnit.objects.create(region=region, unit_name="次日退出", joined_on=D(2020, 1, 1), left_on=D(2025, 7, 1))
    # The same unit twice (left and re-joined) is one organisation.
    MemberUnit.objects.create(region=region, unit_name="次日退出", joined_on=D(2018, 1, 1), left_on=D(2019, 1, 1))
    PartTimeMember.objects.create(region=region, name="甲", unit_name="u", started_on=to)
    PartTimeMember.objects.create(region=region, name="乙", unit_name="u", started_on=D(2020, 1, 1), ended_on=to)
    PartTimeMember.objects.create(region=region, name="丙", unit_name="u", started_on=D(2020, 1, 1), ended_on=D(2025, 7, 1))
    SharedResource.objects.create(region=region, provider="p", name="当天登记", category="物资", registered_on=to)
    SharedResource.objects.create(region=region, provider="p", name="当天停用", category="物资", registered_on=D(2020, 1, 1),
                                  stopped_on=to)
    b = block()
    assert b["participating_organizations"] == 2  # 加入当天, 次日退出
    assert b["part_time_members"] == 2  # 甲, 丙
    assert b["shared_resources"] == 1


def test_every_key_of_co_building_against_a_hand_count_and_by_scope(county, region, actor):
    frm, to = D(2025, 1, 1), D(2025, 6, 30)
    Matter.objects.create(region=region, category="协商问题", title="a", raised_on=D(2024, 1, 1), completed_on=frm)  # counts
    Matter.objects.create(region=region, category="协商问题", title="b", raised_on=D(2024, 1, 1), completed_on=D(2024, 12, 31))
    Matter.objects.create(region=region, category="协商问题", title="c", raised_on=D(2025, 1, 1))  # not resolved
    Matter.objects.create(region=region, category="共建承诺", title="d", raised_on=to)  # counts
    Matter.objects.create(region=region, category="共建承诺", title="e", raised_on=D(2024, 12, 31))
    Brand.objects.create(organization=county["community_branch"], name="a", applied_on=D(2024, 1, 1), recognised_on=to)
    Brand.objects.create(organization=county["community_branch"], name="b", applied_on=D(2024, 1, 1),
                         recognised_on=frm, revoked_on=to)  # revoked on --to: not counted
    Brand.objects.create(organization=county["village_branch"], name="c", applied_on=D(2024, 1, 1),
                         recognised_on=D(2025, 2, 1), revoked_on=D(2025, 7, 1))  # revoked after: counts
    MemberUnit.objects.create(region=region, unit_name="x", joined_on=frm)
    expected = {"participating_organizations": 1, "part_time_members": 0, "shared_resources": 0,
                "problems_resolved": 1, "commitments": 1, "brands": 2}
    assert block() == expected
    # A community sees its own region only; a township sees nothing of another's.
    assert block(county["street_committee"]) == {**expected, "brands": 1}
    assert block(county["town_committee"]) == {k: (1 if k == "brands" else 0) for k in expected}


def test_every_key_of_two_new_against_a_hand_count(county, firm_org, actor):
    to = D(2025, 6, 30)
    TwoNewUnit.objects.create(name="有组织", category="非公有制企业", division=county["street"], staff_count=10,
                              member_count=3, organization=firm_org, surveyed_on=to)
    TwoNewUnit.objects.create(name="无组织", category="社会组织", division=county["community"], staff_count=5,
                              member_count=0, instructor="王", surveyed_on=D(2025, 1, 1))
    TwoNewUnit.objects.create(name="排查在后", category="社会组织", division=county["community"], staff_count=5,
                              member_count=0, instructor="王", surveyed_on=D(2025, 7, 1))
    TwoNewUnit.objects.create(name="甲镇企业", category="非公有制企业", division=county["village"], staff_count=50,
                              member_count=1, instructor="李", surveyed_on=D(2025, 1, 1))
    firm = county["firm_branch"]
    StarRating.objects.create(organization=firm_org, year=2024, score=95, stars=5, status="published")
    StarRating.objects.create(organization=firm_org, year=2025, score=50, veto=True, stars=0, status="published")
    StarRating.objects.create(organization=firm, year=2025, score=85, stars=4, status="published")
    StarRating.objects.create(organization=firm, year=2026, score=99, stars=5, status="published")  # after --to's year
    all_ = two_new(None, to, D(2025, 1, 1), to)
    assert all_ == {"units": 3, "units_with_party_organization": 1, "coverage_rate": 0.3333,
                    "stars": {"5": 0, "4": 1, "3": 0, "2": 0, "1": 0, "0": 1}}
    street = two_new(county["street_committee"], to, D(2025, 1, 1), to)
    assert street == {"units": 2, "units_with_party_organization": 1, "coverage_rate": 0.5,
                      "stars": {"5": 0, "4": 0, "3": 0, "2": 0, "1": 0, "0": 1}}
    empty = two_new(county["community_branch"], D(2024, 1, 1), D(2024, 1, 1), D(2024, 1, 1))
    assert empty["units"] == 0 and empty["coverage_rate"] is None


# --- scope ----------------------------------------------------------------------------------------------

def test_a_community_sees_its_own_region_only(county, region, users, actor):
    from dangjian.accounts.models import User

    community_org = county["community_branch"]
    community_org.org_type = "党委"
    community_org.save()
    own = Region.objects.create(organization=community_org, kind="community")
    MemberUnit.objects.create(region=own, unit_name="社区单位", joined_on=D(2024, 1, 1))
    MemberUnit.objects.create(region=region, unit_name="街道单位", joined_on=D(2024, 1, 1))
    community = User.objects.create_user("community", password="x", role="organiser", organization=community_org)
    street = User.objects.create_user("street", password="x", role="organiser", organization=county["street_committee"])
    assert list(MemberUnit.objects.for_user(community).values_list("unit_name", flat=True)) == ["社区单位"]
    assert sorted(MemberUnit.objects.for_user(street).values_list("unit_name", flat=True)) == ["社区单位", "街道单位"]
    assert not MemberUnit.objects.for_user(users["organiser"]).exists()
    assert not MemberUnit.objects.for_user(users["secretary"]).exists()
    with pytest.raises(PermissionDenied):
        services.save_member_unit(actor=services.Actor(user=community), region=region, unit_name="越界",
                                  joined_on=D(2024, 1, 1))
    assert not MemberUnit.objects.filter(unit_name="越界").exists()


def test_the_two_new_coverage_indicator(county, firm_org):
    from dangjian.core.extensions import computed_indicator

    TwoNewUnit.objects.create(name="有组织", category="非公有制企业", division=county["community"], staff_count=10,
                              member_count=3, organization=firm_org, surveyed_on=D(2025, 1, 1))
    TwoNewUnit.objects.create(name="无组织", category="社会组织", division=county["street"], staff_count=5,
                              member_count=0, instructor="王", surveyed_on=D(2025, 1, 1))
    TwoNewUnit.objects.create(name="排查在后", category="社会组织", division=county["street"], staff_count=5,
                              member_count=0, instructor="王", surveyed_on=D(2026, 1, 1))
    indicator = computed_indicator("twonew.coverage")
    orgs = [county["root"], county["street_committee"], county["community_branch"], county["town_committee"]]
    values = indicator.compute(orgs, D(2025, 1, 1), D(2025, 12, 31))
    assert [(values[o.id].numerator, values[o.id].denominator) for o in orgs] == [(1, 2), (1, 2), (1, 1), (0, 0)]
    assert values[county["town_committee"].id].rate is None
    records = indicator.records(county["street_committee"], D(2025, 1, 1), D(2025, 12, 31))
    assert [(r.label, r.counted) for r in records] == [("无组织", False), ("有组织", True)]


@pytest.mark.django_db(transaction=True)
def test_the_shared_venue_gives_exactly_one_booking_to_twenty_simultaneous_requests(county):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL；SQLite 以 IMMEDIATE 事务串行化写入，不存在并发写入")
    region = Region.objects.create(organization=county["street_committee"], kind="street")
    venue = SharedResource.objects.create(region=region, provider="某医院党委", name="并发活动室", category="场地",
                                          registered_on=D(2024, 1, 1), capacity=50, opens_at=datetime.time(8),
                                          closes_at=datetime.time(18), open_days="1234567")
    day = datetime.date.today() + datetime.timedelta(days=3)
    barrier, lock, outcomes = threading.Barrier(20), threading.Lock(), []

    def request(i):
        try:
            barrier.wait()
            services.book_resource(venue, actor=services.Actor.command(), organization=county["community_branch"],
                                   date=day, start_time=datetime.time(9), end_time=datetime.time(10), expected_count=10,
                                   purpose=f"请求{i}")
            result = "booked"
        except ValidationError:
            result = "refused"
        except Exception as exc:  # noqa: BLE001 - reported through the assertion below
            result = repr(exc)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=request, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["booked"] + ["refused"] * 19
    assert ResourceBooking.objects.filter(resource=venue).count() == 1


def test_the_records_behind_the_keys_name_the_brands(county, region):
    from dangjian.cobuilding.statistics import BLOCKS

    co, tn = BLOCKS
    Brand.objects.create(organization=county["community_branch"], name="红色驿站", applied_on=D(2024, 1, 1),
                         recognised_on=D(2025, 3, 1))
    MemberUnit.objects.create(region=region, unit_name="某医院党委", joined_on=D(2024, 1, 1))
    records = co.records(None, D(2025, 6, 30), D(2025, 1, 1), D(2025, 6, 30), "brands")
    assert records.count() == 1 and records.rows(0, 3)[0][0] == "红色驿站"
    units = co.records(county["street_committee"], D(2025, 6, 30), D(2025, 1, 1), D(2025, 6, 30),
                       "participating_organizations")
    assert units.rows()[0][0] == "某医院党委"
    assert co.has_data(county["street_committee"], D(2025, 6, 30)) and not co.has_data(county["town_committee"], D(2025, 6, 30))
    assert not tn.has_data(county["town_committee"], D(2025, 6, 30))
    assert tn.records(None, D(2025, 6, 30), D(2025, 1, 1), D(2025, 6, 30), "units").count() == 0
