"""The work report as .docx in the layout of GB/T 9704-2012 (党政机关公文格式).

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; body 仿宋 三号 (16 pt) on a grid of
22 lines × 28 characters (line pitch 28.95 pt, GB/T 9704 §5.2.2); title 方正小标宋简体 二号 centred;
first-level headings 黑体, second-level (run in) 楷体; page numbers "— 1 —" in 宋体 四号, odd
pages right and even pages left; signature and date to the right. The appendix lists every figure
with its id, definition, value and the number of records behind it.

The fonts are named as on a county office's PC. Where they are missing (e.g. a Linux server
converting to PDF) ``fonts.conf`` beside this module maps them to the closest free fonts.
``to_docx`` is a plain function (no request), so a background job can call it.
"""
from __future__ import annotations

import io
from copy import deepcopy

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .document import BODY, DATE, HEADING, NOTE, SIGNATURE, ReportDocument, blanks_note

FONTS = {"title": "方正小标宋简体", "body": "仿宋", "heading": "黑体", "runin": "楷体", "page": "宋体",
         "latin": "Times New Roman"}
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
PAGE_SIZE = Pt(14)  # 四号
LINE_PITCH = Pt(28.95)  # 22 lines in the 225 mm of text height
TEXT_WIDTH_MM = 210 - 28 - 26
CHARS_PER_LINE = 28
# Condensed by a quarter point: 28 × (16 − 0.25) pt fits the 442 pt of a 156 mm line.
CHAR_SPACING_TWIPS = -5
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _fonts(run, east_asian: str, size=None, bold=False):
    run.font.name = FONTS["latin"]
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), FONTS["latin"])
    fonts.set(qn("w:hAnsi"), FONTS["latin"])
    if size is not None:
        run.font.size = size
    if size == BODY_SIZE:
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(CHAR_SPACING_TWIPS))
        rpr.append(spacing)
    run.font.bold = bold
    return run


def _line(paragraph, exact=LINE_PITCH, indent_chars: int = 2):
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = exact
    fmt.space_before = fmt.space_after = Pt(0)
    if indent_chars:
        fmt.first_line_indent = Pt(16 * indent_chars)
        # Also in characters, so Word keeps two characters when the grid compresses them.
        ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), str(indent_chars * 100))
    return paragraph


def _page_setup(doc):
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(24)
    section.header_distance = Mm(15)
    # The document grid: 22 lines of 28 characters.
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    # A line grid only: Word and LibreOffice read a character grid differently, so the 28
    # characters a line come from the body runs' spacing instead (CHAR_SPACING).
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(28.95 * 20)))
    style = doc.styles["Normal"]
    style.font.name = FONTS["latin"]
    style.font.size = BODY_SIZE
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONTS["body"])
    style.paragraph_format.widow_control = False
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    return section


def _field(paragraph, instruction: str):
    run = paragraph.add_run()
    _fonts(run, FONTS["page"], PAGE_SIZE)
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
        elif text == instruction:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instruction
            run._r.append(el)
        else:
            el = OxmlElement("w:t")
            el.text = text
            run._r.append(el)


def _page_number(footer, align):
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.alignment = align
    fmt = p.paragraph_format
    # One character in from the edge (GB/T 9704 §7.5).
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = Pt(14)
    else:
        fmt.left_indent = Pt(14)
    _fonts(p.add_run("— "), FONTS["page"], PAGE_SIZE)
    _field(p, "PAGE")
    _fonts(p.add_run(" —"), FONTS["page"], PAGE_SIZE)


def _segments(paragraph, segments):
    for s in segments:
        run = _fonts(paragraph.add_run(s.text), FONTS["body"], BODY_SIZE)
        if s.kind == "blank":
            # A visible blank: underlined and highlighted, so the writer cannot miss it.
            run.font.underline = True
            run.font.highlight_color = 7  # yellow


def _paragraph(doc, para):
    p = doc.add_paragraph()
    if para.kind == HEADING:
        _line(p)
        _fonts(p.add_run(para.text), FONTS["heading"], BODY_SIZE)
        return p
    if para.kind in (SIGNATURE, DATE):
        _line(p, indent_chars=0)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = Pt(16 * (4 if para.kind == DATE else 2))
        _segments(p, para.segments)
        return p
    _line(p)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if para.runin:
        _fonts(p.add_run(para.runin), FONTS["runin"], BODY_SIZE)
    _segments(p, para.segments)
    if para.kind == NOTE:
        for run in p.runs:
            run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    return p


def _title(doc, text: str):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _line(p, exact=Pt(35), indent_chars=0)
    _fonts(p.add_run(text), FONTS["title"], TITLE_SIZE)
    _line(doc.add_paragraph(), indent_chars=0)  # one empty line under the title


def _cell(cell, text, size=Pt(10.5), bold=False, align=None):
    cell.text = ""
    p = cell.paragraphs[0]
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.first_line_indent = Pt(0)
    if align is not None:
        p.alignment = align
    _fonts(p.add_run("" if text is None else str(text)), FONTS["body"] if not bold else FONTS["heading"], size, False)


def _appendix(doc, rd: ReportDocument):
    p = doc.add_paragraph()
    _line(p, indent_chars=0)
    p.add_run().add_break(WD_BREAK.PAGE)
    p = doc.add_paragraph()
    _line(p, indent_chars=0)
    _fonts(p.add_run("附件"), FONTS["heading"], BODY_SIZE)
    _title(doc, "工作汇报数据来源及说明")
    p = doc.add_paragraph()
    _line(p)
    _fonts(p.add_run(
        f"统计范围：{rd.report.org_name}（含下级组织）；统计期间：{rd.report.date_from:%Y-%m-%d}至{rd.report.date_to:%Y-%m-%d}，"
        "时点数据取截止日。每项数据的明细记录见同名 Excel 附表（每项一个工作表）。"), FONTS["body"], BODY_SIZE)
    headers = ["编号", "原文", "统计口径", "定义", "数值", "明细记录"]
    rows = [[row.id, row.words, row.key, row.definition, row.value,
             "—" if row.records is None else f"{row.records}条"] for row in rd.appendix()]
    table = doc.add_table(rows=2, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [Mm(12), Mm(34), Mm(34), Mm(44), Mm(16), Mm(16)]
    header, template = table.rows[0].cells, table.rows[1].cells
    for i, h in enumerate(headers):
        _cell(header[i], h, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell(template[i], "·")
        header[i].width = template[i].width = widths[i]
    # Data rows are cloned from one prepared row: python-docx's cell access re-reads the whole grid
    # on every call, which made this table take most of the document's time.
    tbl, tr = table._tbl, table.rows[1]._tr
    tbl.remove(tr)
    for values in rows:
        new = deepcopy(tr)
        for t, value in zip(new.iter(qn("w:t")), values):
            t.text = "" if value is None else str(value)
        tbl.append(new)


def to_docx(rd: ReportDocument, appendix: bool = True) -> bytes:
    doc = Document()
    _page_setup(doc)
    _title(doc, rd.title)
    for para in rd.paragraphs:
        _paragraph(doc, para)
    note = blanks_note(rd)
    if note:
        p = doc.add_paragraph()
        _line(p)
        run = _fonts(p.add_run("说明：" + note), FONTS["body"], BODY_SIZE)
        run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    if appendix:
        _appendix(doc, rd)
    # The core properties a county's file manager shows.
    doc.core_properties.title = rd.title
    doc.core_properties.author = rd.report.org_name
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
