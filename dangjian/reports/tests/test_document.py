"""The report's text: the seed's structure, a decline reads as a decline, blanks visible and listed,
names from the data, the .docx in the official layout (and converted by LibreOffice when installed)."""
import io

import pytest
from docx import Document
from docx.shared import Mm

from dangjian.reports import templating
from dangjian.reports.convert import docx_to_pdf, libreoffice
from dangjian.reports.document import blanks_note, build
from dangjian.reports.docx_writer import to_docx
from dangjian.reports.report import compute_report

from .conftest import CO_BUILDING, FROM, GOVERNANCE, TO, brands_records, fake_block, installed_blocks


def _text(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def test_it_writes_a_decline_as_a_decline(county, second_wave):
    report = compute_report(county["root"], FROM, TO, blocks=installed_blocks() + second_wave)
    text = "\n".join(p.text for p in build(report).paragraphs)
    assert "纠纷有效调处化解率下降1.3个百分点" in text
    assert "上升-" not in text and "上升1.3" not in text


@pytest.mark.parametrize("change, phrase", [(0.025, "上升2.5个百分点"), (0.0, "与上一期持平"), (-0.1, "下降10.0个百分点")])
def test_it_words_each_direction_of_a_change(county, change, phrase):
    gov = fake_block("governance", {**GOVERNANCE, "dispute_resolution_rate_change": change})
    report = compute_report(county["root"], FROM, TO, blocks=installed_blocks() + [gov])
    assert phrase in "".join(p.text for p in build(report).paragraphs)


def test_it_follows_the_seeds_structure_and_names_the_place_and_brands(county, second_wave):
    report = compute_report(county["root"], FROM, TO, blocks=installed_blocks() + second_wave)
    doc = build(report)
    texts = [p.text for p in doc.paragraphs]
    assert doc.title == "测试县基层党建工作情况汇报"
    assert texts[0].startswith("测试县辖0个乡、1个镇、1个街道，1个村、1个社区（其中城市社区1个，村改居社区0个）。"
                               "目前，全县共设基层党组织5个")
    headings = [p.text for p in doc.paragraphs if p.kind == "heading"]
    assert headings == ["一、主要工作开展情况", "二、存在问题", "三、下步改进措施"]
    assert [p.runin for p in doc.paragraphs if p.runin][:3] == [
        "（一）坚持精准发力，推进重点工作。", "（二）注重工作创新，激发党建活力。", "（三）强化工作保障，夯实基层基础。"]
    # Up to three brands, from the records behind co_building.brands.
    assert "社区党建特色品牌7余个，如红色驿站、邻里互助、银发先锋等" in "".join(texts)
    assert f"参与共驻共建党组织{CO_BUILDING['participating_organizations']}个" in "".join(texts)


def test_it_leaves_missing_figures_as_visible_blanks_and_lists_them(county):
    report = compute_report(county["root"], FROM, TO, blocks=installed_blocks())
    doc = build(report)
    text = "".join(p.text for p in doc.paragraphs)
    assert f"解决各类事项{templating.BLANK}件" in text
    assert "F14" in doc.blank_figures and "F38" in doc.blank_figures and "F13" not in doc.blank_figures
    note = blanks_note(doc)
    assert "F14（“一征三议两公开”工作法解决各类事项X件）" in note
    # No brand block: the names stay a blank for the writer.
    assert f"如{templating.BLANK}等" in text
    # Problems of modules without data say so, and are not invented.
    assert "暂无数据" in text


def test_it_writes_the_docx_in_the_official_layout(county, second_wave):
    report = compute_report(county["root"], FROM, TO, blocks=installed_blocks() + second_wave)
    content = to_docx(build(report))
    doc = Document(io.BytesIO(content))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(Mm(m).mm) for m in (37, 35, 28, 26)] == [
        round(section.top_margin.mm), round(section.bottom_margin.mm), round(section.left_margin.mm),
        round(section.right_margin.mm)]
    text = _text(doc)
    assert "测试县基层党建工作情况汇报" in text and "一、主要工作开展情况" in text and "三、下步改进措施" in text
    assert "附件" in text and "工作汇报数据来源及说明" in text
    title_run = doc.paragraphs[0].runs[0]
    assert title_run.font.size.pt == 22
    assert title_run._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "方正小标宋简体"
    # Page numbers in the footers (odd and even pages).
    assert "PAGE" in section.footer._element.xml and "PAGE" in section.even_page_footer._element.xml
    # The appendix table lists the 46 figures.
    table = doc.tables[-1]
    assert len(table.rows) == 47 and table.rows[1].cells[0].text == "F01"


@pytest.mark.skipif(libreoffice() is None, reason="LibreOffice is not installed")
def test_it_converts_to_pdf_with_libreoffice(county, second_wave):
    report = compute_report(county["root"], FROM, TO, blocks=installed_blocks() + second_wave)
    pdf = docx_to_pdf(to_docx(build(report)))
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def test_a_township_and_a_branch_open_with_their_own_paragraph(county, make_member):
    make_member(county["village_branch"])
    town = build(compute_report(county["town_committee"], FROM, TO, blocks=installed_blocks()))
    assert town.paragraphs[0].text.startswith("甲镇辖1个村、0个社区（其中城市社区0个，村改居社区0个）。目前，全镇共设基层党组织3个")
    branch = build(compute_report(county["village_branch"], FROM, TO, blocks=installed_blocks()))
    assert branch.paragraphs[0].text == "中共一村支部委员会现有党员1名。现将本组织基层党建工作情况具体汇报如下："
    assert branch.title == "中共一村支部委员会基层党建工作情况汇报"
