"""Cadre, training, pay, fund and election services: the rules of issue 11's "Bad input" and "Done when"."""
import datetime
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dangjian.cadres import queries, services
from dangjian.cadres.models import Cadre, Candidate, CommunityFund, PayStandard
from dangjian.core.models import AuditLog
from dangjian.conftest import make_id_number

D = datetime.date


def _messages(err):
    return " ".join(m for ms in err.value.message_dict.values() for m in ms)


# --- Serving and the one-secretary rule ---------------------------------------------------------

def test_a_cadre_serves_from_the_start_day_to_the_day_before_the_end_day(county, cadre_factory):
    c = cadre_factory(county["village_branch"], "张三", start=D(2021, 3, 1), end=D(2024, 3, 1))
    serving = lambda day: list(Cadre.objects.serving_on(day))  # noqa: E731
    assert serving(D(2021, 2, 28)) == []
    assert serving(D(2021, 3, 1)) == [c]
    assert serving(D(2024, 2, 29)) == [c]
    assert serving(D(2024, 3, 1)) == []
    assert c.last_day == D(2024, 2, 29)


def test_it_refuses_a_second_serving_secretary_and_accepts_a_successor_from_the_day_the_first_left(
        county, system_actor, cadre_factory):
    org = county["village_branch"]
    cadre_factory(org, "张三", start=D(2020, 1, 1), end=D(2023, 6, 1))
    with pytest.raises(ValidationError) as err:
        services.create_cadre(actor=system_actor, organization=org, name="李四", post="书记", started_on=D(2023, 5, 31))
    assert "同一时期只能有一名书记" in _messages(err) and "张三" in _messages(err)
    assert not Cadre.objects.filter(name="李四").exists()
    services.create_cadre(actor=system_actor, organization=org, name="李四", post="书记", started_on=D(2023, 6, 1))
    with pytest.raises(ValidationError):
        services.create_cadre(actor=system_actor, organization=org, name="王五", post="书记", started_on=D(2024, 1, 1))
    # A deputy is not a secretary.
    services.create_cadre(actor=system_actor, organization=org, name="王五", post="副书记", started_on=D(2024, 1, 1))


def test_the_database_refuses_two_open_ended_secretaries(county, cadre_factory):
    cadre_factory(county["village_branch"], "张三", start=D(2020, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        cadre_factory(county["village_branch"], "李四", start=D(2022, 1, 1))


def test_it_refuses_bad_input_with_the_field_named_and_writes_nothing(county, system_actor):
    org = county["village_branch"]
    cases = [
        (dict(started_on=D(2022, 1, 1), ended_on=D(2022, 1, 1)), "ended_on", "离任日期"),
        (dict(started_on=D(2022, 1, 1), post="主任"), "post", "不是规定的取值"),
        (dict(started_on=D(2022, 1, 1), id_number="419901198005060010"), "id_number", "校验位"),
        (dict(started_on=D(2022, 1, 1), post="委员", one_shoulder=True), "one_shoulder", "一肩挑"),
        (dict(started_on=D(2099, 1, 1)), "started_on", "任职日期"),
    ]
    for extra, field, text in cases:
        data = dict(organization=org, name="张三", post="书记") | extra
        with pytest.raises(ValidationError) as err:
            services.create_cadre(actor=system_actor, **data)
        assert field in err.value.message_dict and text in _messages(err), extra
    assert Cadre.objects.count() == 0 and AuditLog.objects.count() == 0


def test_a_cadre_with_a_members_id_number_links_to_the_member_and_a_non_members_number_is_kept_encrypted(
        county, system_actor, make_member):
    member = make_member(county["village_branch"], name="赵党员", sex="女", birth=D(1985, 2, 3), education="大学本科")
    c = services.create_cadre(actor=system_actor, organization=county["village_branch"], name="赵党员", post="委员",
                              started_on=D(2022, 1, 1), id_number=member.id_number)
    assert c.member == member and c.sex == "女" and c.birth_date == D(1985, 2, 3) and c.education == "大学本科"
    outsider = make_id_number(D(1990, 7, 8), "男", 77)
    o = services.create_cadre(actor=system_actor, organization=county["village_branch"], name="钱群众", post="后备干部",
                              started_on=D(2022, 1, 1), id_number=outsider)
    o.refresh_from_db()
    assert o.member is None and outsider not in o.id_number_encrypted and o.id_number == outsider
    assert o.id_number_masked == outsider[:4] + "*" * 10 + outsider[-4:]
    assert o.birth_date == D(1990, 7, 8) and o.sex == "男"
    assert list(Cadre.objects.of_person(id_number=outsider)) == [o]
    assert AuditLog.objects.filter(object_type="cadres.cadre", action="created").count() == 2


def test_ending_a_post_checks_the_date_and_writes_one_audit_row(county, system_actor, cadre_factory):
    c = cadre_factory(county["village_branch"], "张三", start=D(2021, 3, 1))
    with pytest.raises(ValidationError) as err:
        services.end_cadre(c, actor=system_actor, ended_on=D(2021, 3, 1))
    assert "应晚于任职日期" in _messages(err)
    services.end_cadre(c, actor=system_actor, ended_on=D(2024, 3, 1))
    c.refresh_from_db()
    assert c.ended_on == D(2024, 3, 1)
    assert AuditLog.objects.filter(object_type="cadres.cadre", action="changed").count() == 1


# --- Pay standards, funds, investments ----------------------------------------------------------

def test_the_standard_in_force_is_the_latest_effective_on_or_before_the_day(system_actor):
    services.save_pay_standard(actor=system_actor, category="城市社区", post="书记", amount="3500", effective_on=D(2021, 7, 1))
    services.save_pay_standard(actor=system_actor, category="城市社区", post="书记", amount="4300", effective_on=D(2025, 10, 1))
    assert queries.standard_in_force("城市社区", "书记", D(2025, 9, 30)).amount == Decimal("3500")
    assert queries.standard_in_force("城市社区", "书记", D(2025, 10, 1)).amount == Decimal("4300")
    assert queries.standard_in_force("城市社区", "书记", D(2021, 6, 30)) is None
    assert queries.standard_in_force("村改居社区", "书记", D(2025, 10, 1)) is None


def test_it_refuses_a_negative_amount_and_a_years_fund_entered_twice_for_one_category(county, system_actor):
    with pytest.raises(ValidationError) as err:
        services.save_pay_standard(actor=system_actor, category="城市社区", post="书记", amount="-1", effective_on=D(2021, 7, 1))
    assert "不能为负数" in _messages(err)
    community = county["community"]
    services.save_community_fund(actor=system_actor, division=community, year=2025, category="党建工作经费", amount="1000.5")
    with pytest.raises(ValidationError) as err:
        services.save_community_fund(actor=system_actor, division=community, year=2025, category="党建工作经费", amount="9")
    assert "只能登记一次" in _messages(err)
    with pytest.raises(ValidationError) as err:
        services.save_community_fund(actor=system_actor, division=county["village"], year=2025, category="党建工作经费", amount="9")
    assert "城市社区或村改居社区" in _messages(err)
    with pytest.raises(ValidationError) as err:
        services.save_venue_investment(actor=system_actor, division=community, project="改造", invested_on=D(2025, 1, 1),
                                       amount="1.234")
    assert "两位小数" in _messages(err)
    assert CommunityFund.objects.count() == 1 and PayStandard.objects.count() == 0


def test_funds_of_a_year_with_a_missing_category_count_it_as_nothing(county, system_actor):
    community = county["community"]
    services.save_community_fund(actor=system_actor, division=community, year=2026, category="社区工作经费", amount="100000")
    services.save_community_fund(actor=system_actor, division=community, year=2026, category="服务群众专项经费", amount="50000.5")
    services.save_community_fund(actor=system_actor, division=community, year=2025, category="党建工作经费", amount="999999")
    assert queries.fund_totals(None, 2026) == {community.pk: Decimal("150000.50")}
    assert queries.fund_totals(None, 2024) == {community.pk: Decimal("0")}


# --- Training -----------------------------------------------------------------------------------

def test_a_class_ending_before_it_starts_is_refused(county, system_actor):
    with pytest.raises(ValidationError) as err:
        services.create_training_class(actor=system_actor, name="书记班", started_on=D(2025, 9, 8), ended_on=D(2025, 9, 7),
                                       hours=Decimal("8"), organization=county["root"])
    assert "早于开始日期" in _messages(err)


def test_an_attendee_the_organisation_has_not_registered_is_accepted_with_a_warning(county, system_actor, cadre_factory):
    cadre_factory(county["village_branch"], "张三")
    tc = services.create_training_class(actor=system_actor, name="书记班", started_on=D(2025, 9, 8), ended_on=D(2025, 9, 9),
                                        hours=Decimal("8"), organization=county["root"])
    a, warning = services.add_attendance(tc, actor=system_actor, name="张三", organization=county["village_branch"], role="书记")
    assert warning == "" and a.cadre is not None
    b, warning = services.add_attendance(tc, actor=system_actor, name="新面孔", organization=county["village_branch"], role="党员")
    assert "不是“中共一村支部委员会”登记的干部或党员" in warning and b.pk
    with pytest.raises(ValidationError):
        services.add_attendance(tc, actor=system_actor, name="张三", organization=county["village_branch"], role="书记")


def test_training_coverage_matches_by_id_number_else_by_name_and_organisation(county, system_actor, cadre_factory):
    id_a = make_id_number(D(1980, 1, 1), "男", 11)
    a = cadre_factory(county["village_branch"], "甲书记", id_number=id_a)  # trained, found by ID though listed elsewhere
    b = cadre_factory(county["firm_branch"], "乙书记")  # trained, found by name and organisation
    cadre_factory(county["community_branch"], "丙书记")  # a namesake trained in another organisation: not this one
    cadre_factory(county["street_committee"], "丁书记", start=D(2020, 1, 1), end=D(2026, 1, 1))  # not serving on --to
    tc = services.create_training_class(actor=system_actor, name="书记班", started_on=D(2025, 9, 8), ended_on=D(2025, 9, 9),
                                        hours=Decimal("16"), organization=county["root"])
    old = services.create_training_class(actor=system_actor, name="旧班", started_on=D(2025, 6, 30), ended_on=D(2025, 7, 2),
                                         hours=Decimal("8"), organization=county["root"])
    services.add_attendance(tc, actor=system_actor, name="甲", organization=county["town_committee"], role="书记", id_number=id_a)
    services.add_attendance(tc, actor=system_actor, name="乙书记", organization=county["firm_branch"], role="书记")
    services.add_attendance(tc, actor=system_actor, name="丙书记", organization=county["village_branch"], role="书记")
    services.add_attendance(old, actor=system_actor, name="丙书记", organization=county["community_branch"], role="书记")
    cover = queries.coverage(None, D(2025, 7, 1), D(2026, 6, 30))
    assert cover.total == 3 and set(cover.trained) == {a.pk, b.pk} and cover.rate == round(2 / 3, 4)
    assert [c.name for c in cover.untrained] == ["丙书记"]
    assert cover.trained[a.pk] == Decimal("16")
    town = queries.coverage(county["town_committee"], D(2025, 7, 1), D(2026, 6, 30))
    assert town.total == 2 and town.trained_count == 2


# --- Elections ----------------------------------------------------------------------------------

@pytest.fixture
def election(county, system_actor, cadre_factory):
    org = county["community_branch"]
    cadre_factory(org, "老书记", start=D(2021, 1, 1))
    cadre_factory(org, "老委员", post="委员", start=D(2021, 1, 1))
    cadre_factory(org, "后备", post="后备干部", start=D(2021, 1, 1))
    return services.create_election(actor=system_actor, organization=org, planned_on=D(2026, 3, 1))


def test_vetting_passes_only_when_every_department_passed_and_fails_on_any_refusal(election, system_actor, settings):
    from dangjian.core.rules import change_rule_setting

    change_rule_setting("cadres.vetting_departments", "纪检监察机关；公安机关", actor=system_actor)
    c = services.add_candidate(election, actor=system_actor, name="新书记", post="书记")
    assert c.state == "pending"
    services.record_vetting(c, actor=system_actor, department="纪检监察机关", outcome="passed", vetted_on=D(2026, 1, 5))
    c.refresh_from_db()
    assert c.state == "pending"
    services.record_vetting(c, actor=system_actor, department="公安机关", outcome="passed", vetted_on=D(2026, 1, 5))
    c.refresh_from_db()
    assert c.state == "passed"
    d = services.add_candidate(election, actor=system_actor, name="有问题", post="委员")
    with pytest.raises(ValidationError) as err:
        services.record_vetting(d, actor=system_actor, department="公安机关", outcome="failed", reason="")
    assert "negative_item" in err.value.message_dict and "reason" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.record_vetting(d, actor=system_actor, department="法院", outcome="passed")
    assert "department" in err.value.message_dict
    services.record_vetting(d, actor=system_actor, department="公安机关", outcome="failed", negative_item="受过刑事处罚",
                            reason="2019年因故意伤害罪被判处有期徒刑")
    services.record_vetting(d, actor=system_actor, department="纪检监察机关", outcome="passed")
    d.refresh_from_db()
    assert d.state == "failed"
    with pytest.raises(ValidationError) as err:
        services.record_result(election, actor=system_actor, held_on=D(2026, 3, 1), elected=[c, d])
    assert "未通过联审" in _messages(err)
    e = services.record_result(election, actor=system_actor, held_on=D(2026, 3, 1), elected=[c], one_shoulder=True)
    org = e.organization
    org.refresh_from_db()
    assert e.status == "held" and org.term_ends_on == D(2031, 2, 28)
    before = [x.name for x in Cadre.objects.serving_on(D(2026, 2, 28)).filter(organization=org)]
    after = [x.name for x in Cadre.objects.serving_on(D(2026, 3, 1)).filter(organization=org)]
    assert sorted(before) == ["后备", "老书记", "老委员"] and sorted(after) == ["后备", "新书记"]
    assert Candidate.objects.get(pk=c.pk).elected
    structure = queries.structure(org, D(2026, 3, 1), only_org=True)
    assert structure["secretaries"]["one_shoulder"] == 1 and structure["teams"]["total"] == 1


def test_the_training_coverage_indicator_rolls_up_the_tree(county, system_actor, cadre_factory):
    from dangjian.core.extensions import IndicatorValue, computed_indicator

    cadre_factory(county["village_branch"], "一村书记")
    cadre_factory(county["firm_branch"], "企业书记")
    cadre_factory(county["firm_branch"], "党务", post="专职党务工作者")
    tc = services.create_training_class(actor=system_actor, name="书记班", started_on=D(2025, 9, 8), ended_on=D(2025, 9, 9),
                                        hours=Decimal("16"), organization=county["root"])
    services.add_attendance(tc, actor=system_actor, name="一村书记", organization=county["village_branch"], role="书记")
    ind = computed_indicator("cadres.training_coverage")
    out = ind.compute([county["root"], county["town_committee"], county["firm_branch"]], D(2025, 1, 1), D(2025, 12, 31))
    assert out[county["town_committee"].id] == IndicatorValue(1, 3)
    assert out[county["firm_branch"].id].rate == 0.0
    records = ind.records(county["village_branch"], D(2025, 1, 1), D(2025, 12, 31))
    assert [(r.label, r.counted) for r in records] == [("一村书记（书记）", True)]


def test_an_election_close_with_unfinished_vetting_reminds_the_organisers_above(county, users, system_actor):
    from dangjian.cadres.reminders import daily_reminders

    org = county["village_branch"]
    e = services.create_election(actor=system_actor, organization=org, planned_on=D(2026, 3, 15))
    assert [r.user_id for r in daily_reminders(D(2026, 3, 1))] == [users["organiser"].pk]  # no candidate yet
    assert list(daily_reminders(D(2026, 2, 28))) == []  # 15 days ahead: not yet
    c = services.add_candidate(e, actor=system_actor, name="新书记", post="书记")
    [r] = daily_reminders(D(2026, 3, 10))
    assert "1名候选人联审未完成" in r.text and r.day == D(2026, 3, 15)
    from dangjian.cadres.models import Candidate
    Candidate.objects.filter(pk=c.pk).update(state="passed")
    assert list(daily_reminders(D(2026, 3, 10))) == []


def test_a_county_class_is_seen_everywhere_and_changed_only_by_the_county(county, users):
    from dangjian.cadres.models import TrainingClass

    county_class = TrainingClass.objects.create(name="县班", started_on=D(2025, 1, 1), ended_on=D(2025, 1, 2), hours=8,
                                                organization=county["root"])
    street_class = TrainingClass.objects.create(name="街道班", started_on=D(2025, 1, 1), ended_on=D(2025, 1, 2), hours=8,
                                                organization=county["street_committee"])
    organiser = users["organiser"]
    assert set(TrainingClass.objects.for_user(organiser)) == {county_class}
    assert list(TrainingClass.objects.for_user(organiser, "change")) == []
    assert list(TrainingClass.objects.for_user(users["outsider"], "change")) == [street_class]
    assert set(TrainingClass.objects.for_user(users["admin"], "change")) == {county_class, street_class}
    assert list(TrainingClass.objects.for_user(users["member"])) == []
