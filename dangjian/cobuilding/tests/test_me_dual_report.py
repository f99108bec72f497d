"""The member's 双报到 card on 我的: the slip, posts, hours and quarterly card; claiming a post and recording
hours through the services, on the member's own slip only."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from dangjian.cobuilding import services
from dangjian.cobuilding.models import DualReport, ServiceRecord
from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog

ME = reverse("portal:me")


@pytest.fixture
def slip(users, county):
    """The member (of 一村党支部) reports to 幸福社区 where they live, with one claimed post and 2.5 hours."""
    report = DualReport.objects.create(member=users["member_record"], community=county["community_branch"],
                                       reported_on=datetime.date(2024, 3, 1), posts="文明劝导岗")
    ServiceRecord.objects.create(report=report, date=datetime.date(2024, 5, 4), post="文明劝导岗",
                                 hours=Decimal("2.5"), note="小区劝导")
    return report


def test_the_member_sees_their_slip_posts_and_hours_on_me_not_on_home(slip, users, client_for, county):
    c = client_for(users["member"])
    page = c.get(ME).content.decode()
    assert county["community_branch"].name in page and "文明劝导岗" in page and "2024年第2季度" in page
    assert "2.5" in page and "认领岗位" in page and "登记服务时长" in page
    assert "me-dual-report" not in c.get(reverse("core:home")).content.decode()


def test_a_member_without_a_slip_is_told_how_to_report(users, client_for):
    assert "还没有报到记录" in client_for(users["member"]).get(ME).content.decode()


def test_the_member_claims_a_post(slip, users, client_for):
    c = client_for(users["member"])
    response = c.post(reverse("cobuilding:me_claim_post", args=[slip.pk]), {"post": "政策宣讲岗"})
    assert response.status_code == 302 and response["Location"] == ME
    slip.refresh_from_db()
    assert slip.posts == "文明劝导岗、政策宣讲岗"
    row = AuditLog.objects.get()
    assert row.actor == users["member"] and row.note == "认领服务岗位"
    assert row.changes["posts"] == ["文明劝导岗", "文明劝导岗、政策宣讲岗"]
    for bad in ("政策宣讲岗", "不存在的岗位", ""):  # already claimed, not in the setting, empty
        c.post(reverse("cobuilding:me_claim_post", args=[slip.pk]), {"post": bad})
    slip.refresh_from_db()
    assert slip.posts == "文明劝导岗、政策宣讲岗" and AuditLog.objects.count() == 1
    assert "已认领" in c.get(ME).content.decode()


def test_the_member_records_hours_on_a_claimed_post_only(slip, users, client_for):
    c = client_for(users["member"])
    today = datetime.date.today().isoformat()
    c.post(reverse("cobuilding:me_record_hours", args=[slip.pk]), {"date": today, "post": "文明劝导岗", "hours": "3",
                                                                   "note": "楼道清理"})
    assert ServiceRecord.objects.filter(post="文明劝导岗", hours=Decimal("3"), note="楼道清理").exists()
    assert AuditLog.objects.get().actor == users["member"]
    c.post(reverse("cobuilding:me_record_hours", args=[slip.pk]), {"date": today, "post": "环境整治岗", "hours": "1"})
    c.post(reverse("cobuilding:me_record_hours", args=[slip.pk]), {"date": today, "post": "文明劝导岗", "hours": "25"})
    assert ServiceRecord.objects.count() == 2 and AuditLog.objects.count() == 1
    page = c.get(ME).content.decode()
    assert "请先认领该服务岗位" in page or "0-24" in page


def test_nobody_else_acts_on_the_slip_as_the_member(slip, users, county, make_member, django_user_model, client_for):
    other = make_member(county["village_branch"], name="另一党员")
    stranger = django_user_model.objects.create_user("other", password="x", role="member",
                                                     organization=county["village_branch"], member=other)
    c = client_for(stranger)
    assert c.post(reverse("cobuilding:me_claim_post", args=[slip.pk]), {"post": "政策宣讲岗"}).status_code == 404
    with pytest.raises(Exception):
        services.record_service(slip, actor=Actor(stranger), date=datetime.date(2024, 6, 1), post="文明劝导岗", hours=1)
    slip.refresh_from_db()
    assert slip.posts == "文明劝导岗" and ServiceRecord.objects.count() == 1
