"""The sample county (石桥县) gives exactly the published statistics (sample-county.stats.json)."""
import io
import json
from pathlib import Path

from django.core.management import call_command

from dangjian.core.actor import Actor
from dangjian.roster.engine import import_workbook

# Copies of the shared samples (/work/shared/samples), so that the test runs from a fresh clone.
SAMPLES = Path(__file__).parent / "data"


def contract_part(data, shape):
    """``data`` cut down to the keys of ``shape`` (extra keys are welcome; these must match exactly)."""
    if isinstance(shape, dict):
        return {key: contract_part(data[key], value) for key, value in shape.items()}
    return data


def test_it_gives_the_sample_countys_published_statistics(db):
    result = import_workbook(SAMPLES / "sample-county.xlsx", actor=Actor.command())
    assert result.faults == []
    expected = json.loads((SAMPLES / "sample-county.stats.json").read_text())

    out = io.StringIO()
    call_command("party_stats", "--as-of", "2026-06-30", "--json", stdout=out)
    data = json.loads(out.getvalue())

    assert contract_part(data, expected) == expected
    county = io.StringIO()
    call_command("party_stats", "--org", "中共石桥县委员会", "--as-of", "2026-06-30", "--json", stdout=county)
    assert contract_part(json.loads(county.getvalue()), expected) == expected
