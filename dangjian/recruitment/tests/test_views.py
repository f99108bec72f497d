import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.core.actor import Actor
from dangjian.recruitment import services
from dangjian.recruitment.models import Override, Recruitment

from .conftest import applicant


@pytest.fixture
def two_branches(county, new_recruitment):
    """One applicant in 一村支部 (the secretary's) and one in 幸福社区 (乙街道, outside 甲镇)."""
    from dangjian.conftest import make_id_number

    ours = new_recruitment(applied_on=datetime.date(2026, 11, 20))
    birth = datetime.date(1990, 1, 1)
    theirs = new_recruitment(name="外街道申请人", organization=county["community_branch"], birth_date=birth, sex="男",
                             id_number=make_id_number(birth, "男", 77, region="419905"),
                             applied_on=datetime.date(2026, 11, 1))
    return ours, theirs


def test_it_shows_the_secretary_only_their_branchs_todo(users, client_for, two_branches):
    ours, theirs = two_branches
    page = client_for(users["secretary"]).get(reverse("recruitment:todo")).content.decode()
    assert "张申请" in page and "外街道申请人" not in page
    page = client_for(users["admin"]).get(reverse("recruitment:todo")).content.decode()
    assert "张申请" in page and "外街道申请人" in page


def test_it_lists_overdue_items_first_and_marked(users, client_for, two_branches):
    page = client_for(users["admin"]).get(reverse("recruitment:todo")).content.decode()
    # 外街道申请人 applied 2026-11-01: the talk was due 2026-12-01, not overdue; nothing overdue here
    assert page.index("外街道申请人") < page.index("张申请")  # earlier due date first


def test_it_lists_candidates_with_masked_id_numbers_and_filters(users, client_for, two_branches):
    ours, _ = two_branches
    client = client_for(users["organiser"])
    page = client.get(reverse("recruitment:list")).content.decode()
    assert "张申请" in page and "外街道申请人" not in page
    assert ours.id_number not in page and ours.id_number_masked in page
    assert "张申请" not in client.get(reverse("recruitment:list"), {"stage": "activist"}).content.decode()
    assert "张申请" in client.get(reverse("recruitment:list"), {"stage": "applicant", "q": "张"}).content.decode()


def test_it_exports_the_candidate_list_as_xlsx(users, client_for, two_branches):
    from openpyxl import load_workbook

    response = client_for(users["organiser"]).get(reverse("recruitment:list"), {"export": "xlsx"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert names == ["张申请"]


def test_a_member_sees_no_recruitment(users, client_for, two_branches):
    ours, _ = two_branches
    client = client_for(users["member"])
    assert "张申请" not in client.get(reverse("recruitment:list")).content.decode()
    assert client.get(reverse("recruitment:detail", args=[ours.pk])).status_code == 404


def test_a_secretary_registers_an_application_through_the_form(users, client_for, county):
    data = applicant(county)
    post = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    post["files"] = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 x")
    response = client_for(users["secretary"]).post(reverse("recruitment:create"), post)
    r = Recruitment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("recruitment:detail", args=[r.pk])
    assert r.attachments.count() == 1


def test_the_form_names_the_field_of_a_bad_id_number(users, client_for, county):
    post = {k: (v.pk if hasattr(v, "pk") else v) for k, v in applicant(county).items()}
    post["id_number"] = post["id_number"][:17] + ("1" if post["id_number"][17] != "1" else "2")
    page = client_for(users["secretary"]).post(reverse("recruitment:create"), post).content.decode()
    assert "公民身份号码：公民身份号码校验位错误" in page and not Recruitment.objects.exists()


def test_a_refused_step_quotes_the_rule_and_an_organiser_may_override(users, client_for, new_recruitment):
    r = new_recruitment()
    url = reverse("recruitment:record_step", args=[r.pk])
    secretary = client_for(users["secretary"])
    page = secretary.post(url, {"date": "2023-04-03", "talker": "王书记"}).content.decode()
    assert "最迟应于2023-04-01谈话" in page and "越过规则检查的书面理由" not in page
    organiser = client_for(users["organiser"])
    response = organiser.post(url, {"date": "2023-04-03", "talker": "王书记", "override_reason": "申请人外出务工"})
    assert response.status_code == 302
    assert Override.objects.get().reason == "申请人外出务工"
    r.refresh_from_db()
    assert r.last_step == 2
    assert "申请人外出务工" in organiser.get(reverse("recruitment:overrides")).content.decode()


def test_the_step_form_prefills_the_introducers_from_the_contacts(users, client_for, new_recruitment, advance, elders):
    r = advance(new_recruitment(), 8)
    page = client_for(users["secretary"]).get(reverse("recruitment:record_step", args=[r.pk])).content.decode()
    assert "⑨确定入党介绍人" in page
    for m in elders[:2]:
        assert f'value="{m.pk}" selected' in page


def test_the_file_shows_the_timeline_and_prints(users, client_for, new_recruitment, advance):
    r = advance(new_recruitment(), 12)
    client = client_for(users["secretary"])
    page = client.get(reverse("recruitment:detail", args=[r.pk])).content.decode()
    assert "⑫支部委员会审查" in page and "发展对象公示" in page and "记录 ⑬上级党委预审" in page
    assert "⑫支部委员会审查" in client.get(reverse("recruitment:print", args=[r.pk])).content.decode()


@pytest.mark.parametrize("form,title", [("activist", "入党积极分子备案表"), ("target", "发展对象备案表"),
                                        ("publicity", "拟发展为中共预备党员的公示"), ("probationary", "预备党员备案表")])
def test_it_gives_the_standard_forms_as_docx(users, client_for, new_recruitment, advance, form, title):
    from docx import Document

    r = advance(new_recruitment(), 18)
    response = client_for(users["secretary"]).get(reverse("recruitment:docx", args=[r.pk, form]))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs) + "".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert title in text and "张申请" in text
    assert r.id_number not in text  # the secretary sees the masked number


def test_attachments_download_only_within_scope(users, client_for, county):
    r = services.register_application(actor=Actor.command(), files=[SimpleUploadedFile("信.pdf", b"%PDF-1.4 hello")],
                                      **applicant(county))
    a = r.attachments.get()
    response = client_for(users["secretary"]).get(reverse("recruitment:download", args=[a.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 hello"
    assert client_for(users["outsider"]).get(reverse("recruitment:download", args=[a.pk])).status_code == 404


def test_recording_an_event_through_the_form(users, client_for, new_recruitment, advance):
    r = advance(new_recruitment(), 4)
    url = reverse("recruitment:record_event", args=[r.pk, "termination"])
    page = client_for(users["secretary"]).post(url, {"date": "2024-01-01"}).content.decode()
    assert "决定及理由" in page
    response = client_for(users["secretary"]).post(url, {"date": "2024-01-01", "note": "本人申请撤回"})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == "已终止"


def test_a_secretary_sees_only_their_own_branchs_candidates(users, client_for, county, new_recruitment):
    from dangjian.conftest import make_id_number

    new_recruitment()  # 张申请, in the secretary's own branch
    birth = datetime.date(1993, 3, 3)
    firm = new_recruitment(name="企业申请人", organization=county["firm_branch"], birth_date=birth, sex="男",
                           id_number=make_id_number(birth, "男", 8, region="419909"))
    secretary = client_for(users["secretary"])
    page = secretary.get(reverse("recruitment:list")).content.decode()
    assert "张申请" in page and "企业申请人" not in page
    assert secretary.get(reverse("recruitment:detail", args=[firm.pk])).status_code == 404
    assert secretary.post(reverse("recruitment:record_step", args=[firm.pk]), {"date": "2023-03-10"}).status_code == 404
    organiser_page = client_for(users["organiser"]).get(reverse("recruitment:list")).content.decode()
    assert "张申请" in organiser_page and "企业申请人" in organiser_page


def test_it_keeps_members_out_of_the_recruitment_pages(users, client_for, two_branches):
    client = client_for(users["member"])
    for name in ("recruitment:todo", "recruitment:list", "recruitment:overrides"):
        response = client.get(reverse(name))
        assert response.status_code == 403, name
        assert "党员账号不能查看" in response.content.decode()
    assert client_for(users["secretary"]).get(reverse("recruitment:todo")).status_code == 200
