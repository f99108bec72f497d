"""The dashboard of a scope: every figure beside the same period of the previous year, in charts,
with a drill-down to the organisations one level below (county → township → branch)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from dangjian.core.extensions import stats_blocks
from dangjian.register.models import Organization
from dangjian.register.rules import add_years
from dangjian.stats.services import compute_party_stats

from .figures import BY_ID, FIGURES, fmt
from .report import CountyReport, compute_report

def _ids(*numbers) -> list[str]:
    return [f"F{i:02d}" for i in numbers]


# Figures of comparable size share a chart (a county's 4,000 members would flatten its 10 townships).
GROUPS = [
    ("行政区划", _ids(1, 2, 3, 4, 5, 6, 7)),
    ("基层党组织", _ids(8, 9, 10, 11, 12)),
    ("党员", _ids(13)),
    ("发展党员", _ids(23, 24, 26, 27, 28)),
    ("村（社区）治理", _ids(14, 15, 16, 17)),
    ("区域化党建与品牌", _ids(18, 19, 20, 21, 22, 35)),
    ("便民服务目录", _ids(33, 34)),
    ("党建服务平台与组织生活", _ids(29, 30, 31, 32, 36)),
    ("基地到馆党员", _ids(37)),
    ("队伍建设", _ids(39, 40, 41)),
    ("书记报酬（元/月）", _ids(42, 43, 44, 45)),
    ("经费投入（万元）", _ids(38, 46)),
]
CHILD_BLOCKS = ("organizations", "members", "recruitment")
CHILD_FIGURES = ("F08", "F13", "F23", "F24")


@dataclass
class Row:
    id: str
    label: str
    now: str
    before: str
    change: str
    missing: bool


@dataclass
class Board:
    report: CountyReport
    previous: CountyReport
    groups: list[tuple[str, list[Row]]]
    children: list = field(default_factory=list)

    @property
    def charted(self) -> set[str]:
        return {c["id"] for c in self.chart_data()}

    def chart_data(self) -> list[dict]:
        charts = []
        for title, ids in GROUPS:
            ids = [i for i in ids if self.report.figures[i] is not None or self.previous.figures[i] is not None]
            if not ids:
                continue
            charts.append({"id": title, "title": title, "labels": [f"{i} {_short(i)}" for i in ids],
                           "now": [self.report.figures[i] for i in ids], "before": [self.previous.figures[i] for i in ids]})
        return charts


def _short(fid: str) -> str:
    return BY_ID[fid].words.replace("X", "").replace("“", "").replace("”", "")[:14]


def previous_period(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.date, datetime.date]:
    return add_years(date_from, -1), add_years(date_to, -1)


def _change(now, before) -> str:
    if now is None or before is None:
        return "—"
    diff = now - before
    if isinstance(diff, float):
        diff = round(diff, 1)
    if diff > 0:
        return f"增加{fmt(diff)}"
    if diff < 0:
        return f"减少{fmt(-diff)}"
    return "持平"


def build(org, date_from, date_to, user=None) -> Board:
    report = compute_report(org, date_from, date_to)
    prev_from, prev_to = previous_period(date_from, date_to)
    previous = compute_report(org, prev_from, prev_to)
    groups = []
    for title, ids in GROUPS:
        rows = []
        for i in ids:
            now, before = report.figures[i], previous.figures[i]
            unit = BY_ID[i].unit
            rows.append(Row(i, BY_ID[i].words, f"{fmt(now)}{unit}" if now is not None else "暂无数据",
                            f"{fmt(before)}{unit}" if before is not None else "暂无数据", _change(now, before),
                            now is None))
        groups.append((title, rows))
    board = Board(report, previous, groups)
    board.children = children(org, date_from, date_to, user)
    return board


def children(org, date_from, date_to, user=None) -> list:
    """The organisations one level below (in the user's scope), each with a few figures."""
    qs = Organization.objects.filter(is_active=True).select_related("division")
    qs = qs.filter(parent=org) if org is not None else qs.filter(depth=1)
    if user is not None:
        qs = qs.for_user(user, "view")
    blocks = [b for b in stats_blocks() if b.key in CHILD_BLOCKS]
    out = []
    for child in qs.order_by("path")[:200]:
        stats = compute_party_stats(child, as_of=date_to, date_from=date_from, date_to=date_to, blocks=blocks)
        figures = []
        for fid in CHILD_FIGURES:
            fig = BY_ID[fid]
            block = stats.get(fig.block)
            value = block.get(fig.keys[0]) if block is not None else None
            figures.append((fid, fig.words, "暂无数据" if value is None else value))
        out.append((child, figures))
    return out


__all__ = ["Board", "FIGURES", "build", "previous_period"]
