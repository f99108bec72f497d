"""The procedure rules on both sides of each boundary (pure functions)."""
import datetime

from dangjian.governance import rules

D = datetime.date
TPL = rules.SHIPPED_TEMPLATES["一征三议两公开"][1]


def test_it_meets_the_quorum_at_exactly_two_thirds_and_not_one_short():
    assert rules.quorum_met(30, 20)
    assert not rules.quorum_met(30, 19)
    assert rules.quorum_met(31, 21)  # 20.67 needed
    assert not rules.quorum_met(31, 20)


def test_it_passes_a_vote_with_more_than_half_of_those_due_not_exactly_half():
    assert not rules.majority_of_due(30, 15)
    assert rules.majority_of_due(30, 16)
    assert not rules.majority_of_due(31, 15)
    assert rules.majority_of_due(31, 16)


def test_it_refuses_counts_that_cannot_be():
    assert rules.check_counts(30, 31, 10) == {"present": ["实到人数31多于应到人数30"]}
    assert rules.check_counts(30, 20, 21) == {"in_favour": ["赞成票数21多于实到人数20"]}
    assert rules.check_counts(30, 20, 20) == {}
    assert "against" in rules.check_counts(30, 20, 15, 6)
    assert rules.check_counts(30, 20, 15, 5) == {}


def test_it_gives_the_outcome_of_the_review_with_its_reason():
    review = TPL.step(3)
    assert rules.vote_outcome(review, 30, 20, 16) == (True, "")
    passed, reason = rules.vote_outcome(review, 30, 19, 19)
    assert passed is False and "三分之二" in reason and "至少20人" in reason
    passed, reason = rules.vote_outcome(review, 30, 20, 15)
    assert passed is False and "半数" in reason
    assert rules.vote_outcome(TPL.step(2), 5, 5, 5) == (None, "")


def test_the_other_quorum_and_vote_rules_at_their_edges():
    half = rules.StepSpec("决议", "村民会议决议", quorum_rule="half", vote_rule="majority_of_present")
    passed, reason = rules.vote_outcome(half, 30, 15, 15)  # exactly half present is not more than half
    assert passed is False and "至少16人" in reason and reason.endswith(rules.QUORUM_FAILED)
    assert rules.vote_outcome(half, 30, 16, 9) == (True, "")  # 9 of 16 present is more than half of present
    passed, reason = rules.vote_outcome(half, 30, 16, 8)
    assert passed is False and "未超过实到16人的半数" in reason
    passed, reason = rules.vote_outcome(half, 31, 15, 15)
    assert passed is False and "至少16人" in reason
    no_quorum = rules.StepSpec("审议", "审议", vote_rule="majority_of_due")
    assert rules.vote_outcome(no_quorum, 30, 16, 16) == (True, "")
    assert rules.vote_outcome(no_quorum, 30, 16, 15)[0] is False


def test_it_orders_the_steps_and_allows_the_merge_only_where_one_shoulder():
    tpl = TPL
    today = D(2026, 6, 30)
    ok = [D(2026, 1, 1), D(2026, 1, 1), D(2026, 1, 2), None, None, None]  # same day as the one before: fine
    assert rules.check_step_order(tpl, ok, one_shoulder=False, today=today) == []
    early = [D(2026, 1, 5), D(2026, 1, 4), None, None, None, None]
    assert rules.check_step_order(tpl, early, one_shoulder=False, today=today)[0][0] == 2
    merged = [D(2026, 1, 1), None, D(2026, 1, 3), None, None, None]
    assert rules.check_step_order(tpl, merged, one_shoulder=True, today=today) == []
    faults = rules.check_step_order(tpl, merged, one_shoulder=False, today=today)
    assert faults and "一肩挑" in faults[0][1]
    gap = [D(2026, 1, 1), D(2026, 1, 2), None, D(2026, 1, 4), None, None]
    assert rules.check_step_order(tpl, gap, one_shoulder=True, today=today)[0][0] == 4
    future = [D(2026, 7, 1), None, None, None, None, None]
    assert "晚于今天" in rules.check_step_order(tpl, future, one_shoulder=False, today=today)[0][1]


def test_it_judges_items_in_use_and_overdue_at_their_edges():
    assert rules.item_in_use(None, D(2026, 6, 30), D(2026, 6, 29))
    assert not rules.item_in_use(None, D(2026, 6, 30), D(2026, 6, 30))
    assert rules.item_in_use(D(2026, 1, 1), None, D(2026, 1, 1))
    assert not rules.item_in_use(D(2026, 1, 1), None, D(2025, 12, 31))
    assert not rules.overdue(D(2026, 1, 1), None, D(2026, 1, 31), 30)
    assert rules.overdue(D(2026, 1, 1), None, D(2026, 2, 1), 30)
    assert not rules.overdue(D(2026, 1, 1), D(2026, 3, 1), D(2026, 6, 1), 30)


def test_it_takes_the_previous_period_of_equal_length_ending_the_day_before():
    assert rules.previous_period(D(2025, 7, 1), D(2026, 6, 30)) == (D(2024, 7, 1), D(2025, 6, 30))
    assert rules.previous_period(D(2026, 3, 1), D(2026, 3, 31)) == (D(2026, 1, 29), D(2026, 2, 28))
    assert rules.rate(0, 0) is None
    assert rules.rate_change((42, 58), (6, 11)) == 0.1787  # from the unrounded rates
    assert rules.rate_change((1, 2), (0, 0)) is None


def test_it_matches_service_levels_to_division_categories():
    assert rules.level_matches_division("县级", "县")
    assert rules.level_matches_division("乡镇级", "街道")
    assert rules.level_matches_division("村级", "村改居社区")
    assert not rules.level_matches_division("村级", "镇")
    assert not rules.level_matches_division("乡镇级", "村")
