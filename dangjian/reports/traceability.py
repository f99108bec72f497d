"""The companion .xlsx of the work report: every figure with its id, definition and value, and one
sheet per figure listing the records behind it (the same list as the figure's page on screen).
A plain function of a ``CountyReport``, so a background job can call it."""
from __future__ import annotations

import re

from dangjian.core.excel import write_workbook

from .document import ReportDocument
from .figures import BY_ID, fmt

_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_ROWS = 200_000  # a sheet holds at most ~1M rows; a county's figures stay far below


def sheet_title(fid: str) -> str:
    words = _FORBIDDEN.sub("", BY_ID[fid].words.replace("X", "")).replace("…", "")
    return f"{fid} {words}"[:31]


def to_xlsx(rd: ReportDocument) -> bytes:
    report = rd.report
    overview = []
    details = []
    for row in rd.appendix():
        overview.append([row.id, row.words, row.key, row.definition, row.value,
                         "—" if row.records is None else row.records])
        if row.records:
            records = report.records(row.id)
            details.append((sheet_title(row.id), list(records.headers), records.rows(0, MAX_ROWS)))
    state_rows = [[s.label, s.key, s.status] for s in report.states.values()]
    head = [["统计范围", f"{report.org_name}（含下级组织）"],
            ["统计期间", f"{report.date_from:%Y-%m-%d} 至 {report.date_to:%Y-%m-%d}（时点数据取截止日）"],
            ["暂无数据的数字", "、".join(report.missing) or "无"]]
    sheets = [("数据一览", ["编号", "原文", "统计口径", "定义", "数值", "明细记录（条）"], overview),
              ("说明", ["项目", "内容"], head + [["", ""], ["模块", "状态"]] + [[f"{a}（{b}）", c] for a, b, c in state_rows])]
    sheets += details
    widths = {"数据一览": [8, 36, 40, 50, 14, 14], "说明": [30, 80]}
    for title, headers, _rows in details:
        widths[title] = [18] * len(headers)
    return write_workbook(sheets, widths=widths)


def value_text(fid: str, value) -> str:
    return f"{fmt(value)}{BY_ID[fid].unit}" if value is not None else "暂无数据"
