"""Pages: recording steps in the browser, the public noticeboard (published steps only, nothing personal,
only that village), the notice .docx, and scope (a village secretary sees only their village; the
discipline role sees only its register)."""
import datetime
import io

from django.urls import reverse

from dangjian.governance import services
from dangjian.governance.models import Dispute, FourWindsCase, Matter, ServiceRequest

from .conftest import DAY, open_matter

D = datetime.date


def _decided(county, actor, org_key="village_branch", name="修村道"):
    matter = open_matter(county[org_key], actor, name=name)
    for number, day, extra in [(2, D(2026, 1, 10), {}), (3, D(2026, 1, 20), dict(due=30, present=20, in_favour=16)),
                               (4, D(2026, 1, 25), dict(due=40, present=27, in_favour=21)),
                               (5, D(2026, 1, 26), dict(content="决议：硬化村道2公里")),
                               (6, D(2026, 3, 1), dict(content="已完工，验收合格"))]:
        services.record_step(matter, actor=actor, number=number, date=day, **extra)
    return matter


def test_a_secretary_records_the_next_step_and_sees_the_refusal_by_field(client, county, users):
    client.force_login(users["secretary"])
    response = client.post(reverse("governance:matter_create"), {
        "organization": county["village_branch"].pk, "name": "修村道", "category": "工程项目",
        "opened_on": "2026-01-05", "meeting_form": "入户走访"})
    matter = Matter.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("governance:matter_detail", args=[matter.pk])
    url = reverse("governance:step_create", args=[matter.pk])
    assert client.post(url, {"number": 2, "date": "2026-01-10"}).status_code == 302
    response = client.post(url, {"number": 3, "date": "2026-01-20", "due": 30, "present": 19, "in_favour": 19})
    assert response.status_code == 200 and "不足应到30人的三分之二" in response.content.decode()
    response = client.post(url, {"number": 3, "date": "2026-01-20", "due": 30, "present": 19, "in_favour": 19,
                                 "confirm_failure": "on"})
    assert response.status_code == 302
    assert Matter.objects.get().status == "failed"
    page = client.get(reverse("governance:matter_detail", args=[matter.pk])).content.decode()
    assert "事项已终止" in page and "登记下一步" not in page


def test_the_public_page_shows_published_steps_of_that_village_only_without_login(client, county, actor):
    _decided(county, actor)
    other = _decided(county, actor, org_key="community_branch", name="社区广场改造")
    pending = open_matter(county["village_branch"], actor, name="尚未公开的事项")
    response = client.get(reverse("governance:public"), {"d": county["village"].pk})
    text = response.content.decode()
    assert response.status_code == 200
    assert "决议：硬化村道2公里" in text and "已完工，验收合格" in text
    assert text.index("已完工") < text.index("硬化村道")  # newest first
    assert other.name not in text and pending.name not in text
    assert "admin" not in text and "征求意见" not in text  # nobody's name, no unpublished step
    index = client.get(reverse("governance:public")).content.decode()
    assert "一村" in index and "幸福社区" in index
    assert client.get(reverse("governance:public"), {"d": county["town"].pk}).status_code == 404


def test_the_notice_is_a_word_document_of_the_publication(client, county, actor, users):
    matter = _decided(county, actor)
    client.force_login(users["secretary"])
    step = matter.steps.get(number=6)
    response = client.get(reverse("governance:step_notice", args=[step.pk]))
    assert response.status_code == 200
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "实施结果公开" in text and "已完工，验收合格" in text and "二〇二六年三月一日" in text
    assert client.get(reverse("governance:step_notice", args=[matter.steps.get(number=2).pk])).status_code == 404


def test_a_village_secretary_sees_only_their_village(client, county, users, actor, catalogue):
    _decided(county, actor, org_key="community_branch", name="社区广场改造")
    Dispute.objects.create(case_no="社区纠纷1", division=county["community"], category="邻里", accepted_on=DAY)
    Dispute.objects.create(case_no="本村纠纷1", division=county["village"], category="邻里", accepted_on=DAY)
    Dispute.objects.create(case_no="镇纠纷1", division=county["town"], category="邻里", accepted_on=DAY)
    client.force_login(users["secretary"])
    assert "社区广场改造" not in client.get(reverse("governance:matters")).content.decode()
    page = client.get(reverse("governance:disputes"), {"from": "2026-01-01"}).content.decode()
    assert "本村纠纷1" in page and "社区纠纷1" not in page and "镇纠纷1" not in page
    client.force_login(users["organiser"])
    page = client.get(reverse("governance:disputes"), {"from": "2026-01-01"}).content.decode()
    assert "本村纠纷1" in page and "镇纠纷1" in page and "社区纠纷1" not in page


def test_the_discipline_role_sees_only_its_register_in_its_scope(client, county, discipline, users):
    FourWindsCase.objects.create(case_no="本镇案件", division=county["village"], category="腐败", opened_on=DAY)
    FourWindsCase.objects.create(case_no="街道案件", division=county["community"], category="腐败", opened_on=DAY)
    client.force_login(discipline)
    home = client.get(reverse("core:home")).content.decode()
    assert "四风案件登记簿" in home and "村社治理" not in home
    page = client.get(reverse("governance:cases")).content.decode()
    assert "本镇案件" in page and "街道案件" not in page
    for name in ("matters", "disputes", "requests"):
        assert client.get(reverse(f"governance:{name}")).status_code == 403
    assert client.get(reverse("register:member_list")).status_code in (403, 404) or \
        "李党员" not in client.get(reverse("register:member_list")).content.decode()
    response = client.post(reverse("governance:case_create"), {
        "case_no": "新案件", "division": county["village"].pk, "category": "形式主义", "opened_on": "2026-03-01"})
    assert response.status_code == 302 and FourWindsCase.objects.filter(case_no="新案件").exists()
    client.force_login(users["organiser"])
    assert client.get(reverse("governance:cases")).status_code == 403


def test_requests_page_counts_and_flags_overdue_and_hands_up(client, county, users, catalogue):
    client.force_login(users["secretary"])
    response = client.post(reverse("governance:request_create"), {
        "number": "BM100", "level": "村级", "division": county["village"].pk, "item": catalogue["village"].pk,
        "accepted_on": "2026-01-02"})
    assert response.status_code == 302
    req = ServiceRequest.objects.get()
    page = client.get(reverse("governance:requests"), {"from": "2026-01-01", "to": "2026-12-31"}).content.decode()
    assert "BM100" in page and "超期" in page
    assert client.post(reverse("governance:request_hand_up", args=[req.pk]), {"date": "2026-01-03"}).status_code == 302
    req.refresh_from_db()
    assert req.number == "BM100" and req.handled_level == "乡镇级"
    export = client.get(reverse("governance:requests"), {"from": "2026-01-01", "export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_members_read_the_catalogue_and_nothing_else(client, users, catalogue):
    client.force_login(users["member"])
    assert reverse("governance:catalogue") in client.get(reverse("core:home")).content.decode()  # the menu
    page = client.get(reverse("governance:catalogue")).content.decode()
    assert "低保申请" in page and "旧事项" not in page and "新增服务事项" not in page
    assert client.get(reverse("governance:matters")).status_code == 403
    assert client.get(reverse("governance:item_edit", args=[catalogue["village"].pk])).status_code == 403


def test_the_api_lists_the_registers_in_the_users_scope(client, county, users, discipline):
    Dispute.objects.create(case_no="本村纠纷", division=county["village"], category="邻里", accepted_on=DAY)
    Dispute.objects.create(case_no="社区纠纷", division=county["community"], category="邻里", accepted_on=DAY)
    FourWindsCase.objects.create(case_no="本镇案件", division=county["village"], category="腐败", opened_on=DAY)
    client.force_login(users["secretary"])
    body = client.get("/api/v1/governance/disputes/").json()
    assert [d["case_no"] for d in body["results"]] == ["本村纠纷"]
    assert client.get("/api/v1/governance/cases/").json()["count"] == 0
    client.force_login(discipline)
    assert [c["case_no"] for c in client.get("/api/v1/governance/cases/").json()["results"]] == ["本镇案件"]
    assert client.get("/api/v1/governance/disputes/").json()["count"] == 0
