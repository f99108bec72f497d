"""``county_report``: the JSON of report-figures.md, the .docx, and Chinese errors."""
import io
import json

import pytest
from django.core.management import CommandError, call_command

from dangjian.reports.figures import FIGURE_IDS

from .conftest import installed_blocks


def run(*args) -> str:
    out = io.StringIO()
    call_command("county_report", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def without_second_wave(monkeypatch):
    monkeypatch.setattr("dangjian.reports.report.stats_blocks", lambda: installed_blocks())


def test_it_prints_every_figure_id_and_lists_the_missing_ones(county, make_member, without_second_wave):
    make_member(county["village_branch"])
    data = json.loads(run("--org", "中共测试县委员会", "--from", "2026-01-01", "--to", "2026-06-30", "--json"))
    assert list(data) == ["org", "from", "to", "figures", "missing"]
    assert (data["org"], data["from"], data["to"]) == ("中共测试县委员会", "2026-01-01", "2026-06-30")
    assert list(data["figures"]) == FIGURE_IDS
    assert data["figures"]["F13"] == 1 and data["figures"]["F25"] == 35
    assert "F14" in data["missing"] and data["figures"]["F14"] is None
    assert all(data["figures"][i] is None for i in data["missing"])
    assert all(data["figures"][i] is not None for i in FIGURE_IDS if i not in data["missing"])


def test_it_writes_the_docx(county, tmp_path, without_second_wave):
    target = tmp_path / "汇报.docx"
    out = run("--org", "中共甲镇委员会", "--from", "2026-01-01", "--to", "2026-06-30", "--docx", str(target))
    assert target.read_bytes()[:2] == b"PK"
    assert out.startswith("甲镇基层党建工作情况汇报") and "说明：以下数据平台暂无记录" in out


def test_it_names_an_unknown_organisation_and_a_bad_date(county):
    with pytest.raises(CommandError, match="未找到党组织“中共甲镇”；名称相近的组织：中共甲镇委员会"):
        run("--org", "中共甲镇", "--json")
    with pytest.raises(CommandError, match="--from 起始日期“2026-13-01”不是有效日期"):
        run("--org", "中共甲镇委员会", "--from", "2026-13-01", "--json")
    with pytest.raises(CommandError, match="晚于截止日期"):
        run("--org", "中共甲镇委员会", "--from", "2026-07-01", "--to", "2026-06-30", "--json")
