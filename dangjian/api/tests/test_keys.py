"""API keys: issued by the county admin, shown once, stored hashed, scoped to a subtree and to
read or write, expiring, revocable, every use logged with the key's name, rate-limited."""
import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.api import services
from dangjian.api.models import ApiKey, ApiKeyUse
from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog


def issue(users, org, access="read", name="省党员管理信息系统"):
    return services.issue_key(actor=Actor(user=users["admin"]), name=name, organization=org, access=access)


def call(secret, method="get", url=None, data=None):
    client = Client()
    url = url or reverse("api:member-list")
    if method == "get":
        return client.get(url, HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return client.post(url, json.dumps(data or {}), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Api-Key {secret}")


def test_the_county_admin_issues_a_key_shown_once_and_stored_hashed(users, county, client_for):
    client = client_for(users["admin"])
    response = client.post(reverse("api:keys"), {"name": "12371门户", "organization": county["town_committee"].pk,
                                                 "access": "read"})
    page = response.content.decode()
    key = ApiKey.objects.get()
    secret = page.split('user-select-all">')[1].split("<")[0]
    assert secret.startswith(f"djk_{key.prefix}_") and secret not in key.key_hash and key.matches(secret)
    assert secret not in client.get(reverse("api:keys")).content.decode()  # never shown again
    assert AuditLog.objects.filter(action="created", object_type__contains="apikey").exists()
    assert key.expires_at.date() == (timezone.now() + datetime.timedelta(days=365)).date()
    assert client_for(users["organiser"]).get(reverse("api:keys")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.issue_key(actor=Actor(user=users["organiser"]), name="x", organization=county["town_committee"],
                           access="read")


def test_a_key_sees_its_subtree_only_and_every_use_is_logged_with_its_name(users, county, make_member):
    make_member(county["community_branch"], name="街道党员")
    key, secret = issue(users, county["town_committee"])
    body = call(secret).json()
    names = {m["name"] for m in body["results"]}
    assert "李党员" in names and "街道党员" not in names
    assert all("*" in m["id_number"] for m in body["results"])
    use = ApiKeyUse.objects.get()
    assert use.key_name == "省党员管理信息系统" and use.status == 200 and use.method == "GET"
    # A key over a township may not unmask.
    member = users["member_record"]
    assert call(secret, "post", reverse("api:member-reveal", args=[member.pk]), {"field": "phone"}).status_code == 403


def test_a_read_key_cannot_write_and_a_write_key_writes_as_its_system(users, county):
    day = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    body = {"organization": county["village_branch"].pk, "activity_type": "theme_day", "date": day,
            "start_time": "09:00", "end_time": "10:00", "place": "村部", "host": "王", "topic": "学习",
            "expected_count": 3, "present_count": 3, "leave_count": 0}
    _, read_secret = issue(users, county["town_committee"], "read", "只读系统")
    refused = call(read_secret, "post", reverse("api:orglife-activity-list"), body)
    assert refused.status_code == 403 and "只读" in refused.json()["detail"]
    _, write_secret = issue(users, county["town_committee"], "write", "乡镇系统")
    done = call(write_secret, "post", reverse("api:orglife-activity-list"), body)
    assert done.status_code == 201, done.content
    log = AuditLog.objects.filter(action="created", object_type__contains="activity").get()
    assert "乡镇系统" in log.actor_name and log.via == "api"


def test_revoked_expired_and_wrong_keys_are_refused(users, county, client_for):
    key, secret = issue(users, county["town_committee"])
    assert call(secret + "x").status_code in (401, 403)
    assert call("djk_nothing").status_code in (401, 403)
    response = client_for(users["admin"]).post(reverse("api:revoke", args=[key.pk]))
    assert response.status_code == 302
    refused = call(secret)
    assert refused.status_code in (401, 403) and "吊销" in refused.json()["detail"]
    other, other_secret = issue(users, county["town_committee"], name="过期系统")
    ApiKey.objects.filter(pk=other.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert "过期" in call(other_secret).json()["detail"]


def test_keys_are_rate_limited(users, county, settings):
    settings.DANGJIAN_API_KEY_RATE = "2/min"
    _, secret = issue(users, county["town_committee"])
    statuses = [call(secret).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert ApiKeyUse.objects.filter(status=429).count() == 1


def test_the_keys_page_reads_in_chinese_with_styled_fields_and_chinese_errors(users, client_for):
    client = client_for(users["admin"])
    html = client.get(reverse("api:keys")).content.decode()
    assert ">Redoc<" not in html and "分栏版接口文档" in html
    import re
    assert "form-control" in re.search(r'<input[^>]*name="name"[^>]*>', html).group(0)
    assert "form-select" in re.search(r'<select[^>]*name="access"[^>]*>', html).group(0)
    response = client.post(reverse("api:keys"), {"name": "", "organization": "", "access": "read"})
    assert "请填写“使用系统”" in response.content.decode() and "请选择“数据范围（含下级）”" in response.content.decode()
