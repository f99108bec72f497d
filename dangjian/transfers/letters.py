"""The transfer letter (中国共产党党员组织关系介绍信) as a .docx of its three parts: 存根 (kept by the
sending committee), 介绍信 (carried by the member), 回执 (returned by the receiving committee)."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from dangjian.register.rules import age_on

from .models import Transfer

CUT = "-------------------------------- 此处剪开 --------------------------------"


def _status_word(member, day) -> str:
    return "正式" if member.is_full_on(day) else "预备"


def _para(doc, text, size=12, bold=False, center=False):
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def build_letter(transfer: Transfer, *, full_id: bool) -> bytes:
    """The letter's three parts in one document; ID numbers masked unless the reader may see them."""
    member = transfer.member
    day = transfer.issued_on
    id_number = member.id_number if full_id else member.id_number_masked
    age = age_on(member.birth_date, day)
    status = _status_word(member, day)
    sender = transfer.from_org.name if transfer.from_org_id else transfer.external_org_name
    receiver = transfer.to_org.name if transfer.to_org_id else transfer.external_org_name
    until = f"{transfer.valid_until:%Y年%m月%d日}" if transfer.valid_until else "——"
    number = transfer.letter_number

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)

    # 1. 存根
    _para(doc, "中国共产党党员组织关系介绍信（存根）", 16, bold=True, center=True)
    _para(doc, f"{number}", center=True)
    _para(doc, f"{member.name}同志（{member.sex}，{age}岁，{member.ethnicity}，中共{status}党员，公民身份号码{id_number}），"
               f"由{sender}去{receiver}，党员组织关系由{sender}转到{receiver}。党费已交到{day:%Y年%m月}。")
    _para(doc, f"开具日期：{day:%Y年%m月%d日}　　有效期至：{until}")
    _para(doc, CUT, 9, center=True)

    # 2. 介绍信
    _para(doc, "中国共产党党员组织关系介绍信", 16, bold=True, center=True)
    _para(doc, f"{number}", center=True)
    _para(doc, f"{receiver}：")
    _para(doc, f"　　兹介绍{member.name}同志（{member.sex}，{age}岁，{member.ethnicity}，中共{status}党员，"
               f"公民身份号码{id_number}）的党员组织关系由{sender}转去你处，请查收。"
               f"该同志党费已交到{day:%Y年%m月}。")
    _para(doc, f"　　（有效期至{until}）")
    _para(doc, f"{sender}（盖章）", center=False).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _para(doc, f"{day:%Y年%m月%d日}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _para(doc, CUT, 9, center=True)

    # 3. 回执
    _para(doc, "中国共产党党员组织关系介绍信（回执）", 16, bold=True, center=True)
    _para(doc, f"{number}", center=True)
    _para(doc, f"{sender}：")
    _para(doc, f"　　{member.name}同志的党员组织关系已转达我处，特此回执。")
    _para(doc, "（接收党组织盖章）").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _para(doc, "　　年　　月　　日").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _para(doc, "注：回执由接收党员组织关系的基层党委寄回开具介绍信的基层党委。", 9)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
