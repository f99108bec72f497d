"""The noticeboard notice (.docx) of a 公开 step, in the usual layout of a village affairs notice:
title in 小标宋 二号 centred, body in 仿宋 三号 with first-line indent, the organisation and the
date in Chinese numerals at the bottom right. Nothing personal: the matter, the resolution or the
result, and who publishes it."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .models import MatterStep
from .vocab import StepKind

_DIGITS = "〇一二三四五六七八九"


def chinese_date(day) -> str:
    """2026年3月4日 as 二〇二六年三月四日 (the form of official documents)."""
    def small(n: int) -> str:
        if n < 10:
            return _DIGITS[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    return "".join(_DIGITS[int(c)] for c in str(day.year)) + f"年{small(day.month)}月{small(day.day)}日"


def _run(paragraph, text, font, size, bold=False):
    run = paragraph.add_run(text)
    run.font.name = font
    run.font.size = Pt(size)
    run.bold = bold
    run._element.rPr.rFonts.set(qn("w:eastAsia"), font)
    return run


def build_notice(step: MatterStep) -> bytes:
    matter = step.matter
    org = matter.organization
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # The last step of the matter's own procedure publishes the result; an earlier 公开 the resolution.
    heading = "实施结果公开" if step.number == matter.procedure.last else "决议公开"
    _run(title, f"{org.division.name}村（居）务公开", "方正小标宋简体", 22)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(sub, f"关于“{matter.name}”的{heading}", "楷体_GB2312", 16)
    steps = {s.number: s for s in matter.steps.all()}
    lines = []
    method = matter.procedure.name
    review = next((s for n, s in sorted(steps.items()) if s.kind == StepKind.REVIEW and n < step.number), None)
    resolve = next((s for n, s in sorted(steps.items()) if s.kind == StepKind.RESOLVE and n < step.number), None)
    intro = f"按照“{method}”工作法，“{matter.name}”（{matter.category}）"
    done = "、".join(f"{s.date:%Y年%-m月%-d日}{s.label}" for n, s in sorted(steps.items()) if n < step.number)
    lines.append(intro + (f"已经{done}。" if done else "。"))
    if review and review.due:
        lines.append(f"{review.label}应到{review.due}名，实到{review.present}名，赞成{review.in_favour}票。")
    if resolve and resolve.due:
        lines.append(f"{resolve.label}应到{resolve.due}名，实到{resolve.present}名，赞成{resolve.in_favour}票。")
    lines.append(f"现将{heading}内容公布如下：")
    lines.extend(p for p in (step.content or "").splitlines() if p.strip())
    lines.append("公开期间如有意见和建议，请向村（社区）党组织或村（居）务监督委员会反映。")
    for text in lines:
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(32)
        p.paragraph_format.line_spacing = Pt(28)
        _run(p, text, "仿宋_GB2312", 16)
    doc.add_paragraph()
    for text in (org.name, chinese_date(step.date)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(p, text, "仿宋_GB2312", 16)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
