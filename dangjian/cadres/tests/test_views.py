"""The cadres pages end to end as the township organiser (and the limits of the other roles)."""
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.cadres.models import Cadre, CommunityFund, Election, TrainingAttendance, TrainingClass
from dangjian.core.models import AuditLog

pytestmark = pytest.mark.django_db
D = datetime.date
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_rows(response):
    assert response["Content-Type"].startswith(XLSX)
    return list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))


@pytest.fixture
def town(county, cadre_factory):
    cadre_factory(county["village_branch"], "一村书记", start=D(2021, 1, 1), one_shoulder=True)
    cadre_factory(county["village_branch"], "一村委员", post="委员", start=D(2021, 1, 1))
    return county


def test_every_list_opens_with_its_data_and_exports_the_same_rows(town, users, client_for):
    client = client_for(users["organiser"])
    for name in ("index", "cadre_list", "reserves", "structure", "trainings", "coverage", "pay_standards", "funds",
                 "investments", "elections"):
        response = client.get(reverse(f"cadres:{name}"))
        assert response.status_code == 200, name
        export = client.get(reverse(f"cadres:{name}") + "?export=xlsx")
        assert export.status_code == 200 and export["Content-Type"].startswith(XLSX), name
    page = client.get(reverse("cadres:index")).content.decode()
    assert "一村书记（一肩挑）" in page and "书记空缺" in page  # 甲镇某公司党支部 has none
    rows = _xlsx_rows(client.get(reverse("cadres:cadre_list") + "?export=xlsx&q=一村"))
    assert [r[0] for r in rows[1:]] == ["一村书记", "一村委员"]
    assert "中共幸福社区支部委员会" not in client.get(reverse("cadres:index")).content.decode()


def test_the_organiser_registers_ends_and_deletes_a_cadre_and_bad_input_names_the_field(town, users, client_for):
    client = client_for(users["organiser"])
    org = town["firm_branch"]
    response = client.post(reverse("cadres:cadre_create"), {
        "organization": org.pk, "name": "企业书记", "post": "书记", "started_on": "2024-01-01", "ended_on": "2023-01-01",
        "concurrent_post": "副总经理"})
    assert response.status_code == 200 and "离任日期" in response.content.decode() and not Cadre.objects.filter(name="企业书记").exists()
    response = client.post(reverse("cadres:cadre_create"), {
        "organization": org.pk, "name": "企业书记", "post": "书记", "started_on": "2024-01-01", "concurrent_post": "副总经理",
        "id_number": "123"})
    assert "公民身份号码" in response.content.decode()
    response = client.post(reverse("cadres:cadre_create"), {
        "organization": org.pk, "name": "企业书记", "post": "书记", "started_on": "2024-01-01", "concurrent_post": "副总经理"})
    assert response.status_code == 302
    c = Cadre.objects.get(name="企业书记")
    assert client.get(reverse("cadres:cadre_detail", args=[c.pk])).status_code == 200
    assert client.post(reverse("cadres:cadre_end", args=[c.pk]), {"ended_on": "2025-01-01"}).status_code == 302
    c.refresh_from_db()
    assert c.ended_on == D(2025, 1, 1)
    assert client.post(reverse("cadres:cadre_delete", args=[c.pk])).status_code == 302
    assert not Cadre.objects.filter(pk=c.pk).exists()
    assert AuditLog.objects.filter(object_type="cadres.cadre").count() == 3


def test_a_secretary_sees_the_team_but_changes_nothing(town, users, client_for):
    client = client_for(users["secretary"])
    assert client.get(reverse("cadres:team", args=[town["village_branch"].pk])).status_code == 200
    assert client.get(reverse("cadres:cadre_create")).status_code == 403
    c = Cadre.objects.get(name="一村书记")
    assert client.get(reverse("cadres:cadre_edit", args=[c.pk])).status_code == 403
    assert client_for(users["member"]).get(reverse("cadres:index")).status_code == 403


def test_reserves_and_funds_flag_the_communities_short_of_the_settings(county, users, client_for, cadre_factory):
    cadre_factory(county["community_branch"], "后备一", post="后备干部")
    CommunityFund.objects.create(division=county["community"], year=2026, category="社区工作经费", amount=150000)
    client = client_for(users["outsider"])  # 乙街道's organiser
    page = client.get(reverse("cadres:reserves")).content.decode()
    assert "幸福社区" in page and "少于2人，缺1人" in page
    page = client.get(reverse("cadres:funds") + "?year=2026").content.decode()
    assert "低于200,000.00元" in page and "未登记" in page
    rows = _xlsx_rows(client.get(reverse("cadres:funds") + "?year=2026&flag=below&export=xlsx"))
    assert rows[1][0] == "幸福社区" and rows[1][5] == "150,000.00"


def test_training_attendance_is_added_with_a_warning_and_ticked_from_serving_cadres(town, users, client_for):
    client = client_for(users["organiser"])
    response = client.post(reverse("cadres:training_create"), {
        "name": "书记班", "started_on": "2025-09-08", "ended_on": "2025-09-10", "hours": "24",
        "organization": town["town_committee"].pk})
    tc = TrainingClass.objects.get(name="书记班")
    assert response.status_code == 302
    response = client.post(reverse("cadres:attendance_add", args=[tc.pk]), {
        "name": "新人", "organization": town["village_branch"].pk, "role": "党员"}, follow=True)
    assert "请核对" in response.content.decode()
    secretary = Cadre.objects.get(name="一村书记")
    client.post(reverse("cadres:attendance_add", args=[tc.pk]), {"tick": "1", "cadre": [secretary.pk]})
    assert set(TrainingAttendance.objects.values_list("name", flat=True)) == {"新人", "一村书记"}
    page = client.get(reverse("cadres:coverage") + "?group=secretaries&from=2025-01-01&to=2025-12-31").content.decode()
    assert "已培训1名" in page


def test_an_election_is_planned_vetted_and_held_through_the_pages(town, users, client_for, system_actor):
    from dangjian.core.rules import change_rule_setting

    change_rule_setting("cadres.vetting_departments", "纪检监察机关", actor=system_actor)
    client = client_for(users["organiser"])
    org = town["village_branch"]
    client.post(reverse("cadres:election_create"), {"organization": org.pk, "planned_on": "2026-03-01"})
    e = Election.objects.get(organization=org)
    client.post(reverse("cadres:candidate_create", args=[e.pk]), {"name": "新书记", "post": "书记", "education": "大学本科"})
    c = e.candidates.get()
    response = client.post(reverse("cadres:vetting_record", args=[c.pk]), {
        "department": "纪检监察机关", "outcome": "failed", "vetted_on": "2026-02-01"})
    assert response.status_code == 200 and "负面清单" in response.content.decode()
    client.post(reverse("cadres:vetting_record", args=[c.pk]), {
        "department": "纪检监察机关", "outcome": "passed", "vetted_on": "2026-02-01"})
    response = client.post(reverse("cadres:election_result", args=[e.pk]), {"held_on": "2026-03-01", "elected": [c.pk]})
    assert response.status_code == 302
    page = client.get(reverse("cadres:election_detail", args=[e.pk])).content.decode()
    assert "换届前" in page and "换届后" in page and "已完成选举" in page
    assert client.get(reverse("cadres:structure") + f"?election={e.pk}").status_code == 200
    assert Cadre.objects.serving_on(D(2026, 3, 1)).get(organization=org, post="书记").name == "新书记"
