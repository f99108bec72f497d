"""Every rule of domain-rules §1 on both sides of its boundary. Date rules are checked with
hypothesis over many years: the earliest (or latest) allowed day passes, the next day out fails,
across holidays and make-up workdays."""
import datetime

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from dangjian.core.actor import Actor
from dangjian.recruitment import rules, services, workdays
from dangjian.recruitment.plan import plan_dates
from dangjian.register.rules import add_months, add_years, birthday_of_age

ONE = datetime.timedelta(days=1)
past_days = st.dates(min_value=datetime.date(2010, 1, 1), max_value=datetime.date(2024, 6, 30))


@given(past_days)
def test_the_talk_is_due_within_one_month(applied):
    latest = add_months(applied, 1)
    assert rules.article_7_talk_within_a_month(applied, latest) == []
    [failure] = rules.article_7_talk_within_a_month(applied, latest + ONE)
    assert f"最迟应于{latest:%Y-%m-%d}谈话" in failure.message and failure.overridable


@given(past_days)
def test_a_development_target_needs_one_year_as_an_activist(activist_on):
    earliest = add_years(activist_on, 1)
    assert rules.one_year_as_activist(activist_on, earliest) == []
    [failure] = rules.one_year_as_activist(activist_on, earliest - ONE)
    assert failure.message == (f"发展对象须经一年以上培养考察：该同志{activist_on:%Y-%m-%d}确定为入党积极分子，"
                               f"最早{earliest:%Y-%m-%d}可确定为发展对象")


@given(past_days)
def test_activists_are_reviewed_every_six_months(activist_on):
    first = add_months(activist_on, 6)
    target = add_months(first, 6)
    assert rules.half_yearly_reviews(activist_on, [first], target) == []
    assert rules.half_yearly_reviews(activist_on, [first + ONE], target)  # first review late
    assert rules.half_yearly_reviews(activist_on, [first], target + ONE)  # no review before the target
    assert rules.half_yearly_reviews(activist_on, [], add_months(activist_on, 6)) == []


@pytest.mark.django_db
@given(past_days)
def test_a_political_review_is_valid_for_the_configured_period(review_on):
    last = add_years(review_on, 1) - ONE
    assert rules.political_review_validity(review_on, last) == []
    [failure] = rules.political_review_validity(review_on, last + ONE)
    assert f"须在{last:%Y-%m-%d}（含）前" in failure.message


@pytest.mark.django_db
def test_the_political_review_validity_follows_the_county_setting(django_capture_on_commit_callbacks):
    from dangjian.core.rules import change_rule_setting

    review = datetime.date(2022, 5, 10)
    assert rules.political_review_validity(review, datetime.date(2023, 6, 1))
    with django_capture_on_commit_callbacks(execute=True):
        change_rule_setting("recruitment.political_review_valid_years", 2, actor=Actor.command())
    assert rules.political_review_validity(review, datetime.date(2023, 6, 1)) == []


@pytest.mark.django_db
@hsettings(max_examples=60, deadline=None)
@given(st.dates(min_value=datetime.date(2012, 1, 1), max_value=datetime.date(2026, 11, 1)))
def test_the_publicity_lasts_five_official_working_days(start):
    last = start
    seen = 0
    while True:  # count by hand with the official calendar, holidays and make-up days included
        import chinese_calendar

        if chinese_calendar.is_workday(last):
            seen += 1
            if seen == 5:
                break
        last += ONE
    earliest = last + ONE
    assert rules.publicity_before_committee(start, None, earliest) == []
    [failure] = rules.publicity_before_committee(start, None, earliest - ONE)
    assert f"最早{earliest:%Y-%m-%d}可召开支部委员会审查" in failure.message


@pytest.mark.django_db
def test_the_publicity_skips_the_national_day_holiday_and_counts_the_make_up_sunday():
    # 2024-09-27 Fri, 09-29 Sun (调休上班), 09-30 Mon, 10-01..07 holiday, 10-08 Tue, 10-09 Wed.
    assert rules.publicity_end(datetime.date(2024, 9, 27)) == datetime.date(2024, 10, 9)
    assert rules.publicity_before_committee(datetime.date(2024, 9, 27), None, datetime.date(2024, 10, 10)) == []
    assert rules.publicity_before_committee(datetime.date(2024, 9, 27), None, datetime.date(2024, 10, 9))
    assert rules.check_publicity_length(datetime.date(2024, 9, 27), datetime.date(2024, 10, 8))
    assert rules.check_publicity_length(datetime.date(2024, 9, 27), datetime.date(2024, 10, 9)) == []


@pytest.mark.django_db
def test_the_publicity_length_is_a_county_setting(django_capture_on_commit_callbacks):
    from dangjian.core.rules import change_rule_setting

    assert rules.publicity_end(datetime.date(2024, 9, 27)) == datetime.date(2024, 10, 9)
    with django_capture_on_commit_callbacks(execute=True):
        change_rule_setting("recruitment.publicity_workdays", 7, actor=Actor.command())
    assert rules.publicity_end(datetime.date(2024, 9, 27)) == datetime.date(2024, 10, 11)


def test_a_year_the_calendar_does_not_know_is_refused_plainly():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        workdays.is_workday(datetime.date(2031, 1, 6))
    assert "不包含2031年" in str(err.value)


@given(past_days)
def test_approval_is_due_within_three_months_and_never_after_six(admitted):
    three, six = add_months(admitted, 3), add_months(admitted, 6)
    assert rules.approval_within_three_months(admitted, three, False) == []
    [late] = rules.approval_within_three_months(admitted, three + ONE, False)
    assert late.overridable and f"应于{three:%Y-%m-%d}前审批" in late.message
    assert rules.approval_within_three_months(admitted, six, True) == []
    [never] = rules.approval_within_three_months(admitted, six + ONE, True)
    assert not never.overridable


@given(past_days, st.sampled_from([None, 6, 9, 12]))
def test_the_full_membership_meeting_waits_for_the_end_of_probation(admitted, extension):
    end = add_months(add_years(admitted, 1), extension) if extension else add_years(admitted, 1)
    assert rules.constitution_7_probation_complete(admitted, extension, end) == []
    assert rules.constitution_7_probation_complete(admitted, extension, end - ONE)


@given(st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2008, 1, 1)))
def test_the_applicant_is_18_on_the_application_date(birth):
    eighteen = birthday_of_age(birth, 18)
    assert rules.article_5_applicant_age(birth, eighteen) == []
    assert rules.article_5_applicant_age(birth, eighteen - ONE)


@pytest.mark.parametrize("days,hours,ok", [(3, None, True), (2, None, False), (None, 24, True), (2, 23, False), (0, 0, False)])
def test_concentrated_training_is_3_days_or_24_hours(days, hours, ok):
    assert (rules.article_17_training(days, hours) == []) is ok


@pytest.mark.parametrize("entitled,present,for_,against,abstain,ok", [
    (10, 10, 8, 1, 1, True),
    (10, 10, 8, 2, 1, False),  # more votes than people present
    (10, 11, 6, 0, 0, False),  # more present than entitled
    (10, 6, 6, 0, 0, True),
])
def test_votes_must_add_up(entitled, present, for_, against, abstain, ok):
    assert (rules.check_votes(entitled, present, for_, against, abstain) == []) is ok


@pytest.mark.parametrize("entitled,present,for_,ok", [
    (10, 6, 6, True), (10, 5, 5, False),  # more than half present
    (10, 10, 6, True), (10, 10, 5, False),  # more than half of those entitled in favour
    (9, 5, 5, True), (9, 4, 4, False),
])
def test_the_branch_meeting_needs_more_than_half_present_and_in_favour(entitled, present, for_, ok):
    assert (rules.branch_meeting_quorum_and_majority(entitled, present, for_, 15) == []) is ok


def test_contacts_are_one_or_two_full_members(county, make_member):
    full = [make_member(county["village_branch"]) for _ in range(3)]
    prob = make_member(county["village_branch"], joined=datetime.date(2024, 1, 1), full=None)
    on = datetime.date(2024, 6, 1)
    assert rules.contacts_are_one_or_two_full_members(full[:1], on) == [] and rules.contacts_are_one_or_two_full_members(full[:2], on) == []
    assert rules.contacts_are_one_or_two_full_members(full, on) and rules.contacts_are_one_or_two_full_members([], on)
    [f] = rules.contacts_are_one_or_two_full_members([prob], on)
    assert "须为正式党员" in f.message and not f.overridable


def test_introducers_are_two_full_members_not_under_party_probation(county, make_member):
    a, b, c = (make_member(county["village_branch"]) for _ in range(3))
    on = datetime.date(2024, 6, 1)
    assert rules.two_full_member_introducers([a, b], on) == []
    assert rules.two_full_member_introducers([a], on) and rules.two_full_member_introducers([a, b, c], on)
    c.under_party_probation = True
    failures = rules.two_full_member_introducers([a, c], on)
    assert any("留党察看" in f.message for f in failures) and not any(f.overridable for f in failures)
    late = make_member(county["village_branch"], joined=datetime.date(2023, 7, 1), full=datetime.date(2024, 7, 1))
    assert rules.two_full_member_introducers([a, late], on)  # still probationary on the day
    assert rules.two_full_member_introducers([a, late], datetime.date(2024, 7, 1)) == []


def test_only_a_proper_committee_approves(county):
    from dangjian.register.models import Organization

    def org(name, org_type, unit_type, parent):
        o = Organization(name=name, org_type=org_type, unit_type=unit_type, division=county["town"])
        o.assign_path(parent)
        o.save()
        return o

    branch = county["village_branch"]
    assert rules.approving_committee(county["town_committee"], branch) == []
    assert rules.approving_committee(county["root"], branch) == []
    assert rules.approving_committee(county["street_committee"], branch)  # not its superior
    general = org("甲镇某总支", "党总支", "乡镇", county["town_committee"])
    sub_committee = org("甲镇某园区党委", "党委", "其他", county["town_committee"])
    inner = org("园区一支部", "党支部", "非公有制企业", sub_committee)
    assert rules.approving_committee(general, branch)
    assert rules.approving_committee(sub_committee, inner)
    assert rules.approving_committee(county["town_committee"], inner) == []


# --- the same rules through the service ------------------------------------------------------

@pytest.mark.parametrize("offset,ok", [(0, True), (1, False)])
def test_recording_step_7_enforces_one_year_as_an_activist(new_recruitment, advance, offset, ok):
    r = advance(new_recruitment(), 6)
    plan = plan_dates(r.applied_on)
    for kind, day, end in plan.events_before(7):
        services.record_event(r, actor=Actor.command(), kind=kind, date=day, end_on=end)
    earliest = add_years(r.activist_on, 1)
    if ok:
        services.record_step(r, actor=Actor.command(), step=7, date=earliest)
        r.refresh_from_db()
        assert r.last_step == 7 and r.target_on == earliest
    else:
        with pytest.raises(services.RuleRefused) as err:
            services.record_step(r, actor=Actor.command(), step=7, date=earliest - ONE)
        assert f"最早{earliest:%Y-%m-%d}可确定为发展对象" in str(err.value)


@pytest.mark.parametrize("offset,ok", [(0, True), (-1, False)])
def test_recording_step_12_waits_for_the_end_of_the_publicity(new_recruitment, advance, offset, ok):
    r = advance(new_recruitment(), 11)
    start = datetime.date(2024, 9, 27)
    services.record_event(r, actor=Actor.command(), kind="publicity", date=start)
    r.refresh_from_db()
    assert r.publicity_end_on == datetime.date(2024, 10, 9)
    day = datetime.date(2024, 10, 10) + datetime.timedelta(days=offset)
    votes = dict(votes_entitled=5, votes_present=5, votes_for=5, votes_against=0, votes_abstain=0)
    # the plan's political review (2024-04) is still valid in October 2024
    if ok:
        services.record_step(r, actor=Actor.command(), step=12, date=day, **votes)
        assert r.steps.filter(step=12).exists()
    else:
        with pytest.raises(services.RuleRefused):
            services.record_step(r, actor=Actor.command(), step=12, date=day, **votes)
        assert not r.steps.filter(step=12).exists()


def test_recording_step_9_refuses_an_introducer_under_party_probation(new_recruitment, advance, elders):
    from django.core.exceptions import ValidationError

    r = advance(new_recruitment(), 8)
    elders[1].under_party_probation = True
    elders[1].save()
    with pytest.raises(ValidationError) as err:
        services.record_step(r, actor=Actor.command(), step=9, date=r.last_step_on, introducers=elders[:2],
                             override_reason="试图越过")
    assert "留党察看" in str(err.value)
    assert not r.steps.filter(step=9).exists()


def test_recording_step_15_refuses_a_vote_that_does_not_add_up(new_recruitment, advance):
    from django.core.exceptions import ValidationError

    r = advance(new_recruitment(), 14)
    with pytest.raises(ValidationError) as err:
        services.record_step(r, actor=Actor.command(), step=15, date=r.last_step_on, votes_entitled=10,
                             votes_present=8, votes_for=7, votes_against=1, votes_abstain=1)
    assert "超过实到会人数8" in str(err.value)
    from dangjian.register.models import Member

    assert not Member.objects.filter(name="张申请").exists()
