"""二、存在问题 drafted from evidence, for the writer to edit.

Each point is written only from the figures of a block (and, when the block lists them, the records
behind a key — the branches named with their counts); each cites its figures in brackets. A module
that is not installed or holds no data for the scope gives a "暂无数据" line, never a guess. A point
whose evidence shows no problem is left out (the writer may add their own).

Keys read (block.key): organisational_life.{branches_short, required_slots, met_slots, compliance_rate};
accountability.{overdue, recurring, open, problems_found, bottom_places_undecided, results_without_decision};
two_new.{units, units_with_party_organization, coverage_rate}; recruitment.overdue_steps.
``bottom_places_undecided`` and ``results_without_decision`` are extra keys of the assessment module
(末位 without an accountability decision; published plans whose results fed no decision); their records
name the organisations and plans. A block without them (the module not installed) gives 暂无数据.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .report import CountyReport

NAMED = 5


def cn_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"  # how many branches or records a point names


@dataclass
class Problem:
    title: str
    text: str
    citations: list[tuple[str, str, object]] = field(default_factory=list)  # (label, block.key, value)
    no_data: bool = False

    @property
    def cited(self) -> str:
        """The figures cited, as the document prints them: "应开展组织生活项次1969；…"."""
        return "；".join(f"{label}{_plain(value)}" for label, _key, value in self.citations)

    @property
    def cited_keys(self) -> str:
        """The same with their statistics keys, for the page and the data workbook."""
        return "；".join(f"{label}{_plain(value)}（{key}）" for label, key, value in self.citations)


def _plain(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value <= 1:
        return _pct(value)
    return str(value)


def _score(value) -> str:
    """A score without trailing zeros: Decimal("70.50") → "70.5"."""
    from decimal import Decimal

    return format(value.normalize(), "f") if isinstance(value, Decimal) else _plain(value)


def _rank(text) -> str:
    """"3/3" (rank/group size) → "排第3名（共3个）"."""
    rank, _, size = str(text).partition("/")
    return f"排第{rank}名（共{size}个）" if size else f"排第{rank}名"


def _pct(rate) -> str:
    return "—" if rate is None else f"{float(rate) * 100:.1f}%"


def _names(report: CountyReport, block: str, key: str, fmt) -> tuple[str, int]:
    """Up to NAMED records behind ``block.key`` formatted by ``fmt(row)``, and how many there are."""
    from dangjian.core.extensions import block_records

    b = report.blocks.get(block)
    if b is None:
        return "", 0
    records = block_records(b, report.org, report.date_to, report.date_from, report.date_to, key)
    if records is None:
        return "", 0
    rows = records.rows(0, NAMED)
    return "、".join(fmt(r) for r in rows), records.count()


def _no_data(title: str, module: str) -> Problem:
    return Problem(title, f"暂无数据：{module}尚未在平台中登记本范围的数据，请撰写人根据实际情况补充。", no_data=True)


def draft(report: CountyReport) -> list[Problem]:
    out: list[Problem] = []
    period = f"{cn_date(report.date_from)}至{cn_date(report.date_to)}"

    # "两新" units without a Party body.
    t = report.block("two_new")
    title = "“两新”组织党组织覆盖还有空白。"
    if t is None:
        out.append(_no_data(title, "“两新”组织排查"))
    else:
        units, covered = t.get("units") or 0, t.get("units_with_party_organization") or 0
        if units > covered:
            out.append(Problem(title, f"截至{cn_date(report.date_to)}，排查登记的“两新”组织{units}个，"
                                      f"其中尚未建立党组织的{units - covered}个，党组织覆盖率{_pct(t.get('coverage_rate'))}，"
                                      "部分“两新”组织党建工作基础仍然薄弱。",
                               [("排查“两新”组织数", "two_new.units", units),
                                ("已建党组织的", "two_new.units_with_party_organization", covered),
                                ("覆盖率", "two_new.coverage_rate", t.get("coverage_rate"))]))

    # Branches that missed required organisational life.
    o = report.block("organisational_life")
    title = "基层党组织制度落实不规范。"
    if o is None:
        out.append(_no_data(title, "组织生活"))
    elif o.get("branches_short"):
        listed = o.get("branches_short_named")
        if isinstance(listed, list):
            named = "、".join(f"{b['name']}（未开展{b['missed']}项次）" for b in listed[:NAMED])
        else:
            named, _ = _names(report, "organisational_life", "branches_short", lambda r: f"{r[0]}（未开展{r[4]}项次）")
        out.append(Problem(title, f"{period}，应开展组织生活{o['required_slots']}项次，已开展{o['met_slots']}项次，"
                                  f"完成率{_pct(o.get('compliance_rate'))}；有{o['branches_short']}个党支部未按规定开展"
                                  f"组织生活" + (f"，如{named}" if named else "") + "。",
                           [("应开展项次", "organisational_life.required_slots", o["required_slots"]),
                            ("已开展项次", "organisational_life.met_slots", o["met_slots"]),
                            ("未按规定开展的党支部", "organisational_life.branches_short", o["branches_short"])]))

    a = report.block("accountability")
    # Bottom places without a recorded decision.
    title = "对党建责任落实抓得不够到位。"
    if a is None or a.get("bottom_places_undecided") is None:
        out.append(_no_data(title, "考核排名末位问责"))
    elif a["bottom_places_undecided"]:
        # The records: (被考核党组织, 考核方案, 同类组, 名次, 总分, 公布日期).
        named, _ = _names(report, "accountability", "bottom_places_undecided",
                          lambda r: f"{r[0]}（在《{r[1]}》{_rank(r[3])}，{_score(r[4])}分）" if len(r) > 4 else str(r[0]))
        out.append(Problem(title, f"{period}公布的考核结果中，排序末位的单位有{a['bottom_places_undecided']}个"
                                  "尚未记录问责或处理决定" + (f"，如{named}" if named else "")
                                  + "，问责惩处措施没有完全兑现。",
                           [("末位未作决定", "accountability.bottom_places_undecided", a["bottom_places_undecided"])]))
    # Rectifications overdue or recurring.
    title = "对党建问题整改抓得不够深入。"
    if a is None:
        out.append(_no_data(title, "整改台账"))
    elif a.get("overdue") or a.get("recurring"):
        overdue, recurring, still_open = a.get("overdue") or 0, a.get("recurring") or 0, a.get("open") or 0
        # The ledger's records: (问题编号, 所在党组织, 问题类别, …); a block listing other columns shows its first.
        named, _ = _names(report, "accountability", "overdue",
                          lambda r: f"{r[1]}（{r[2]}，{r[0]}）" if len(r) > 2 else str(r[0]))
        text = (f"截至{cn_date(report.date_to)}，整改台账中尚未销号的问题{still_open}个，其中超过整改时限的{overdue}个"
                + (f"，如{named}" if named else "") + f"；{period}发现的问题中，反复出现的{recurring}个，"
                "个别单位个别党建问题多次出现，整改工作没有落实到位。")
        out.append(Problem(title, text, [("未销号", "accountability.open", still_open),
                                         ("超过整改时限", "accountability.overdue", overdue),
                                         ("反复出现", "accountability.recurring", recurring)]))
    # Assessment results that fed no decision.
    title = "对党建考核结果运用不够充分。"
    if a is None or a.get("results_without_decision") is None:
        out.append(_no_data(title, "考核结果运用"))
    elif a["results_without_decision"]:
        # The records: (考核方案, 组织考核的党组织, 考核期间, 公布日期, 被考核党组织数).
        named, _ = _names(report, "accountability", "results_without_decision",
                          lambda r: f"{r[1]}《{r[0]}》（{cn_date(r[3])}公布，考核{r[4]}个党组织）"
                          if len(r) > 4 and r[3] else str(r[0]))
        out.append(Problem(title, f"{period}公布的考核方案中，有{a['results_without_decision']}项考核结果没有运用到评优评先、"
                                  "提拔任用或教育培训的决定中" + (f"，如{named}" if named else "")
                                  + "，考核“指挥棒”作用没有充分发挥。",
                           [("未运用的考核结果", "accountability.results_without_decision", a["results_without_decision"])]))

    # Recruitment steps overdue.
    r = report.block("recruitment")
    title = "发展党员工作程序落实不够及时。"
    if r is None or r.get("overdue_steps") is None:
        out.append(_no_data(title, "发展党员"))
    elif r["overdue_steps"]:
        named, _ = _names(report, "recruitment", "overdue_steps", lambda row: f"{row[1]}{row[0]}（{row[2]}，逾期{row[4]}天）")
        out.append(Problem(title, f"截至{cn_date(report.date_to)}，有{r['overdue_steps']}项发展党员步骤超过规定时限未办理"
                                  + (f"，如{named}" if named else "") + "。",
                           [("逾期的发展党员步骤", "recruitment.overdue_steps", r["overdue_steps"])]))
    return out
