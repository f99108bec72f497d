"""Issue 14: chart value labels were clipped (991 drawn as "99", 17,992 as "17"). The charts' grid must contain
its axis labels and leave room on the side the value labels stand on."""
import re
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "static" / "reports/dashboard.js"


def test_the_charts_leave_room_for_their_value_labels():
    js = SCRIPT.read_text(encoding="utf-8")
    grids = re.findall(r"grid = \{[^}]*\}|grid: \{[^}]*\}", js)
    assert grids
    for grid in grids:
        assert "containLabel: true" in grid
        right = re.search(r"right: (?:horizontal \? )?(\d+)", grid)
        assert right and int(right.group(1)) >= 60, grid
