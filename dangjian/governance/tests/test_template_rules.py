"""Procedure templates as data: the validation a county's edited template must pass (issue 9)."""
import pytest

from dangjian.governance import rules


def steps(*kinds, quorum_for=None, vote_for=None, mergeable=()):
    quorum_for, vote_for = quorum_for or {}, vote_for or {}
    return [{"order": n, "kind": k, "label": f"第{n}步", "meets": "会议",
             "quorum_rule": quorum_for.get(n, "two_thirds" if k in ("审议", "决议") else "none"),
             "vote_rule": vote_for.get(n, "majority_of_due" if k in ("审议", "决议") else "none"),
             "mergeable": n in mergeable}
            for n, k in enumerate(kinds, start=1)]


@pytest.mark.parametrize("name", ["一征三议两公开", "四议两公开"])
def test_the_shipped_templates_are_valid_data(name):
    data = rules.SHIPPED_TEMPLATES[name][1].as_data()
    assert rules.check_template_steps(data) == {}
    assert [d["quorum_rule"] for d in data] == ["none", "none", "two_thirds", "two_thirds", "none", "none"]
    assert [d["vote_rule"] for d in data] == ["none", "none", "majority_of_due", "majority_of_due", "none", "none"]
    assert [d["mergeable"] for d in data] == [False, True, False, False, False, False]
    assert rules.ledger_columns([d["kind"] for d in data]) == list(rules.LEDGER_COLUMNS)


def test_kinds_and_rules_come_from_the_fixed_lists():
    bad = steps("提议", "讨论", "审议", "决议", "公开", vote_for={3: "三分之一"}, quorum_for={4: "一半"})
    errors = rules.check_template_steps(bad)
    assert "步骤类型“讨论”无效" in errors["step2"][0]
    assert "表决规则“三分之一”无效" in errors["step3"][0]
    assert "到会要求“一半”无效" in errors["step4"][0]
    assert "应有表决规则" in rules.check_template_steps(
        steps("提议", "审议", "决议", "公开", vote_for={2: "none"}))["step2"][0]
    # a vote at a 审议 without a quorum requirement is allowed; a 提议 with a rule is not
    assert rules.check_template_steps(steps("提议", "审议", "决议", "公开", quorum_for={2: "none"})) == {}
    assert "不表决" in rules.check_template_steps(
        steps("提议", "审议", "决议", "公开", vote_for={1: "majority_of_present"}))["step1"][0]
    assert "不表决" in rules.check_template_steps(
        steps("提议", "审议", "决议", "公开", quorum_for={4: "half"}))["step4"][0]
    assert "名称不能为空" in rules.check_template_steps(
        [dict(s, label=" ") if s["order"] == 2 else s for s in steps("提议", "审议", "决议", "公开")])["step2"][0]


def test_order_is_unique_a_review_precedes_the_resolution_and_publication_is_last():
    dup = steps("提议", "审议", "决议", "公开")
    dup[3]["order"] = 3
    assert "序号3重复" in rules.check_template_steps(dup)["steps"][0]
    assert "之前应至少有一个“审议”" in rules.check_template_steps(steps("提议", "商议", "决议", "公开"))["steps"][0]
    assert "最后一步应为“公开”" in rules.check_template_steps(steps("提议", "审议", "决议", "公开", "商议"))["steps"][0]
    assert "应有“决议”" in rules.check_template_steps(steps("提议", "审议", "公开"))["steps"][0]
    assert rules.check_template_steps([])["steps"] == ["议事程序至少应有一个步骤"]


def test_the_first_step_opens_the_matter_and_only_a_deliberation_merges():
    assert "第一步应为“征求意见”或“提议”" in rules.check_template_steps(steps("商议", "审议", "决议", "公开"))["steps"][0]
    assert rules.check_template_steps(steps("征求意见", "商议", "审议", "决议", "公开", mergeable=(2,))) == {}
    assert "只有“商议”可以并入" in rules.check_template_steps(
        steps("征求意见", "商议", "审议", "决议", "公开", mergeable=(3,)))["step3"][0]


def test_fewer_steps_fit_the_ledger_and_two_steps_of_one_column_do_not():
    four = steps("提议", "审议", "决议", "公开")  # no 商议, one 公开: fits, four columns empty
    assert rules.check_template_steps(four) == {}
    assert rules.ledger_columns([s["kind"] for s in four]) == ["征求意见日期", "党员大会审议日期", "代表会议决议日期",
                                                               "结果公开日期"]
    two_reviews = steps("提议", "商议", "审议", "审议", "决议", "公开")
    assert "都应记入《议事事项》台账的“党员大会审议日期”列" in rules.check_template_steps(two_reviews)["step4"][0]
    consult_then_propose = steps("征求意见", "提议", "审议", "决议", "公开")
    assert "只能是第一步" in rules.check_template_steps(consult_then_propose)["step2"][0]
    out_of_column_order = steps("提议", "审议", "商议", "决议", "公开")
    assert "顺序与《议事事项》台账各列的顺序" in rules.check_template_steps(out_of_column_order)["step3"][0]
    three_publications = steps("提议", "审议", "决议", "公开", "公开", "公开")
    assert "step5" in rules.check_template_steps(three_publications)
