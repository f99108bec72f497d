"""The audit log page: county admin only, filters, readable changes, export; object history in scope."""
import datetime
import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.register import services

LOG = reverse("core:audit_log")


def make_history(users, county):
    admin, organiser = Actor(user=users["admin"]), Actor(user=users["organiser"])
    services.update_organization(county["firm_branch"], actor=organiser, secretary_name="钱书记")
    services.update_organization(county["community_branch"], actor=admin, secretary_name="孙书记")
    services.set_member_status(users["member_record"], actor=organiser, status="停止党籍", reason="出国定居")
    old = services.update_organization(county["village_branch"], actor=admin, secretary_name="旧书记")
    AuditLog.objects.filter(object_id=str(old.pk), object_type="register.organization").update(
        created_at=timezone.now() - datetime.timedelta(days=40))


def entries(response):
    return [e for e, _changes, _label in response.context["entries"]]


def test_it_shows_the_county_admin_every_change_readably(users, county, client_for):
    make_history(users, county)
    response = client_for(users["admin"]).get(LOG)

    content = response.content.decode()
    assert response.status_code == 200 and response.context["total"] == 4
    assert "书记" in content and "钱书记" in content and "（空）" in content
    changes = dict((e.object_repr, c) for e, c, _ in response.context["entries"])
    assert changes["甲镇某公司党支部"] == [("书记", "（空）", "钱书记")]
    assert changes["李党员"] == [("党籍状态", "正常", "停止党籍")]


def test_it_filters_by_actor_action_type_text_and_dates(users, county, client_for):
    make_history(users, county)
    client = client_for(users["admin"])
    today = timezone.localdate()

    assert {e.object_repr for e in entries(client.get(LOG, {"actor": "organiser"}))} == {"甲镇某公司党支部", "李党员"}
    assert [e.object_repr for e in entries(client.get(LOG, {"action": "suspended"}))] == ["李党员"]
    assert {e.object_repr for e in entries(client.get(LOG, {"object_type": "register.member"}))} == {"李党员"}
    assert [e.object_repr for e in entries(client.get(LOG, {"q": "幸福"}))] == ["中共幸福社区支部委员会"]
    recent = entries(client.get(LOG, {"date_from": (today - datetime.timedelta(days=1)).isoformat()}))
    assert len(recent) == 3 and "中共一村支部委员会" not in {e.object_repr for e in recent}
    older = entries(client.get(LOG, {"date_to": (today - datetime.timedelta(days=30)).isoformat()}))
    assert [e.object_repr for e in older] == ["中共一村支部委员会"]


def test_it_names_the_field_of_a_bad_date_range(users, client_for):
    response = client_for(users["admin"]).get(LOG, {"date_from": "2025-02-01", "date_to": "2025-01-01"})
    assert "“截止日期”不能早于“起始日期”" in response.content.decode()


def test_it_exports_the_filtered_log(users, county, client_for):
    make_history(users, county)
    response = client_for(users["admin"]).get(reverse("core:audit_export"), {"action": "suspended"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "操作人", "来源地址", "操作")
    assert len(rows) == 2 and rows[1][6] == "李党员" and "党籍状态：正常 → 停止党籍" in rows[1][7]


def test_it_refuses_the_whole_log_to_everyone_but_the_county_admin(users, county, client_for):
    make_history(users, county)
    for role in ("organiser", "secretary", "member", "outsider"):
        assert client_for(users[role]).get(LOG).status_code == 403, role
        assert client_for(users[role]).get(reverse("core:audit_export")).status_code == 403, role


def test_it_shows_an_organiser_the_history_of_an_object_in_their_scope(users, county, client_for):
    make_history(users, county)
    firm = county["firm_branch"]
    params = {"object_type": "register.organization", "object_id": firm.pk}

    response = client_for(users["organiser"]).get(LOG, params)

    assert response.status_code == 200
    assert [e.object_repr for e in entries(response)] == ["甲镇某公司党支部"]
    assert client_for(users["secretary"]).get(LOG, params).status_code == 404  # another branch
    assert client_for(users["member"]).get(LOG, params).status_code == 403


def test_it_answers_404_for_the_history_of_an_object_outside_the_scope(users, county, client_for):
    make_history(users, county)
    params = {"object_type": "register.organization", "object_id": county["community_branch"].pk}
    assert client_for(users["organiser"]).get(LOG, params).status_code == 404
    assert client_for(users["outsider"]).get(LOG, params).status_code == 200


def test_it_refuses_post(users, client_for):
    assert client_for(users["admin"]).post(LOG).status_code == 405


def test_it_shows_an_empty_history_for_an_object_in_scope_that_has_none(users, county, client_for):
    params = {"object_type": "register.organization", "object_id": county["village_branch"].pk}
    response = client_for(users["secretary"]).get(LOG, params)
    assert response.status_code == 200 and response.context["total"] == 0
    assert client_for(users["outsider"]).get(LOG, params).status_code == 404
