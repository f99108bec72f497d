"""The county's work report for an organisation and a period: figures, names and the blanks.

Everything comes from ``compute_party_stats`` (the blocks of ``core.extensions.stats_blocks``); this
app never reads another app's models. ``compute_report`` is a plain function so that a command, a
page or a background job can call it.

When does a module "hold no data" for the scope (its figures null and listed in ``missing``)?
1. its block is not installed (no app provides the key);
2. the block says so: ``StatsBlock.has_data(org, date_to)`` returned False (nothing ever recorded in
   the scope — a real 0 in the period is still printed as 0);
3. a block without ``has_data``: every number it returned is 0 or null (so a module nobody uses in
   this scope shows blanks, never a row of invented zeros);
4. the key itself is null (a rate without denominator, a min over no community, a pay standard not
   in force).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from dangjian.core.extensions import KeyRecords, ListSource, StatsBlock, block_records, stats_blocks
from dangjian.stats.services import compute_party_stats

from .figures import BY_ID, CONSTANT, FIGURES, resolve

MAX_BRANDS = 3
COMMITTEE_TYPES = ("县委", "党委", "党工委")


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """Since 1 January of the year four years back, to today (the seed's "2019年以来" in 2023)."""
    today = today or timezone.localdate()
    return datetime.date(today.year - 4, 1, 1), today


def _has_numbers(data: Any) -> bool:
    """Whether a block dict holds any number other than 0 (``period`` and texts left out)."""
    if isinstance(data, dict):
        return any(_has_numbers(v) for k, v in data.items() if k != "period")
    if isinstance(data, (list, tuple)):
        return any(_has_numbers(v) for v in data)
    if isinstance(data, bool):
        return data
    return isinstance(data, (int, float)) and data != 0


@dataclass
class BlockState:
    key: str
    label: str
    installed: bool
    has_data: bool

    @property
    def status(self) -> str:
        if not self.installed:
            return "模块未安装"
        return "有数据" if self.has_data else "本范围暂无数据"


@dataclass
class CountyReport:
    org: Any  # register.Organization or None (the whole database)
    date_from: datetime.date
    date_to: datetime.date
    stats: dict
    figures: dict[str, Any]
    missing: list[str]
    blocks: dict[str, StatsBlock]
    states: dict[str, BlockState]
    names: dict[str, str] = field(default_factory=dict)

    @property
    def org_name(self) -> str:
        return self.org.name if self.org is not None else "全部党组织"

    def block(self, key: str) -> dict | None:
        """The block's dict when the module holds data for the scope, else None."""
        state = self.states.get(key)
        return self.stats.get(key) if state is not None and state.has_data else None

    def to_json(self) -> dict:
        return {"org": self.org_name, "from": self.date_from.isoformat(), "to": self.date_to.isoformat(),
                "figures": dict(self.figures), "missing": list(self.missing)}

    def records(self, figure_id: str):
        """The records behind a figure (``KeyRecords``), or None when its block lists none."""
        fig = BY_ID[figure_id]
        block = self.blocks.get(fig.block)
        if block is None or fig.kind == CONSTANT or not self.states[fig.block].has_data:
            return None
        parts = [block_records(block, self.org, self.date_to, self.date_from, self.date_to, key) for key in fig.keys]
        if any(p is None for p in parts):
            return None
        if len(parts) == 1:
            return parts[0]
        # A sum of keys (F09: 党委 + 党工委): the lists one after the other, as rows.
        rows = ListSource(row for p in parts for row in p.rows())
        return KeyRecords(parts[0].headers, rows, lambda row: row)


# The blocks the report reads (figures, then 存在问题's evidence), in order; the register's are always installed.
REPORT_BLOCKS = list(dict.fromkeys([f.block for f in FIGURES] + ["two_new", "accountability"]))
# Names for the modules of blocks not installed (an installed block names itself).
MODULE_LABELS = {"governance": "村（社区）治理", "co_building": "区域化党建", "two_new": "“两新”党建",
                 "cadres": "干部队伍与保障", "accountability": "整改台账"}


def compute_report(org=None, date_from: datetime.date | None = None, date_to: datetime.date | None = None,
                   blocks: list[StatsBlock] | None = None) -> CountyReport:
    default_from, default_to = default_period()
    date_from, date_to = date_from or default_from, date_to or default_to
    blocks = stats_blocks() if blocks is None else blocks
    stats = compute_party_stats(org, as_of=date_to, date_from=date_from, date_to=date_to, blocks=blocks)
    by_key = {b.key: b for b in blocks}
    states: dict[str, BlockState] = {}
    for key in dict.fromkeys(REPORT_BLOCKS + list(by_key)):
        block = by_key.get(key)
        if block is None:
            states[key] = BlockState(key, MODULE_LABELS.get(key, key), False, False)
            continue
        data = stats.get(key)
        has = block.has_data(org, date_to) if block.has_data is not None else _has_numbers(data)
        states[key] = BlockState(key, block.label, True, bool(has))
    figures, missing = {}, []
    for fig in FIGURES:
        state = states[fig.block]
        value = resolve(fig, stats.get(fig.block) if state.has_data else None)
        figures[fig.id] = value
        if value is None:
            missing.append(fig.id)
    report = CountyReport(org=org, date_from=date_from, date_to=date_to, stats=stats, figures=figures,
                          missing=missing, blocks=by_key, states=states)
    report.names = names_for(report)
    return report


_WHOLE = {"县": "县", "县级市": "市", "区": "区", "乡": "乡", "镇": "镇", "街道": "街道", "村": "村",
          "城市社区": "社区", "村改居社区": "社区"}


def names_for(report: CountyReport) -> dict[str, str]:
    """The names in the text that are not numbers: the place, "全县"/"我县", the brands."""
    org = report.org
    division = getattr(org, "division", None)
    level = "county"
    if division is None:
        place, whole, ours = "本县", "全县", "我县"
    elif org.org_type in COMMITTEE_TYPES:
        unit = _WHOLE.get(division.category, "县")
        place, whole, ours = division.name, f"全{unit}", f"我{unit}"
        if org.org_type != "县委":
            level = "township"
    else:  # a 党总支 or branch speaks for itself, not for its village
        place, whole, ours, level = org.name, "本组织", "本组织", "branch"
    return {"level": level, "地名": place, "全域": whole, "我地": ours, "组织名称": report.org_name,
            "起始年": str(report.date_from.year), "品牌": "、".join(brand_names(report))}


def brand_names(report: CountyReport) -> list[str]:
    """Up to three brands recognised in the period: from ``co_building.brand_names`` when the block
    exposes it, else from the first column of the records behind ``co_building.brands``."""
    block = report.block("co_building")
    if block is None:
        return []
    names = block.get("brand_names")
    if isinstance(names, (list, tuple)):
        return [str(n) for n in names[:MAX_BRANDS]]
    records = report.records("F35")
    if records is None:
        return []
    return [str(row[0]) for row in records.rows(0, MAX_BRANDS) if row and row[0]]
