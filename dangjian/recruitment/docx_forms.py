"""The standard recruitment forms as .docx (python-docx): 入党积极分子备案表, 发展对象备案表,
the 公示 notice and 预备党员备案表 — a centred title, a ruled table of labelled cells, and the
signature lines the paper version carries."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from dangjian.core.rules import get_setting

from . import workdays
from .models import Recruitment

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT, TITLE_FONT = "仿宋_GB2312", "方正小标宋简体"


def _d(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)


def _document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(3.0)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    style = doc.styles["Normal"]
    style.font.name = BODY_FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
    return doc


def _title(doc, text: str, subtitle: str = "") -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), TITLE_FONT, 22, bold=True)
    if subtitle:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(subtitle), BODY_FONT, 12)


def _cell(cell, text: str, bold: bool = False, size: float = 12) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    _font(p.add_run(text or ""), BODY_FONT, size, bold)


def _table(doc, pairs: list[tuple[str, str]], wide: list[tuple[str, str]]) -> None:
    """Labelled cells two to a row, then full-width rows (opinions with room to write)."""
    rows = (len(pairs) + 1) // 2 + len(wide)
    table = doc.add_table(rows=rows, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, (label, value) in enumerate(pairs):
        row, col = divmod(i, 2)
        _cell(table.cell(row, col * 2), label, bold=True)
        _cell(table.cell(row, col * 2 + 1), value)
    start = (len(pairs) + 1) // 2
    for j, (label, value) in enumerate(wide):
        row = table.rows[start + j]
        _cell(row.cells[0], label, bold=True)
        merged = row.cells[1].merge(row.cells[3])
        _cell(merged, value)
        merged.add_paragraph("")
        sign = merged.add_paragraph()
        sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(sign.add_run("（盖章）        年    月    日"), BODY_FONT, 12)
    for row in table.rows:
        row.cells[0].width = Cm(3.2)


def _steps(r: Recruitment) -> dict:
    return {s.step: s for s in r.steps.select_related("committee").prefetch_related("contacts", "introducers")}


def _names(record, attr) -> str:
    return "、".join(m.name for m in getattr(record, attr).all()) if record else ""


def _person(r: Recruitment, show_full_id: bool) -> list[tuple[str, str]]:
    return [
        ("姓  名", r.name), ("性  别", r.sex), ("民  族", r.ethnicity), ("出生年月", f"{r.birth_date:%Y.%m}"),
        ("文化程度", r.education), ("人员类别", r.occupation),
        ("公民身份号码", r.id_number if show_full_id else r.id_number_masked), ("工作单位及职务", r.unit),
        ("所在党支部", r.organization.name), ("递交入党申请书时间", _d(r.applied_on)),
    ]


def _bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def activist_form(r: Recruitment, show_full_id: bool = False) -> bytes:
    steps = _steps(r)
    doc = _document()
    _title(doc, "入党积极分子备案表", f"填报单位：{r.organization.name}")
    pairs = _person(r, show_full_id) + [
        ("确定为入党积极分子时间", _d(r.activist_on)), ("培养联系人", _names(steps.get(5), "contacts")),
    ]
    _table(doc, pairs, [
        ("党支部意见", steps[3].note if 3 in steps else ""),
        ("上级党委备案意见", steps[4].note if 4 in steps else ""),
    ])
    return _bytes(doc)


def target_form(r: Recruitment, show_full_id: bool = False) -> bytes:
    steps = _steps(r)
    doc = _document()
    _title(doc, "发展对象备案表", f"填报单位：{r.organization.name}")
    training = steps.get(11)
    pairs = _person(r, show_full_id) + [
        ("确定为入党积极分子时间", _d(r.activist_on)), ("确定为发展对象时间", _d(r.target_on)),
        ("培养联系人", _names(steps.get(5), "contacts")), ("入党介绍人", _names(steps.get(9), "introducers")),
        ("政治审查时间", _d(r.political_review_on)),
        ("集中培训", f"{_d(training.date)}，{training.training_days or 0}天{training.training_hours or 0}学时" if training else ""),
    ]
    _table(doc, pairs, [
        ("培养考察情况", steps[6].note if 6 in steps else ""),
        ("党支部意见", steps[7].note if 7 in steps else ""),
        ("上级党委备案意见", steps[8].note if 8 in steps else ""),
    ])
    return _bytes(doc)


def publicity_notice(r: Recruitment, show_full_id: bool = False) -> bytes:
    doc = _document()
    _title(doc, f"关于{r.name}同志拟发展为中共预备党员的公示")
    n = get_setting("recruitment.publicity_workdays")
    start, end = r.publicity_start_on, r.publicity_end_on
    period = f"{_d(start)}至{_d(end)}（{workdays.count_workdays(start, end)}个工作日）" if start and end else \
        f"    年  月  日至    年  月  日（{n}个工作日）"
    body = [
        f"根据《中国共产党发展党员工作细则》有关规定，经{r.organization.name}研究，拟将{r.name}同志作为中共预备党员的"
        f"发展对象，现将其基本情况予以公示。",
        f"{r.name}，{r.sex}，{r.ethnicity}，{r.birth_date.year}年{r.birth_date.month}月生，{r.education}学历，"
        f"{r.unit or r.occupation}。{_d(r.applied_on)}递交入党申请书，{_d(r.activist_on)}被确定为入党积极分子，"
        f"{_d(r.target_on)}被确定为发展对象。",
        f"公示时间：{period}。",
        "公示期间，党员和群众如有意见，可通过来信、来电、来访等方式向党支部或上级党委组织部门反映。"
        "反映情况要实事求是，以真实姓名反映的予以保密。",
    ]
    for text in body:
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(28)
        p.paragraph_format.line_spacing = Pt(28)
        _font(p.add_run(text), BODY_FONT, 16)
    for text in ("", r.organization.name, _d(start) if start else "    年  月  日"):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(p.add_run(text), BODY_FONT, 16)
    return _bytes(doc)


def probationary_form(r: Recruitment, show_full_id: bool = False) -> bytes:
    steps = _steps(r)
    doc = _document()
    _title(doc, "预备党员备案表", f"填报单位：{r.organization.name}")
    meeting, approval = steps.get(15), steps.get(17)
    votes = (f"应到{meeting.votes_entitled}人，实到{meeting.votes_present}人，赞成{meeting.votes_for}人，"
             f"反对{meeting.votes_against}人，弃权{meeting.votes_abstain}人") if meeting else ""
    pairs = _person(r, show_full_id) + [
        ("确定为发展对象时间", _d(r.target_on)), ("入党介绍人", _names(steps.get(9), "introducers")),
        ("支部大会通过时间", _d(r.admitted_on)), ("支部大会表决情况", votes),
        ("上级党委审批时间", _d(r.approved_on)), ("审批党委", approval.committee.name if approval and approval.committee else ""),
        ("预备期", f"{_d(r.admitted_on)}至{_d(r.probation_ends_on)}" if r.admitted_on else ""), ("", ""),
    ]
    _table(doc, pairs, [
        ("支部大会决议", meeting.note if meeting else ""),
        ("上级党委审批意见", approval.note if approval else ""),
        ("备案意见", steps[18].note if 18 in steps else ""),
    ])
    return _bytes(doc)


FORMS = {
    "activist": ("入党积极分子备案表", activist_form),
    "target": ("发展对象备案表", target_form),
    "publicity": ("发展对象公示", publicity_notice),
    "probationary": ("预备党员备案表", probationary_form),
}
