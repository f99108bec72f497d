"""``manage.py party_stats``: JSON that parses and matches, errors in plain Chinese."""
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dangjian.stats.services import compute_party_stats

from .conftest import AS_OF

SAMPLE = Path(__file__).parent / "data" / "sample-county.stats.json"
CONTRACT_ORDER = {
    "divisions": ["township", "town", "subdistrict", "village", "urban_community", "village_to_community", "community"],
    "organizations": ["committee", "working_committee", "general_branch", "joint_branch", "branch", "total"],
    "members": ["total", "full", "probationary", "female", "ethnic_minority", "college_or_above", "floating",
                "in_two_new", "suspended", "age_bands"],
}


def run(*args) -> str:
    out = io.StringIO()
    call_command("party_stats", *args, stdout=out)
    return out.getvalue()


def test_it_prints_json_that_parses_and_matches_the_hand_counts(world):
    data = json.loads(run("--as-of", "2026-06-30", "--json"))

    assert data["as_of"] == "2026-06-30"
    assert data["members"]["total"] == 16 and data["members"]["suspended"] == 1
    assert data["organizations"]["total"] == 10
    assert data["divisions"]["community"] == 2
    assert data["members"]["age_bands"]["30_and_under"] == 2


def test_it_prints_the_same_figures_as_compute_party_stats(world):
    data = json.loads(run("--org", "中共乙街道工作委员会", "--as-of", "2026-06-30", "--json"))

    expected = json.loads(json.dumps(compute_party_stats(world["street_committee"], as_of=AS_OF), default=str))
    assert data == expected
    assert data["members"]["total"] == 2


def test_it_counts_the_named_organisations_subtree_not_the_whole_database(world):
    whole = json.loads(run("--as-of", "2026-06-30", "--json"))
    town = json.loads(run("--org", "中共甲镇委员会", "--as-of", "2026-06-30", "--json"))

    assert (whole["members"]["total"], town["members"]["total"]) == (16, 14)
    assert (whole["organizations"]["total"], town["organizations"]["total"]) == (10, 3)
    assert (whole["divisions"]["village"], town["divisions"]["village"]) == (2, 1)


def test_it_writes_deterministic_json_in_the_samples_key_order(world):
    first = run("--as-of", "2026-06-30", "--json")
    second = run("--as-of", "2026-06-30", "--json")
    sample = json.loads(SAMPLE.read_text())
    data = json.loads(first)

    assert first == second
    assert "博士研究生" in first and "\\u" not in first  # Chinese is written as is (ensure_ascii=False)
    assert first.startswith('{\n "as_of": "2026-06-30",')  # one space of indent, like the sample
    for block, keys in CONTRACT_ORDER.items():
        assert [k for k in data[block] if k in keys] == keys == [k for k in sample[block]]
    assert list(data["members"]["age_bands"]) == list(sample["members"]["age_bands"])


def test_it_passes_the_period_options_through(world):
    data = json.loads(run("--as-of", "2026-06-30", "--from", "2025-07-01", "--to", "2026-06-30", "--json"))
    default = json.loads(run("--as-of", "2026-06-30", "--json"))

    assert data["period"] == {"from": "2025-07-01", "to": "2026-06-30"}
    assert default["period"] == {"from": "2026-01-01", "to": "2026-06-30"}


def test_it_rejects_an_unknown_organisation_in_chinese(world):
    with pytest.raises(CommandError, match="未找到党组织“中共不存在委员会”"):
        run("--org", "中共不存在委员会", "--json")


def test_it_suggests_organisations_with_a_similar_name(world):
    with pytest.raises(CommandError, match="名称相近的组织：中共乙街道工作委员会"):
        run("--org", "乙街道工作委员会", "--json")


@pytest.mark.parametrize("args, message", [
    (("--as-of", "2026-13-01"), "--as-of 统计日期“2026-13-01”不是有效日期"),
    (("--as-of", "2026/06/30"), "不是有效日期，请按 YYYY-MM-DD 填写"),
    (("--from", "yesterday"), "--from 起始日期“yesterday”不是有效日期"),
    (("--from", "2026-05-02", "--to", "2026-05-01"), "起始日期2026-05-02晚于截止日期2026-05-01"),
])
def test_it_rejects_bad_dates_with_a_clear_message(world, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args, "--json")


def test_it_exits_non_zero_from_the_command_line_on_an_unknown_organisation(world):
    # CommandError from run_from_argv: printed to stderr, exit status 1.
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "party_stats", "--org", "中共不存在委员会", "--json"]).execute()
    assert exit_info.value.code == 1


def test_it_prints_the_reports_first_paragraph_without_json(world):
    text = run("--as-of", "2026-06-30")

    assert "统计日期：2026-06-30" in text
    assert ("测试县辖1个乡、1个镇、1个街道，2个村、2个社区（其中城市社区1个，村改居社区1个）。"
            "全县共设基层党组织10个，其中党（工）委3个、党总支1个、联合党支部1个，党支部5个，党员16名。") in text
