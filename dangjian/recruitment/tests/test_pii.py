"""Full numbers (issue 16): the candidate list, the file, its print view and its .docx forms are
masked by default, even for the county admin; the full number only through 显示完整号码 or ?full=1,
each audited."""
import io

from django.urls import reverse
from docx import Document

from dangjian.core.models import AuditLog


def docx_text(response) -> str:
    doc = Document(io.BytesIO(response.content))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells])


def test_the_admin_sees_masked_numbers_on_every_page_without_an_audit_row(new_recruitment, users, client_for):
    r = new_recruitment()
    c = client_for(users["admin"])
    for url in (reverse("recruitment:list"), reverse("recruitment:detail", args=[r.pk]),
                reverse("recruitment:print", args=[r.pk])):
        page = c.get(url).content.decode()
        assert r.id_number not in page and r.id_number_masked in page, url
    assert "显示完整号码" in c.get(reverse("recruitment:list")).content.decode()
    assert not AuditLog.objects.filter(action="viewed_pii").exists()


def test_reveal_print_and_forms_with_full_numbers_are_audited(new_recruitment, users, client_for):
    from dangjian.recruitment import docx_forms

    r = new_recruitment()
    c = client_for(users["admin"])
    assert r.id_number in c.post(reverse("recruitment:reveal", args=[r.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert r.id_number in c.get(reverse("recruitment:print", args=[r.pk]) + "?full=1").content.decode()
    form = next(iter(docx_forms.FORMS))
    assert r.id_number not in docx_text(c.get(reverse("recruitment:docx", args=[r.pk, form])))
    assert r.id_number in docx_text(c.get(reverse("recruitment:docx", args=[r.pk, form]) + "?full=1"))
    assert AuditLog.objects.filter(action="viewed_pii", object_id=str(r.pk)).count() == 3
    export = c.get(reverse("recruitment:list") + "?export=xlsx")
    from python_calamine import CalamineWorkbook

    cells = [v for row in CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
             for v in row]
    assert r.id_number_masked in cells and r.id_number not in cells
    assert AuditLog.objects.filter(action="exported").count() == 3  # the two forms and the list


def test_others_may_not_unmask(new_recruitment, users, client_for):
    r = new_recruitment()
    c = client_for(users["organiser"])
    assert c.post(reverse("recruitment:reveal", args=[r.pk])).status_code == 403
    assert c.get(reverse("recruitment:print", args=[r.pk]) + "?full=1").status_code == 403
