"""Compliance at period boundaries, applicability, quorum, lateness, talks and ranking."""
import datetime


from dangjian.orglife import compliance
from dangjian.orglife.models import Attendance, PartyGroup
from dangjian.orglife.vocab import ActivityType as T

D = datetime.date
Q1 = (D(2025, 1, 1), D(2025, 3, 31))
Q2 = (D(2025, 4, 1), D(2025, 6, 30))


def slots_of(report, branch, activity_type):
    row = next(b for b in report.branches if b.id == branch.pk)
    return [(s.period.label, s.status) for s in row.slots if s.activity_type == activity_type]


def test_it_counts_a_meeting_on_the_last_day_of_a_quarter_for_that_quarter(county, make_activity):
    branch = county["village_branch"]
    make_activity(branch, T.BRANCH_GENERAL_MEETING, D(2025, 3, 31))
    assert slots_of(compliance.compute(county["root"], *Q1), branch, T.BRANCH_GENERAL_MEETING) == [
        ("2025年第1季度", "done")]
    assert slots_of(compliance.compute(county["root"], *Q2), branch, T.BRANCH_GENERAL_MEETING) == [
        ("2025年第2季度", "missing")]


def test_it_counts_a_meeting_on_the_first_day_of_a_quarter_for_that_quarter_only(county, make_activity):
    branch = county["village_branch"]
    make_activity(branch, T.BRANCH_GENERAL_MEETING, D(2025, 4, 1))
    assert slots_of(compliance.compute(county["root"], *Q1), branch, T.BRANCH_GENERAL_MEETING) == [
        ("2025年第1季度", "missing")]
    assert slots_of(compliance.compute(county["root"], *Q2), branch, T.BRANCH_GENERAL_MEETING) == [
        ("2025年第2季度", "done")]


def test_it_only_counts_periods_lying_wholly_inside_the_dates(county, make_activity):
    branch = county["village_branch"]
    make_activity(branch, T.THEME_DAY, D(2025, 1, 20))
    make_activity(branch, T.THEME_DAY, D(2025, 3, 1))
    report = compliance.compute(county["root"], D(2025, 1, 15), D(2025, 3, 31))
    # January is cut by the dates: only February (missing) and March (done) are slots; no quarter is whole.
    assert slots_of(report, branch, T.THEME_DAY) == [("2025年2月", "missing"), ("2025年3月", "done")]
    assert slots_of(report, branch, T.BRANCH_GENERAL_MEETING) == []
    full = compliance.compute(county["root"], D(2025, 1, 1), D(2025, 3, 31))
    assert slots_of(full, branch, T.THEME_DAY)[0] == ("2025年1月", "done")
    assert slots_of(full, branch, T.THEME_DAY)[2] == ("2025年3月", "done")


def test_it_counts_the_last_day_of_a_month_and_of_a_year(county, make_activity):
    branch = county["village_branch"]
    make_activity(branch, T.THEME_DAY, D(2024, 2, 29))
    make_activity(branch, T.LIFE_MEETING, D(2024, 12, 31))
    report = compliance.compute(county["root"], D(2024, 1, 1), D(2024, 12, 31))
    assert ("2024年2月", "done") in slots_of(report, branch, T.THEME_DAY)
    assert ("2024年3月", "missing") in slots_of(report, branch, T.THEME_DAY)
    assert slots_of(report, branch, T.LIFE_MEETING) == [("2024年", "done")]
    next_year = compliance.compute(county["root"], D(2025, 1, 1), D(2025, 12, 31))
    assert slots_of(next_year, branch, T.LIFE_MEETING) == [("2025年", "missing")]


def test_it_requires_committee_meetings_only_of_branches_with_seven_full_members(county, make_member, make_activity):
    branch = county["village_branch"]
    for i in range(6):
        make_member(branch, name=f"正式{i}")
    make_member(branch, name="预备", full=None)  # probationary: not counted
    make_activity(branch, T.BRANCH_COMMITTEE_MEETING, D(2025, 1, 10), expected=5, present=3)
    assert slots_of(compliance.compute(county["root"], D(2025, 1, 1), D(2025, 1, 31)), branch,
                    T.BRANCH_COMMITTEE_MEETING) == []
    make_member(branch, name="正式6")
    assert slots_of(compliance.compute(county["root"], D(2025, 1, 1), D(2025, 1, 31)), branch,
                    T.BRANCH_COMMITTEE_MEETING) == [("2025年1月", "done")]


def test_it_judges_the_seventh_full_member_on_the_last_day_of_the_period(county, make_member, make_activity):
    """The committee rule counts members in good standing who are full members on ``date_to``: one made
    full the day after, or a suspended one, is not the seventh (``summary`` agrees: the autouse check)."""
    branch = county["village_branch"]
    for i in range(6):
        make_member(branch, name=f"正式{i}")
    make_member(branch, name="停止党籍", status="停止党籍")
    make_member(branch, name="二月转正", joined=D(2024, 1, 31), full=D(2025, 2, 1))
    make_activity(branch, T.BRANCH_COMMITTEE_MEETING, D(2025, 1, 10), expected=5, present=4)
    assert slots_of(compliance.compute(county["root"], D(2025, 1, 1), D(2025, 1, 31)), branch,
                    T.BRANCH_COMMITTEE_MEETING) == []
    assert slots_of(compliance.compute(county["root"], D(2025, 1, 1), D(2025, 2, 1)), branch,
                    T.BRANCH_COMMITTEE_MEETING) == [("2025年1月", "done")]
    assert slots_of(compliance.compute(county["root"], D(2025, 1, 1), D(2025, 2, 28)), branch,
                    T.BRANCH_COMMITTEE_MEETING) == [("2025年1月", "done"), ("2025年2月", "missing")]


def test_the_summary_over_no_record_gives_the_required_slots_of_the_full_summary(county, make_member):
    """``records=False`` (the statistics block when its probe finds no record in the subtree) asks only
    which requirements apply: the same required slots, nothing met, for branches on both sides of 7."""
    for i in range(7):
        make_member(county["village_branch"], name=f"正式{i}")
    for i in range(6):
        make_member(county["community_branch"], name=f"社区正式{i}")
    for org in (county["root"], county["town_committee"], county["village_branch"], county["community_branch"]):
        for date_from, date_to in (Q1, (D(2025, 1, 1), D(2025, 12, 31))):
            assert compliance.summary(org, date_from, date_to, records=False) == \
                compliance.summary(org, date_from, date_to), org
    whole = compliance.summary(county["root"], *Q1, records=False)
    assert whole.by_type[T.BRANCH_COMMITTEE_MEETING]["required"] == 3  # the village branch's three months
    assert whole.met == 0


def test_it_does_not_count_a_committee_meeting_without_quorum(county, make_member, make_activity):
    branch = county["village_branch"]
    for i in range(7):
        make_member(branch, name=f"正式{i}")
    make_activity(branch, T.BRANCH_COMMITTEE_MEETING, D(2025, 1, 10), expected=5, present=2, quorum=False)
    make_activity(branch, T.BRANCH_COMMITTEE_MEETING, D(2025, 2, 10), expected=5, present=3, quorum=True)
    report = compliance.compute(county["root"], D(2025, 1, 1), D(2025, 2, 28))
    assert slots_of(report, branch, T.BRANCH_COMMITTEE_MEETING) == [("2025年1月", "missing"), ("2025年2月", "done")]
    row = next(b for b in report.branches if b.id == branch.pk)
    assert (row.committee_meetings, row.quorate_meetings) == (2, 1)


def test_it_requires_group_meetings_only_of_branches_with_party_groups(county, make_activity):
    branch = county["village_branch"]
    period = (D(2025, 1, 1), D(2025, 1, 31))
    assert slots_of(compliance.compute(county["root"], *period), branch, T.GROUP_MEETING) == []
    PartyGroup.objects.create(branch=branch, name="第一党小组")
    assert slots_of(compliance.compute(county["root"], *period), branch, T.GROUP_MEETING) == [("2025年1月", "missing")]
    assert slots_of(compliance.compute(county["root"], *period), county["firm_branch"], T.GROUP_MEETING) == []


def test_it_marks_a_slot_met_only_by_late_records_as_late(county, make_activity):
    branch = county["village_branch"]
    make_activity(branch, T.THEME_DAY, D(2025, 1, 5), recorded_on=D(2025, 2, 20), late=True)
    make_activity(branch, T.THEME_DAY, D(2025, 2, 5), recorded_on=D(2025, 3, 20), late=True)
    make_activity(branch, T.THEME_DAY, D(2025, 2, 6))
    report = compliance.compute(county["root"], D(2025, 1, 1), D(2025, 2, 28))
    assert slots_of(report, branch, T.THEME_DAY) == [("2025年1月", "late"), ("2025年2月", "done")]
    row = next(b for b in report.branches if b.id == branch.pk)
    assert (row.met, row.late_slots, row.late_records) == (2, 1, 2)


def test_it_requires_a_talk_with_every_member_in_the_year(county, branch_members, make_activity):
    branch = county["village_branch"]
    year = (D(2025, 1, 1), D(2025, 12, 31))
    talk = make_activity(branch, T.HEART_TO_HEART_TALK, D(2025, 5, 1))
    for m in branch_members[:4]:
        Attendance.objects.create(activity=talk, member=m, status="present")
    assert slots_of(compliance.compute(county["root"], *year), branch, T.HEART_TO_HEART_TALK) == [("2025年", "missing")]
    later = make_activity(branch, T.HEART_TO_HEART_TALK, D(2025, 11, 1))
    Attendance.objects.create(activity=later, member=branch_members[0], status="present")  # already counted
    Attendance.objects.create(activity=later, member=branch_members[4], status="present")
    assert slots_of(compliance.compute(county["root"], *year), branch, T.HEART_TO_HEART_TALK) == [("2025年", "done")]


def test_it_counts_talks_from_an_imported_ledger_by_their_numbers(county, branch_members, make_activity):
    branch = county["village_branch"]
    year = (D(2025, 1, 1), D(2025, 12, 31))
    make_activity(branch, T.HEART_TO_HEART_TALK, D(2025, 3, 1), expected=4, present=4, leave=0)
    assert slots_of(compliance.compute(county["root"], *year), branch, T.HEART_TO_HEART_TALK) == [("2025年", "missing")]
    make_activity(branch, T.HEART_TO_HEART_TALK, D(2025, 4, 1), expected=1, present=1, leave=0)
    assert slots_of(compliance.compute(county["root"], *year), branch, T.HEART_TO_HEART_TALK) == [("2025年", "done")]


def test_it_does_not_require_slots_before_a_branch_was_founded(county, make_activity):
    branch = county["village_branch"]
    branch.founded_on = D(2025, 2, 1)
    branch.save()
    report = compliance.compute(county["root"], D(2025, 1, 1), D(2025, 3, 31))
    assert [label for label, _ in slots_of(report, branch, T.THEME_DAY)] == ["2025年2月", "2025年3月"]
    assert slots_of(report, branch, T.BRANCH_GENERAL_MEETING) == []


def test_it_follows_the_frequency_settings(county, make_activity, set_rule):
    branch = county["village_branch"]
    set_rule("orglife.frequency.party_lecture", 12)
    set_rule("orglife.frequency.theme_day", 0)
    report = compliance.compute(county["root"], *Q1)
    assert slots_of(report, branch, T.PARTY_LECTURE) == []
    assert slots_of(report, branch, T.THEME_DAY) == []
    year = compliance.compute(county["root"], D(2025, 1, 1), D(2025, 12, 31))
    assert slots_of(year, branch, T.PARTY_LECTURE) == [("2025年", "missing")]


def test_it_limits_the_report_to_the_subtree(county, make_activity):
    report = compliance.compute(county["town_committee"], *Q1)
    assert {b.name for b in report.branches} == {county["village_branch"].name, county["firm_branch"].name}


def test_it_ranks_branches_against_a_hand_counted_quarter(county, make_activity):
    """Q1 2025, no party groups, fewer than 7 members: per branch 3 theme days + 1 general meeting
    + 1 lecture = 5 slots. 村: all 5 (one late) → 100%; 企业: theme days Jan, Feb + lecture = 3/5 → 60%;
    社区: 3 theme days + meeting + lecture = 5/5, attendance 100% beats 村's 80%."""
    village, firm, community = county["village_branch"], county["firm_branch"], county["community_branch"]
    for m in (1, 2, 3):
        make_activity(village, T.THEME_DAY, D(2025, m, 10), expected=10, present=8, leave=1)
        make_activity(community, T.THEME_DAY, D(2025, m, 10), expected=5, present=5, leave=0)
    make_activity(village, T.BRANCH_GENERAL_MEETING, D(2025, 3, 31), expected=10, present=8, leave=0, late=True)
    make_activity(village, T.PARTY_LECTURE, D(2025, 2, 1), expected=10, present=8, leave=0)
    make_activity(community, T.BRANCH_GENERAL_MEETING, D(2025, 1, 2), expected=5, present=5, leave=0)
    make_activity(community, T.PARTY_LECTURE, D(2025, 1, 3), expected=5, present=5, leave=0)
    make_activity(firm, T.THEME_DAY, D(2025, 1, 10), expected=4, present=2, leave=0)
    make_activity(firm, T.THEME_DAY, D(2025, 2, 10), expected=4, present=2, leave=0)
    make_activity(firm, T.PARTY_LECTURE, D(2025, 3, 10), expected=4, present=4, leave=0)
    make_activity(firm, T.THEME_DAY, D(2025, 4, 10), expected=4, present=4, leave=0)  # Q2: not counted

    report = compliance.compute(county["root"], *Q1)
    ranked = report.ranked()
    assert [(b.name, b.rank, b.met, b.required, b.rate) for b in ranked] == [
        (community.name, 1, 5, 5, 100.0),
        (village.name, 2, 5, 5, 100.0),
        (firm.name, 3, 3, 5, 60.0),
    ]
    assert ranked[1].attendance_rate == 80.0 and ranked[1].late_records == 1 and ranked[1].late_slots == 1
    assert ranked[2].missing_text == "2025年第1季度支部党员大会；2025年3月主题党日"
    assert (report.required, report.met, report.rate) == (15, 13, round(13 * 100 / 15, 1))
    assert report.by_type()[T.THEME_DAY] == {"required": 9, "met": 8, "late": 0}
    assert report.activities == 13


def test_it_gives_tied_branches_the_same_rank(county, make_activity):
    for branch in (county["village_branch"], county["firm_branch"]):
        make_activity(branch, T.THEME_DAY, D(2025, 1, 10), expected=4, present=3, leave=0)
    ranked = compliance.compute(county["root"], D(2025, 1, 1), D(2025, 1, 31)).ranked()
    assert [b.rank for b in ranked] == [1, 1, 3]
