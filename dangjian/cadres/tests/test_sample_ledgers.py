"""The sample county's ledgers give exactly the published ``cadres`` block (sample-ledgers.expected.json),
for the whole database and for 中共大河街道工作委员会; the export re-imports without a change."""
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from dangjian.core.actor import Actor
from dangjian.roster.engine import export_workbook, import_workbook

DATA = Path(__file__).parent / "data"
STATS_DATA = Path(__file__).parents[2] / "stats" / "tests" / "data"
SHEETS = ("干部", "报酬标准", "社区经费", "阵地投入", "培训")


def _stats(*extra):
    out = io.StringIO()
    call_command("party_stats", "--from", "2025-07-01", "--to", "2026-06-30", "--as-of", "2026-06-30", "--json",
                 *extra, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def sample(db):
    result = import_workbook(STATS_DATA / "sample-county.xlsx", actor=Actor.command())
    assert result.faults == []
    result = import_workbook(DATA / "sample-ledgers.xlsx", actor=Actor.command())
    assert result.faults == []
    return result


def test_it_gives_the_published_cadres_block_for_the_county_and_for_a_street(sample):
    expected = json.loads((DATA / "sample-ledgers.expected.json").read_text())
    assert _stats()["cadres"] == expected["county"]["cadres"]
    assert _stats("--org", expected["scope"]["org"])["cadres"] == expected["scope"]["blocks"]["cadres"]


def test_it_warns_about_training_rows_for_people_the_organisation_has_not_registered(sample):
    warned = [w for w in sample.warnings if w.sheet == "培训"]
    assert warned and all(w.column == "姓名" and "请核对" in w.message for w in warned)
    assert sample.counts["培训"]["created"] == 71  # warned rows are imported all the same


def test_it_changes_nothing_when_the_same_ledgers_or_their_export_are_imported_again(sample):
    again = import_workbook(DATA / "sample-ledgers.xlsx", actor=Actor.command())
    assert again.faults == []
    for sheet in SHEETS:
        assert again.counts[sheet]["created"] == again.counts[sheet]["updated"] == 0, sheet
    exported = export_workbook(None)
    back = import_workbook(exported, actor=Actor.command())
    assert back.faults == []
    for sheet in SHEETS:
        assert back.counts[sheet]["created"] == back.counts[sheet]["updated"] == 0, sheet
