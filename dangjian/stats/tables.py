"""The statistics page's tables, each the data of one chart, made from ``compute_party_stats``'s result.

The page draws them (ECharts, from the same rows) and the Excel export writes one sheet per table,
so what a user sees and what they download are the same figures.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dangjian.register.statistics import JOIN_ERA_LABELS
from dangjian.register.vocab import AGE_BAND_LABELS, AGE_BANDS, DIVISION_STAT_KEYS, ORG_STAT_KEYS


@dataclass
class Table:
    key: str  # also the chart's element id suffix
    title: str  # sheet name too: at most 31 characters, none of []:*?/\
    label_header: str
    rows: list[tuple[str, int]]
    chart: str = ""  # "bar", "hbar", "pie" or "" (table only)
    members: bool = False  # a table of members: empty when the scope has no members
    total: int | None = None  # the base of the 占比 column; None: no such column
    notes: list[str] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [self.label_header, "数量"] + (["占比"] if self.total is not None else [])

    @property
    def display_rows(self) -> list[list[Any]]:
        return [[label, n] + ([share(n, self.total)] if self.total is not None else []) for label, n in self.rows]

    def chart_data(self) -> dict:
        return {"id": self.key, "title": self.title, "kind": self.chart,
                "labels": [label for label, _ in self.rows], "values": [n for _, n in self.rows]}


def share(n: int, total: int | None) -> str:
    if not total:
        return "—"
    return f"{n * 100 / total:.1f}%"


_DIVISION_LABELS = {key: str(category) for category, key in DIVISION_STAT_KEYS.items()}
_ORG_LABELS = {key: str(org_type) for org_type, key in ORG_STAT_KEYS.items()}


def build_tables(stats: dict) -> list[Table]:
    d, o, m = stats["divisions"], stats["organizations"], stats["members"]
    total = m["total"]
    return [
        Table("divisions", "行政区划", "类别",
              [(_DIVISION_LABELS[key], d[key]) for key in DIVISION_STAT_KEYS.values()] + [("社区合计", d["community"])]),
        Table("org-types", "基层党组织（按组织类别）", "组织类别",
              [(_ORG_LABELS[key], o[key]) for key in ORG_STAT_KEYS.values()], chart="bar", total=o["total"],
              notes=[f"合计{o['total']}个，其中“两新”组织党组织{o['two_new']}个；不含县委和已停用的组织"]),
        Table("full-probationary", "正式党员与预备党员", "类别",
              [("正式党员", m["full"]), ("预备党员", m["probationary"])], chart="pie", members=True, total=total),
        Table("age", "党员年龄结构", "年龄段",
              [(AGE_BAND_LABELS[key], m["age_bands"][key]) for key, _lo, _hi in AGE_BANDS], chart="bar",
              members=True, total=total, notes=[f"按统计日期{stats['as_of']}计算周岁"]),
        Table("education", "党员学历", "学历", list(m["by_education"].items()), chart="bar", members=True, total=total,
              notes=[f"大专及以上{m['college_or_above']}名"]),
        Table("sex", "党员性别", "性别", [("男", m["male"]), ("女", m["female"])], chart="pie", members=True,
              total=total),
        Table("occupation", "党员人员类别", "人员类别", list(m["by_occupation"].items()), chart="hbar", members=True,
              total=total),
        Table("ethnicity", "党员民族", "民族", list(m["by_ethnicity"].items()), members=True, total=total,
              notes=[f"少数民族{m['ethnic_minority']}名"]),
        Table("join-eras", "党员入党时间", "入党时间", [(JOIN_ERA_LABELS[k], n) for k, n in m["join_eras"].items()],
              members=True, total=total),
        Table("other", "其他党员情况", "项目",
              [("流动党员", m["floating"]), ("“两新”组织党员", m["in_two_new"]),
               ("留党察看", m["under_party_probation"]), ("停止党籍（不计入党员总数）", m["suspended"])],
              members=True),
    ]


def flatten(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """A block's nested dict as (dotted key, value) rows, for blocks the page does not know."""
    if isinstance(data, dict):
        rows = []
        for key, value in data.items():
            rows += flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return rows
    if isinstance(data, (list, tuple)):
        from .labels import value

        return [(prefix, value(data))]
    return [(prefix, data)]
