"""The sample county's ledgers (sample-ledgers.xlsx, imported after sample-county.xlsx) give exactly the
published ``governance`` block (sample-ledgers.expected.json), for the whole database and for
中共大河街道工作委员会; a second import changes nothing, and the export re-imports unchanged."""
import io
import json
from pathlib import Path

from django.core.management import call_command

from dangjian.core.actor import Actor
from dangjian.roster.engine import export_workbook, import_workbook

DATA = Path(__file__).parent / "data"
COUNTY = Path(__file__).resolve().parents[2] / "stats" / "tests" / "data" / "sample-county.xlsx"
SHEETS = ("议事事项", "纠纷调处", "服务目录", "便民服务", "四风案件")


def _stats(*extra):
    out = io.StringIO()
    call_command("party_stats", "--from", "2025-07-01", "--to", "2026-06-30", "--as-of", "2026-06-30", *extra,
                 "--json", stdout=out)
    return json.loads(out.getvalue())["governance"]


def _contract(block, expected):
    return {k: block[k] for k in expected}


def test_it_gives_the_sample_ledgers_governance_block_and_reimports_unchanged(db):
    assert import_workbook(COUNTY, actor=Actor.command()).faults == []
    result = import_workbook(DATA / "sample-ledgers.xlsx", actor=Actor.command())
    assert result.faults == []
    assert result.counts["便民服务"]["created"] == 2600
    expected = json.loads((DATA / "sample-ledgers.expected.json").read_text())

    assert _contract(_stats(), expected["county"]["governance"]) == expected["county"]["governance"]
    scoped = expected["scope"]["blocks"]["governance"]
    assert _contract(_stats("--org", expected["scope"]["org"]), scoped) == scoped

    again = import_workbook(DATA / "sample-ledgers.xlsx", actor=Actor.command())
    assert again.faults == []
    for sheet in SHEETS:
        assert again.counts[sheet]["created"] == 0 and again.counts[sheet]["updated"] == 0, sheet

    exported = export_workbook(None)
    back = import_workbook(io.BytesIO(exported), actor=Actor.command())
    assert back.faults == []
    for sheet in SHEETS:
        assert back.counts[sheet]["created"] == 0 and back.counts[sheet]["updated"] == 0, sheet
