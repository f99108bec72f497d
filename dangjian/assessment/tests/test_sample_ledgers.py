"""The sample ledgers give exactly the published ``accountability`` block (sample-ledgers.expected.json),
for the whole database and for 中共大河街道工作委员会; the 整改台账 sheet re-imports to the same data."""
import io
import json
from pathlib import Path

from django.core.management import call_command

from dangjian.assessment.models import Problem
from dangjian.core.actor import Actor
from dangjian.roster.engine import import_workbook

DATA = Path(__file__).parent / "data"
COUNTY = Path(__file__).parents[2] / "stats" / "tests" / "data" / "sample-county.xlsx"
ARGS = ("--from", "2025-07-01", "--to", "2026-06-30", "--as-of", "2026-06-30", "--json")


def stats(*extra):
    out = io.StringIO()
    call_command("party_stats", *ARGS, *extra, stdout=out)
    return json.loads(out.getvalue())


def contract(block: dict) -> dict:
    """The contract's six keys, which come first; the keys after them are the report's extras (no plans
    in the samples: 0)."""
    six = dict(list(block.items())[:6])
    assert {k: v for k, v in block.items() if k not in six} == {"bottom_places_undecided": 0,
                                                                "results_without_decision": 0}
    return six


def test_the_sample_ledgers_give_the_published_accountability_block(db, tmp_path):
    assert import_workbook(COUNTY, actor=Actor.command()).faults == []
    result = import_workbook(DATA / "sample-ledgers.xlsx", actor=Actor.command())
    assert result.faults == []
    expected = json.loads((DATA / "sample-ledgers.expected.json").read_text())
    assert contract(stats()["accountability"]) == expected["county"]["accountability"]
    scope = expected["scope"]
    assert contract(stats("--org", scope["org"])["accountability"]) == scope["blocks"]["accountability"]

    # Importing it again changes nothing; the export re-imports to the same data.
    again = import_workbook(DATA / "sample-ledgers.xlsx", actor=Actor.command())
    assert again.faults == [] and again.counts["整改台账"]["created"] == 0 and again.counts["整改台账"]["updated"] == 0
    before = list(Problem.objects.order_by("number").values_list("number", "signed_off_on", "recurring"))
    path = tmp_path / "out.xlsx"
    call_command("export_roster", str(path), stdout=io.StringIO())
    third = import_workbook(path, actor=Actor.command())
    assert third.faults == [] and third.counts["整改台账"] == {"created": 0, "updated": 0, "unchanged": 56}
    assert list(Problem.objects.order_by("number").values_list("number", "signed_off_on", "recurring")) == before
