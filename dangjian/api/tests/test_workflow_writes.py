"""Writes to the daily workflows and ledgers in the REST API (issue 17): organisational-life records
(PATCH, DELETE), transfer steps, the dispute and 四风 case ledgers and cadre records — through the
apps' services with the page's checks, one audit row via "api", Chinese field → message 400s, and
403/404 outside the caller's scope."""
import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import AuditLog


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(client, method, url, data=None):
    return getattr(client, method)(url, json.dumps(data or {}), content_type="application/json")


def rows(obj, action):
    return AuditLog.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action)


@pytest.fixture
def activity_in(users):
    from dangjian.orglife import services
    from dangjian.core.actor import Actor

    def make(org, user):
        day = timezone.localdate() - datetime.timedelta(days=2)
        return services.record_activity(
            actor=Actor(user=user), organization=org, activity_type="theme_day", date=day,
            start_time=datetime.time(9, 0), end_time=datetime.time(10, 30), place="村部", host="王书记", topic="学习",
            expected_count=5, present_count=4, leave_count=1)
    return make


def test_it_changes_and_deletes_an_activity_through_the_services(users, county, activity_in):
    activity = activity_in(county["village_branch"], users["secretary"])
    url = reverse("api:orglife-activity-detail", args=[activity.pk])
    client = api(users["secretary"])
    changed = send(client, "patch", url, {"topic": "学习党章"})
    assert changed.status_code == 200, changed.content
    assert changed.json()["topic"] == "学习党章" and changed.json()["place"] == "村部"
    assert rows(activity, AuditLog.Action.CHANGED).get().via == "api"
    bad = send(client, "patch", url, {"present_count": 9})
    assert bad.status_code == 400 and any("\u4e00" <= ch <= "\u9fff" for ch in json.dumps(bad.json(), ensure_ascii=False))
    assert client.delete(url).status_code == 204
    assert rows(activity, AuditLog.Action.DELETED).get().via == "api"


def test_a_locked_activity_needs_an_amendment_reason_and_is_not_deleted(users, county, activity_in, settings):
    from dangjian.orglife.models import Activity

    activity = activity_in(county["village_branch"], users["secretary"])
    Activity.objects.filter(pk=activity.pk).update(recorded_on=timezone.localdate() - datetime.timedelta(days=400))
    url = reverse("api:orglife-activity-detail", args=[activity.pk])
    client = api(users["secretary"])
    refused = send(client, "patch", url, {"topic": "更正"})
    assert refused.status_code == 400 and "amendment_reason" in refused.json()
    assert send(client, "patch", url, {"topic": "更正", "amendment_reason": "笔误"}).status_code == 200
    gone = client.delete(url)
    assert gone.status_code == 400 and "锁定" in gone.json()["non_field_errors"][0]
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_activity_writes_refuse_out_of_scope_and_members(users, county, activity_in):
    outside = activity_in(county["community_branch"], users["admin"])
    url = reverse("api:orglife-activity-detail", args=[outside.pk])
    assert send(api(users["organiser"]), "patch", url, {"topic": "越界"}).status_code == 404
    assert api(users["organiser"]).delete(url).status_code == 404
    own = activity_in(county["village_branch"], users["secretary"])
    own_url = reverse("api:orglife-activity-detail", args=[own.pk])
    assert send(api(users["member"]), "patch", own_url, {"topic": "党员改"}).status_code == 403
    assert api(users["member"]).delete(own_url).status_code == 403


def test_a_transfer_goes_through_its_steps_by_the_services_rules(users, county, make_member):
    from dangjian.transfers.models import Transfer

    member = make_member(county["village_branch"], name="转接党员")
    started = send(api(users["secretary"]), "post", reverse("api:transfer-list"),
                   {"member": member.pk, "to_org": county["community_branch"].pk, "reason": "工作调动"})
    assert started.status_code == 201, started.content
    transfer = Transfer.objects.get(pk=started.json()["id"])
    url = reverse("api:transfer-steps", args=[transfer.pk])
    # The branch secretary may not approve: the sending committee does (the service says so).
    assert send(api(users["secretary"]), "post", url, {"step": "approve"}).status_code == 403
    assert send(api(users["organiser"]), "post", url, {"step": "fly"}).status_code == 400
    refused = send(api(users["organiser"]), "post", url, {"step": "reject"})
    assert refused.status_code == 400 and "note" in refused.json()
    approved = send(api(users["organiser"]), "post", url, {"step": "approve", "note": "同意"})
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == Transfer.objects.get(pk=transfer.pk).status and approved.json()["letter_number"]
    assert AuditLog.objects.filter(object_id=str(transfer.pk), via="api").count() >= 2
    # The street's organiser (the receiving side) sees it; a stranger does not.
    assert send(api(users["member"]), "post", url, {"step": "cancel"}).status_code in (403, 404)


def test_dispute_ledger_rows_are_written_through_save_dispute(users, county):
    from dangjian.governance.models import Dispute

    client = api(users["organiser"])
    day = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    body = {"case_no": "TJ-API-1", "division": county["village"].pk, "category": "邻里", "accepted_on": day}
    created = send(client, "post", reverse("api:governance-dispute-list"), body)
    assert created.status_code == 201, created.content
    dispute = Dispute.objects.get(case_no="TJ-API-1")
    assert rows(dispute, AuditLog.Action.CREATED).get().via == "api"
    url = reverse("api:governance-dispute-detail", args=[dispute.pk])
    half = send(client, "patch", url, {"result": "调处成功"})
    assert half.status_code == 400 and "closed_on" in half.json()
    done = send(client, "patch", url, {"result": "调处成功", "closed_on": day})
    assert done.status_code == 200 and done.json()["result"] == "调处成功" and done.json()["case_no"] == "TJ-API-1"
    again = send(client, "post", reverse("api:governance-dispute-list"), body)
    assert again.status_code == 400 and "已被使用" in again.json()["case_no"][0]
    # Outside the organiser's township: the division is no choice, the row is not theirs.
    outside = send(client, "post", reverse("api:governance-dispute-list"),
                   dict(body, case_no="TJ-API-2", division=county["community"].pk))
    assert outside.status_code == 400 and "division" in outside.json()
    other = Dispute.objects.create(case_no="TJ-OUT", division=county["community"], category="邻里",
                                   accepted_on=timezone.localdate())
    assert send(client, "patch", reverse("api:governance-dispute-detail", args=[other.pk]),
                {"mediator": "越界"}).status_code == 404
    assert send(api(users["member"]), "post", reverse("api:governance-dispute-list"), body).status_code == 403


def test_case_ledger_is_the_discipline_office_and_the_countys(users, county):
    from dangjian.governance.models import FourWindsCase

    day = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    body = {"case_no": "SF-API-1", "division": county["village"].pk, "category": "形式主义", "opened_on": day}
    assert send(api(users["organiser"]), "post", reverse("api:governance-case-list"), body).status_code == 403
    created = send(api(users["admin"]), "post", reverse("api:governance-case-list"), body)
    assert created.status_code == 201, created.content
    case = FourWindsCase.objects.get(case_no="SF-API-1")
    late = send(api(users["admin"]), "patch", reverse("api:governance-case-detail", args=[case.pk]),
                {"concluded_on": "2000-01-01"})
    assert late.status_code == 400 and "concluded_on" in late.json()


def test_cadre_records_are_written_through_the_cadre_services(users, county):
    from dangjian.cadres.models import Cadre

    client = api(users["organiser"])
    body = {"organization": county["village_branch"].pk, "name": "赵书记", "post": "书记", "started_on": "2024-01-05"}
    created = send(client, "post", reverse("api:cadres-cadre-list"), body)
    assert created.status_code == 201, created.content
    cadre = Cadre.objects.get(pk=created.json()["id"])
    assert rows(cadre, AuditLog.Action.CREATED).get().via == "api"
    url = reverse("api:cadres-cadre-detail", args=[cadre.pk])
    assert send(client, "patch", url, {"concurrent_post": "合作社理事长"}).json()["concurrent_post"] == "合作社理事长"
    assert send(api(users["secretary"]), "patch", url, {"name": "书记自改"}).status_code == 403
    ended = send(client, "post", reverse("api:cadres-cadre-end", args=[cadre.pk]), {"ended_on": "2025-01-05"})
    assert ended.status_code == 200 and ended.json()["ended_on"] == "2025-01-05"
    wrong = send(client, "post", reverse("api:cadres-cadre-list"), dict(body, organization=county["community_branch"].pk))
    assert wrong.status_code == 400 and "organization" in wrong.json()
    assert client.delete(url).status_code == 204 and not Cadre.objects.filter(pk=cadre.pk).exists()


def test_two_new_units_are_written_through_save_unit(users, county):
    from dangjian.cobuilding.models import TwoNewUnit

    client = api(users["organiser"])
    body = {"name": "甲镇某合作社", "category": "非公有制企业", "division": county["town"].pk, "staff_count": 12,
            "member_count": 2, "instructor": "钱指导员", "surveyed_on": "2025-03-01"}
    created = send(client, "post", reverse("api:cobuilding-unit-list"), body)
    assert created.status_code == 201, created.content
    unit = TwoNewUnit.objects.get(name="甲镇某合作社")
    assert rows(unit, AuditLog.Action.CREATED).get().via == "api"
    url = reverse("api:cobuilding-unit-detail", args=[unit.pk])
    too_many = send(client, "patch", url, {"member_count": 20})
    assert too_many.status_code == 400 and "member_count" in too_many.json()
    assert send(client, "patch", url, {"sector": "农业"}).json()["sector"] == "农业"
    assert send(api(users["secretary"]), "patch", url, {"sector": "改"}).status_code in (403, 404)
    unit.refresh_from_db()
    assert unit.sector == "农业" and unit.member_count == 2
