"""月通报 and 季评比: a committee's branches' compliance for a period, on screen, as .docx and .xlsx."""
from __future__ import annotations

import io
from dataclasses import dataclass

from dangjian.core import excel
from dangjian.register.models import Organization

from . import compliance, rules
from .vocab import ActivityType

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Bulletin:
    org: Organization | None
    period: rules.Period
    report: compliance.ComplianceReport
    ranked: list[compliance.BranchCompliance]

    @property
    def scope_name(self) -> str:
        return self.org.name if self.org is not None else "全部党组织"

    @property
    def kind_label(self) -> str:
        return "季度评比" if self.period.months == 3 else "通报"

    @property
    def title(self) -> str:
        return f"关于{self.period.label}基层党组织组织生活开展情况的{'通报' if self.period.months != 3 else '通报及评比'}"

    def summary(self) -> str:
        r = self.report
        n = len(r.branches)
        if not n:
            return f"{self.scope_name}所辖范围内没有党支部。"
        text = (f"{self.period.label}，{self.scope_name}所辖{n}个党支部应开展组织生活{r.required}项次，"
                f"已开展{r.met}项次，完成率{_pct(r.rate)}；{r.full_branches}个党支部全部完成，"
                f"{n - r.full_branches}个党支部有未开展事项。共登记活动记录{r.activities}条，"
                f"其中补录{r.late_records}条；会议平均出席率{_pct(r.attendance_rate)}；上级调阅{r.reviews}次。")
        weakest = [b for b in self.ranked if b.required and b.met < b.required][-3:]
        if weakest:
            text += "完成率较低的有：" + "、".join(f"{b.name}（{_pct(b.rate)}）" for b in reversed(weakest)) + "。"
        return text

    def type_rows(self) -> list[list]:
        out = []
        for t, d in self.report.by_type().items():
            if d["required"]:
                out.append([ActivityType(t).label, d["required"], d["met"], d["late"],
                            _pct(round(d["met"] * 100 / d["required"], 1))])
        return out

    HEADERS = ["排名", "党支部", "上级党组织", "应开展（项次）", "已开展（项次）", "完成率", "补录记录（条）",
               "出席率", "调阅（次）", "未开展事项"]

    def rows(self) -> list[list]:
        return [[b.rank, b.name, b.parent_name, b.required, b.met, _pct(b.rate), b.late_records,
                 _pct(b.attendance_rate), b.reviews, b.missing_text or "无"] for b in self.ranked]


def _pct(value) -> str:
    return "—" if value is None else f"{value:g}%"


def build(org: Organization | None, period: rules.Period) -> Bulletin:
    report = compliance.compute(org, period.start, period.end)
    return Bulletin(org=org, period=period, report=report, ranked=report.ranked())


def filename(b: Bulletin, ext: str) -> str:
    return f"{b.scope_name}{b.period.label}组织生活{'评比' if b.period.months == 3 else '通报'}.{ext}"


def to_xlsx(b: Bulletin) -> bytes:
    return excel.write_workbook(
        [
            ("通报", Bulletin.HEADERS, b.rows()),
            ("分类情况", ["活动类型", "应开展（项次）", "已开展（项次）", "其中补录", "完成率"], b.type_rows()),
            ("说明", ["项目", "内容"], [["标题", b.title], ["期间", f"{b.period.start:%Y-%m-%d} 至 {b.period.end:%Y-%m-%d}"],
                                      ["范围", b.scope_name], ["概况", b.summary()]]),
        ],
        widths={"通报": [6, 30, 24, 10, 10, 10, 10, 10, 10, 60], "分类情况": [16, 12, 12, 10, 10], "说明": [10, 100]},
    )


def to_docx(b: Bulletin) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    style = doc.styles["Normal"]
    style.font.name = "仿宋"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(b.title)
    run.bold = True
    run.font.size = Pt(18)
    run.font.name = "黑体"
    run.element.rPr.rFonts.set(qn("w:eastAsia"), "黑体")
    period = doc.add_paragraph(f"统计期间：{b.period.start:%Y年%m月%d日}至{b.period.end:%Y年%m月%d日}　范围：{b.scope_name}")
    period.alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading("一、总体情况", level=2)
    doc.add_paragraph(b.summary()).paragraph_format.first_line_indent = Pt(24)
    type_rows = b.type_rows()
    if type_rows:
        _table(doc, ["活动类型", "应开展（项次）", "已开展（项次）", "其中补录", "完成率"], type_rows)

    doc.add_heading("二、各党支部情况及排名" if b.period.months == 3 else "二、各党支部情况", level=2)
    if b.ranked:
        _table(doc, Bulletin.HEADERS, b.rows())
    else:
        doc.add_paragraph("无。")
    doc.add_heading("三、有关要求", level=2)
    doc.add_paragraph(
        "请有未开展事项的党支部对照《中国共产党支部工作条例（试行）》，于下一周期内补齐短板；"
        "补录记录较多的党支部要及时在平台登记活动情况。各党（工）委要加强线上线下督查调阅，"
        "把组织生活制度抓在平常、严在经常。").paragraph_format.first_line_indent = Pt(24)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _table(doc, headers, rows):
    """A bordered table. Data rows are cloned from one prepared row: python-docx's add_row() re-reads
    the whole grid on every call, which takes seconds for the 1,500 rows of a county."""
    from copy import deepcopy

    from docx.oxml.ns import qn
    from docx.shared import Pt

    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(text))
        run.bold = True
        run.font.size = Pt(10)
    if not rows:
        return table
    template = table.add_row()
    for cell in template.cells:
        cell.text = ""
        cell.paragraphs[0].add_run("·").font.size = Pt(10)
    tbl, tr = table._tbl, template._tr
    tbl.remove(tr)
    for row in rows:
        new = deepcopy(tr)
        for t, value in zip(new.iter(qn("w:t")), row):
            t.text = "" if value is None else str(value)
        tbl.append(new)
    return table
