"""The member export: the filtered list as .xlsx, masked unless county admin, audited."""
import io

from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core.models import AuditLog

EXPORT = reverse("register:member_export")


def rows(response):
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_it_exports_the_filtered_list_masked_for_an_organiser(users, county, make_member, client_for):
    kept = make_member(county["firm_branch"], name="导出党员", sex="女")
    make_member(county["firm_branch"], name="男党员")
    make_member(county["community_branch"], name="外镇女党员", sex="女")

    response = client_for(users["organiser"]).get(EXPORT, {"sex": "女"})

    assert response.status_code == 200
    table = rows(response)
    assert table[0][:4] == ("姓名", "性别", "民族", "公民身份号码")
    assert [r[0] for r in table[1:]] == ["导出党员"]
    assert table[1][3] == kept.id_number_masked and table[1][11] == kept.phone_masked
    row = AuditLog.objects.get(action="exported")
    assert row.actor == users["organiser"] and "1人" in row.object_repr and "性别：女" in row.note
    assert row.scope_path == county["town_committee"].path


def test_it_exports_whole_numbers_for_the_county_admin_as_text_only_when_asked(users, county, client_for):
    member = users["member_record"]
    client = client_for(users["admin"])
    table = rows(client.get(EXPORT, {"q": member.name}))
    assert table[1][3] == member.id_number_masked and table[1][11] == member.phone_masked
    assert not AuditLog.objects.filter(action="viewed_pii").exists()
    table = rows(client.get(EXPORT, {"q": member.name, "full": "1"}))
    assert table[1][3] == member.id_number and table[1][11] == member.phone
    assert AuditLog.objects.filter(action="exported").latest("id").note.startswith("完整号码")
    assert AuditLog.objects.filter(action="viewed_pii").count() == 1
    # Others may not ask.
    assert client_for(users["organiser"]).get(EXPORT, {"full": "1"}).status_code == 403


def test_it_refuses_the_export_to_a_member(users, client_for):
    assert client_for(users["member"]).get(EXPORT).status_code == 403
    assert not AuditLog.objects.filter(action="exported").exists()


def test_it_refuses_post(users, client_for):
    assert client_for(users["admin"]).post(EXPORT).status_code == 405
