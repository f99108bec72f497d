"""Pages end to end as the users would use them, and the sheets' faults (all or nothing)."""
import datetime
import io

from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dangjian.cobuilding import rules
from dangjian.cobuilding.models import Brand, MemberUnit, Region, StarRating, TwoNewUnit
from dangjian.core.actor import Actor
from dangjian.roster.engine import import_workbook

D = datetime.date


def workbook(sheets: dict) -> io.BytesIO:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_a_faulty_sheet_writes_nothing_and_names_sheet_row_and_column(county):
    content = workbook({
        "共建单位": [["区域党组织", "共建单位", "加入日期", "退出日期"],
                 ["中共乙街道工作委员会", "某医院党委", "2024-03-01", None],
                 ["中共乙街道工作委员会", "某学校党委", "2024-03-01", "2024-02-01"],
                 ["中共幸福社区支部委员会", "某银行党委", "2024-03-01", None]],
        "星级评定": [["党组织", "评定年度", "得分", "一票否决"], ["中共一村支部委员会", 2024, 101, "否"]],
        "两新组织": [["单位名称", "单位类别", "所在行政区划", "从业人员数", "党员数", "党组织", "党建指导员", "排查日期"],
                 ["某公司", "个体户", "乙街道", 10, 0, None, None, "2024-01-01"]],
    })
    result = import_workbook(content, actor=Actor.command())
    faults = {(f.sheet, f.row, f.column) for f in result.faults}
    assert ("共建单位", 3, "退出日期") in faults
    assert ("共建单位", 4, "区域党组织") in faults  # a 党支部 hosts no regional committee
    assert ("星级评定", 2, "得分") in faults and ("星级评定", 2, "党组织") in faults
    assert ("两新组织", 2, "单位类别") in faults
    assert not MemberUnit.objects.exists() and not Region.objects.exists()


def test_the_admin_runs_a_region_and_exports_its_lists(county, users, client_for):
    client = client_for(users["admin"])
    response = client.post(reverse("cobuilding:region_create"), {"organization": county["street_committee"].pk, "kind": "street"})
    region = Region.objects.get()
    assert response.status_code == 302
    response = client.post(reverse("cobuilding:units_create"), {"region": region.pk, "unit_name": "某医院党委",
                                                               "joined_on": "2024-03-01", "left_on": "2024-02-01"})
    assert response.status_code == 200 and "退出日期" in response.content.decode()
    client.post(reverse("cobuilding:units_create"), {"region": region.pk, "unit_name": "某医院党委", "joined_on": "2024-03-01"})
    assert MemberUnit.objects.get().unit_name == "某医院党委"
    assert "某医院党委" in client.get(reverse("cobuilding:region_detail", args=[region.pk])).content.decode()
    page = client.get(reverse("cobuilding:units_list"), {"active": "1"})
    assert "某医院党委" in page.content.decode()
    assert "某医院党委" not in client.get(reverse("cobuilding:units_list"), {"active": "0"}).content.decode()
    export = client.get(reverse("cobuilding:units_list"), {"export": "xlsx"})
    ws = load_workbook(io.BytesIO(export.content)).active
    assert ws.cell(2, 2).value == "某医院党委"
    for name in ("index", "bookings", "dual_list", "twonew", "coverage", "ratings", "subsidies", "brands"):
        assert client.get(reverse(f"cobuilding:{name}")).status_code == 200, name


def test_secretary_self_assesses_and_the_county_publishes(county, firm_org, users, client_for, django_user_model):
    secretary = django_user_model.objects.create_user("firm", password="x", role="secretary", organization=firm_org)
    client = client_for(secretary)
    data = {"organization": firm_org.pk, "year": 2025}
    for i, (_, _, points) in enumerate(rules.scheme()):
        data[f"ind_{i}"] = points
    response = client.post(reverse("cobuilding:rating_create"), data)
    rating = StarRating.objects.get()
    assert response.status_code == 302 and rating.score == 100 and rating.status == "self"
    assert client.post(reverse("cobuilding:rating_publish", args=[rating.pk])).status_code == 403
    admin = client_for(users["admin"])
    admin.post(reverse("cobuilding:rating_review", args=[rating.pk]), {"approve": "1", "score": "89.9"})
    admin.post(reverse("cobuilding:rating_publish", args=[rating.pk]))
    rating.refresh_from_db()
    assert rating.status == "published" and rating.stars == 4
    # The 2025 rating sets the funding of 2026 and 2027 (the 2-year cycle), not of 2025 itself.
    for year, amount in ((2025, 9000), (2026, 10500), (2027, 10500), (2028, 9000)):
        subsidies = admin.get(reverse("cobuilding:subsidies"), {"export": "xlsx", "year": year})
        rows = {r[1]: r for r in load_workbook(io.BytesIO(subsidies.content)).active.iter_rows(min_row=2, values_only=True)}
        assert rows[firm_org.name][0] == year and rows[firm_org.name][-1] == amount, year


def test_brand_page_and_the_unit_register(county, users, client_for):
    admin = client_for(users["admin"])
    admin.post(reverse("cobuilding:brand_create"), {"organization": county["community_branch"].pk, "name": "红色驿站",
                                                    "applied_on": "2025-01-01"})
    brand = Brand.objects.get()
    admin.post(reverse("cobuilding:milestone_create", args=[brand.pk]), {"date": "2025-02-01", "title": "挂牌"})
    admin.post(reverse("cobuilding:brand_recognise", args=[brand.pk]), {"on": "2025-03-01"})
    page = admin.get(reverse("cobuilding:brand_detail", args=[brand.pk])).content.decode()
    assert "挂牌" in page and "已认定" in page
    response = admin.post(reverse("cobuilding:unit_create"), {
        "name": "某商贸公司", "category": "非公有制企业", "division": county["street"].pk, "staff_count": 20,
        "member_count": 0, "surveyed_on": "2025-01-01"})
    assert "党建指导员" in response.content.decode() and not TwoNewUnit.objects.exists()


def test_a_joint_meeting_with_its_attendance(county, users, client_for):
    from dangjian.cobuilding.models import Meeting

    admin = client_for(users["admin"])
    region = Region.objects.create(organization=county["street_committee"], kind="street")
    here = MemberUnit.objects.create(region=region, unit_name="在册单位", joined_on=D(2024, 1, 1))
    MemberUnit.objects.create(region=region, unit_name="已退出单位", joined_on=D(2023, 1, 1), left_on=D(2024, 6, 1))
    form = admin.get(reverse("cobuilding:meetings_create"), {"region": region.pk}).content.decode()
    assert "在册单位" in form
    response = admin.post(reverse("cobuilding:meetings_create"), {
        "region": region.pk, "date": "2025-03-01", "topic": "年度共建项目议定"})
    assert response.status_code == 302
    assert list(Meeting.objects.get().attendees.all()) == [here]  # 不选则为当天全部共建单位
    old = MemberUnit.objects.get(unit_name="已退出单位")
    response = admin.post(reverse("cobuilding:meetings_create"), {
        "region": region.pk, "date": "2025-04-01", "topic": "x", "attendees": [old.pk]})
    assert "不在共建期内" in response.content.decode() and Meeting.objects.count() == 1
