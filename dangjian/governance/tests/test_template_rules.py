"""Procedure templates as data: the validation a county's edited template must pass (issue 9)."""
import pytest

from dangjian.governance import rules


def steps(*kinds, rule_for=None):
    rule_for = rule_for or {}
    return [{"order": n, "kind": k, "label": f"第{n}步", "meets": "会议",
             "vote_rule": rule_for.get(n, "two_thirds_due_majority" if k in ("审议", "决议") else "none")}
            for n, k in enumerate(kinds, start=1)]


@pytest.mark.parametrize("key", ["yizheng_sanyi", "siyi_liangkai"])
def test_the_shipped_templates_are_valid_data(key):
    data = rules.template_steps_as_data(rules.TEMPLATES[key])
    assert rules.check_template_steps(data) == {}
    assert [d["vote_rule"] for d in data] == ["none", "none", "two_thirds_due_majority", "two_thirds_due_majority",
                                               "none", "none"]
    assert [d["mergeable"] for d in data] == [False, True, False, False, False, False]


def test_kinds_and_vote_rules_come_from_the_fixed_lists():
    bad = steps("提议", "讨论", "审议", "决议", "公开", rule_for={3: "三分之一"})
    errors = rules.check_template_steps(bad)
    assert "步骤类型“讨论”无效" in errors["step2"][0]
    assert "表决规则“三分之一”无效" in errors["step3"][0]
    assert "应有到会和表决规则" in rules.check_template_steps(steps("提议", "审议", "决议", "公开",
                                                                  rule_for={2: "none"}))["step2"][0]
    assert "不表决" in rules.check_template_steps(steps("提议", "审议", "决议", "公开",
                                                      rule_for={1: "half_due_majority"}))["step1"][0]


def test_order_is_unique_a_review_precedes_the_resolution_and_publication_is_last():
    dup = steps("提议", "审议", "决议", "公开")
    dup[3]["order"] = 3
    assert "序号3重复" in rules.check_template_steps(dup)["steps"][0]
    assert "之前应至少有一个“审议”" in rules.check_template_steps(steps("提议", "商议", "决议", "公开"))["steps"][0]
    assert "之前应至少有一个“审议”" in rules.check_template_steps(steps("决议", "审议", "公开"))["steps"][0]
    assert "最后一步应为“公开”" in rules.check_template_steps(steps("提议", "审议", "决议", "公开", "商议"))["steps"][0]
    assert "应有“决议”" in rules.check_template_steps(steps("提议", "审议", "公开"))["steps"][0]
    assert rules.check_template_steps([])["steps"] == ["议事程序至少应有一个步骤"]
