"""The REST API: scope (for_user), masking and the audited reveal, statistics with ETag, writes
through the services with their checks, audit rows and Chinese field messages."""
import datetime
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import AuditLog
from dangjian.orglife.models import Activity
from dangjian.transfers.models import Transfer


def api(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def post_json(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def test_it_refuses_anonymous_callers(users):
    response = api().get(reverse("api:member-list"))
    assert response.status_code in (401, 403)


def test_members_are_masked_and_scoped(users, county, make_member):
    outsider = make_member(county["community_branch"], name="街道的人")
    client = api(users["organiser"])
    body = client.get(reverse("api:member-list")).json()
    names = {m["name"] for m in body["results"]}
    assert "李党员" in names and "街道的人" not in names
    row = body["results"][0]
    assert "*" in row["id_number"] and "*" in row["phone"]
    assert client.get(reverse("api:member-detail", args=[outsider.pk])).status_code == 404
    # The page's filters: 姓名 and organisation subtree.
    assert client.get(reverse("api:member-list") + "?q=李").json()["count"] == 1
    assert client.get(reverse("api:member-list") + f"?org={county['community_branch'].pk}").status_code == 404


def test_only_the_county_admin_unmasks_and_each_reveal_is_audited(users):
    member = users["member_record"]
    url = reverse("api:member-reveal", args=[member.pk])
    refused = post_json(api(users["organiser"]), url, {"field": "id_number"})
    assert refused.status_code == 403 and "县委组织部" in refused.json()["detail"]
    shown = post_json(api(users["admin"]), url, {"field": "id_number"})
    assert shown.status_code == 200 and shown.json()["value"] == member.id_number
    log = AuditLog.objects.get(action="viewed_pii")
    assert log.actor == users["admin"] and log.via == "api"


def test_party_stats_is_the_commands_json_with_an_etag(users, county, capsys):
    client = api(users["admin"])
    url = reverse("api:party_stats") + "?as_of=2026-06-30"
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]
    call_command("party_stats", "--as-of", "2026-06-30", "--org", county["root"].name, "--json")
    assert first.json() == json.loads(capsys.readouterr().out)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and not again.content
    bad = client.get(reverse("api:party_stats") + "?as_of=2026-13-01")
    assert bad.status_code == 400 and "as_of" in bad.json()


def test_party_stats_keeps_to_the_callers_scope(users, county):
    assert api(users["organiser"]).get(
        reverse("api:party_stats") + f"?org={county['community_branch'].pk}").status_code == 404
    assert api(users["member"]).get(reverse("api:party_stats")).status_code == 403


def activity_body(org, **over):
    day = timezone.localdate() - datetime.timedelta(days=2)
    return {"organization": org.pk, "activity_type": "theme_day", "date": day.isoformat(), "start_time": "09:00",
            "end_time": "10:30", "place": "村部", "host": "王书记", "topic": "学习", "expected_count": 5,
            "present_count": 4, "leave_count": 1, **over}


def test_an_activity_is_recorded_through_the_service_with_its_audit_row(users, county):
    client = api(users["secretary"])
    response = post_json(client, reverse("api:orglife-activity-list"), activity_body(county["village_branch"]))
    assert response.status_code == 201, response.content
    activity = Activity.objects.get(pk=response.json()["id"])
    log = AuditLog.objects.get(action="created", object_type__contains="activity")
    assert log.actor == users["secretary"] and log.via == "api" and log.object_id == str(activity.pk)


def test_a_refused_write_names_the_field_in_chinese_and_writes_nothing(users, county):
    client = api(users["secretary"])
    future = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    response = post_json(client, reverse("api:orglife-activity-list"),
                         activity_body(county["village_branch"], date=future, topic=""))
    assert response.status_code == 400
    errors = response.json()
    assert "date" in errors and any("尚未" in m or "未来" in m or "还没" in m for m in errors["date"]), errors
    assert "topic" in errors
    assert not Activity.objects.exists()


def test_a_write_into_another_subtree_is_refused(users, county):
    response = post_json(api(users["organiser"]), reverse("api:orglife-activity-list"),
                         activity_body(county["community_branch"]))
    assert response.status_code == 400 and "不在您的管理范围内" in response.json()["organization"][0]
    assert not Activity.objects.exists()


def test_a_transfer_is_applied_for_through_the_service(users, county, make_member):
    member = make_member(county["village_branch"], name="转出人")
    response = post_json(api(users["secretary"]), reverse("api:transfer-list"),
                         {"member": member.pk, "to_org": county["community_branch"].pk, "reason": "工作调动"})
    assert response.status_code == 201, response.content
    assert Transfer.objects.get().status == "requested"
    again = post_json(api(users["secretary"]), reverse("api:transfer-list"),
                      {"member": member.pk, "to_org": county["community_branch"].pk})
    assert again.status_code == 400 and "一人同时只能办理一项转接" in json.dumps(again.json(), ensure_ascii=False)


def test_lists_are_paginated(users, county, make_member):
    for i in range(3):
        make_member(county["village_branch"], name=f"分页{i}")
    body = api(users["admin"]).get(reverse("api:member-list") + "?page_size=2&q=分页").json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


def test_the_schema_and_the_local_docs_are_served(users):
    client = api(users["admin"])
    schema = client.get(reverse("api:schema") + "?format=json")
    assert schema.status_code == 200 and "/api/v1/register/members/" in schema.content.decode()
    docs = client.get(reverse("api:docs")).content.decode()
    assert "drf_spectacular_sidecar" in docs and "cdn" not in docs.lower()
    assert "drf_spectacular_sidecar" in client.get(reverse("api:redoc")).content.decode()


def test_county_report_is_the_commands_json_with_an_etag(users, county, capsys):
    client = api(users["admin"])
    url = reverse("api:county_report") + "?from=2026-01-01&to=2026-06-30"
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]
    call_command("county_report", "--from", "2026-01-01", "--to", "2026-06-30", "--org", county["root"].name, "--json")
    assert first.json() == json.loads(capsys.readouterr().out)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert api(users["organiser"]).get(
        reverse("api:county_report") + f"?org={county['community_branch'].pk}").status_code == 404
