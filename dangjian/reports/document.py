"""The work report as a sequence of paragraphs (title, headings, body, problems, signature, appendix),
rendered from the county's template and the report's figures. The .docx writer, the page and the
preview all read this one structure, so they say the same thing."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import problems as problems_mod
from . import templating
from .figures import BY_ID, FIGURES, fmt
from .report import CountyReport
from .templating import BLANK, Segment

TITLE, HEADING, BODY, SIGNATURE, DATE, NOTE = "title", "heading", "body", "signature", "date", "note"
_RUNIN = re.compile(r"^（[一二三四五六七八九十]+）[^。]*。")
CN_NUMBERS = "一二三四五六七八九十"


@dataclass
class Para:
    kind: str
    segments: list[Segment]
    runin: str = ""  # a "（一）……。" heading run in at the start of a body paragraph (楷体)

    @property
    def text(self) -> str:
        return self.runin + templating.plain(self.segments)


@dataclass
class AppendixRow:
    id: str
    words: str
    key: str
    definition: str
    value: str
    records: int | None  # None: the block lists no records for this key


@dataclass
class ReportDocument:
    report: CountyReport
    title: str
    paragraphs: list[Para]
    problems: list[problems_mod.Problem]
    blank_figures: list[str] = field(default_factory=list)  # ids printed as blanks in the text
    writer_blanks: int = 0  # {待填} and names without data

    def appendix(self) -> list[AppendixRow]:
        rows = []
        for fig in FIGURES:
            value = self.report.figures[fig.id]
            count = None
            if value is not None:
                records = self.report.records(fig.id)
                count = records.count() if records is not None else None
            rows.append(AppendixRow(fig.id, fig.words, fig.key_text, fig.definition,
                                    f"{fmt(value)}{fig.unit}" if value is not None else "暂无数据", count))
        return rows


def cn_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _body(segments: list[Segment]) -> Para:
    """A body paragraph, its leading "（一）……。" split off as a run-in heading."""
    if segments and segments[0].kind == "text":
        m = _RUNIN.match(segments[0].text)
        if m:
            rest = segments[0].text[m.end():]
            return Para(BODY, ([Segment(rest)] if rest else []) + segments[1:], runin=m.group(0))
    return Para(BODY, segments)


def build(report: CountyReport, texts: dict[str, str] | None = None) -> ReportDocument:
    texts = texts or templating.current_texts()

    def render(key: str) -> list[Segment]:
        return templating.render(texts[key], report.figures, report.names)

    title = templating.plain(render("title"))
    opening = {"township": "opening_township", "branch": "opening_branch"}.get(report.names.get("level"), "opening")
    paras: list[Para] = [Para(BODY, render(opening)), Para(HEADING, [Segment("一、主要工作开展情况")])]
    paras += [_body(render(k)) for k in ("work_intro", "work_1", "work_2", "work_3")]
    paras.append(Para(HEADING, [Segment("二、存在问题")]))
    paras.append(_body(render("problems_intro")))
    drafted = problems_mod.draft(report)
    found = [p for p in drafted if not p.no_data]
    for i, p in enumerate(found):
        paras.append(Para(BODY, [Segment(p.text)] + ([Segment(f"（依据：{p.cited}）")] if p.citations else []),
                          runin=f"（{CN_NUMBERS[i] if i < 10 else i + 1}）{p.title}"))
    if not found:
        paras.append(Para(BODY, [Segment("平台数据中未发现突出问题，请撰写人结合实际补充。"), Segment(BLANK, "blank")]))
    absent = [p for p in drafted if p.no_data]
    if absent:
        paras.append(Para(NOTE, [Segment("以下方面暂无数据，请撰写人补充：" + "；".join(
            p.title.rstrip("。") for p in absent) + "。")]))
    paras.append(Para(HEADING, [Segment("三、下步改进措施")]))
    paras += [_body(render(k)) for k in ("measures_intro", "measures_1", "measures_2", "measures_3", "measures_4",
                                          "measures_5")]
    paras.append(Para(SIGNATURE, [Segment(report.org_name)]))
    paras.append(Para(DATE, [Segment(cn_date(report.date_to))]))
    blank_ids = []
    writer = 0
    for p in paras:
        for s in p.segments:
            if s.kind == "blank":
                if s.figure and s.figure not in blank_ids:
                    blank_ids.append(s.figure)
                elif not s.figure:
                    writer += 1
    blank_ids.sort(key=lambda i: list(BY_ID).index(i))
    return ReportDocument(report=report, title=title, paragraphs=paras, problems=drafted, blank_figures=blank_ids,
                          writer_blanks=writer)


def blanks_note(doc: ReportDocument) -> str:
    """The list of blanks printed after the signature (empty when there are none)."""
    parts = []
    if doc.blank_figures:
        parts.append("以下数据平台暂无记录，文中以“" + BLANK + "”标出：" + "；".join(
            f"{i}（{BY_ID[i].words}）" for i in doc.blank_figures) + "。")
    if doc.writer_blanks:
        parts.append(f"另有{doc.writer_blanks}处名称等文字留空，由撰写人填写。")
    return "".join(parts)
