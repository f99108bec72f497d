"""The sample county's ledgers give exactly the published ``co_building`` and ``two_new`` blocks
(sample-ledgers.expected.json), for the whole database and for 中共大河街道工作委员会."""
import io
import json
from pathlib import Path

from django.core.management import call_command

from dangjian.core.actor import Actor
from dangjian.roster.engine import import_workbook

DATA = Path(__file__).parent / "data"
COUNTY = Path(__file__).parents[2] / "stats" / "tests" / "data" / "sample-county.xlsx"
BLOCKS = ("co_building", "two_new")


def stats(*extra):
    out = io.StringIO()
    call_command("party_stats", "--from", "2025-07-01", "--to", "2026-06-30", "--as-of", "2026-06-30", "--json",
                 *extra, stdout=out)
    return json.loads(out.getvalue())


def test_it_gives_the_sample_ledgers_published_blocks(db):
    assert import_workbook(COUNTY, actor=Actor.command()).faults == []
    result = import_workbook(DATA / "sample-ledgers.xlsx", actor=Actor.command())
    assert result.faults == []
    expected = json.loads((DATA / "sample-ledgers.expected.json").read_text())

    county = stats()
    assert {k: county[k] for k in BLOCKS} == {k: expected["county"][k] for k in BLOCKS}
    scope = stats("--org", expected["scope"]["org"])
    assert {k: scope[k] for k in BLOCKS} == {k: expected["scope"]["blocks"][k] for k in BLOCKS}

    # Importing the same ledgers again changes nothing.
    again = import_workbook(DATA / "sample-ledgers.xlsx", actor=Actor.command())
    assert again.faults == []
    for sheet in ("共建单位", "兼职委员", "共建事项", "共享资源", "两新组织", "星级评定", "党建品牌"):
        assert again.counts[sheet]["created"] == 0 and again.counts[sheet]["updated"] == 0, sheet

    # The export re-imports to the same data.
    from dangjian.roster.engine import export_workbook

    content = export_workbook(None)
    back = import_workbook(io.BytesIO(content), actor=Actor.command())
    assert back.faults == []
    for sheet, n in (("共建单位", 18), ("兼职委员", 9), ("共建事项", 32), ("共享资源", 9), ("两新组织", 48),
                     ("星级评定", 24), ("党建品牌", 9)):
        assert back.counts[sheet] == {"created": 0, "updated": 0, "unchanged": n}, sheet
    assert {k: stats()[k] for k in BLOCKS} == {k: expected["county"][k] for k in BLOCKS}
