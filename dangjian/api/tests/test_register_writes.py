"""Register writes in the REST API (issue 17): create, PATCH, delete and the page's other actions on
divisions, organisations and members go through the page's forms and the register's services —
same checks, one audit row with the actor via "api", Chinese field → message 400s, 403/404 out of
scope, 403 for a read-only key."""
import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse

from dangjian.conftest import make_id_number
from dangjian.core.models import AuditLog
from dangjian.register.models import Division, Member, Organization


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(client, method, url, data=None):
    return getattr(client, method)(url, json.dumps(data or {}), content_type="application/json")


def audit_rows(obj, action):
    return AuditLog.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action)


def member_body(org, **over):
    birth = datetime.date(1990, 3, 4)
    body = {"name": "接口新党员", "id_number": make_id_number(birth, "女", 777), "ethnicity": "汉族",
            "education": "大学本科", "occupation": "工人", "organization": org.pk, "joined_on": "2015-07-01",
            "full_on": "2016-07-01", "phone": "13912345678"}
    body.update(over)
    return body


def test_it_creates_a_member_through_the_service_with_an_audit_row(users, county):
    response = send(api(users["organiser"]), "post", reverse("api:member-list"), member_body(county["village_branch"]))
    assert response.status_code == 201, response.content
    body = response.json()
    member = Member.objects.get(pk=body["id"])
    # Sex and birth date come from the ID number, as on the page; the answer is masked.
    assert member.sex == "女" and member.birth_date == datetime.date(1990, 3, 4)
    assert "*" in body["id_number"] and "*" in body["phone"]
    log = audit_rows(member, AuditLog.Action.CREATED).get()
    assert log.actor == users["organiser"] and log.via == "api"


def test_it_refuses_a_bad_member_field_by_field_in_chinese_and_writes_nothing(users, county):
    bad = member_body(county["village_branch"], id_number="110101199003041234", joined_on="2030-01-01", name="")
    response = send(api(users["organiser"]), "post", reverse("api:member-list"), bad)
    assert response.status_code == 400
    errors = response.json()
    assert {"name", "id_number", "joined_on"} <= set(errors)
    assert all("\u4e00" <= errors[f][0][0] <= "\u9fff" or "“" in errors[f][0] for f in ("name", "joined_on"))
    assert not Member.objects.filter(name="").exists()
    # An organisation outside the caller's scope is not a valid choice: 400 on the field.
    outside = send(api(users["organiser"]), "post", reverse("api:member-list"),
                   member_body(county["community_branch"]))
    assert outside.status_code == 400 and "organization" in outside.json()
    # A body that is no JSON object is refused, not a server error.
    listed = api(users["organiser"]).post(reverse("api:member-list"), "[1, 2]", content_type="application/json")
    assert listed.status_code == 400


def test_it_patches_only_the_fields_given_and_keeps_the_numbers(users, county, make_member):
    member = make_member(county["village_branch"], name="原名")
    id_number, phone = member.id_number, member.phone
    response = send(api(users["secretary"]), "patch", reverse("api:member-detail", args=[member.pk]),
                    {"name": "新名", "is_floating": True})
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert (member.name, member.is_floating, member.id_number, member.phone) == ("新名", True, id_number, phone)
    log = audit_rows(member, AuditLog.Action.CHANGED).get()
    assert log.changes["name"] == ["原名", "新名"] and log.via == "api"
    # No change, no row.
    assert send(api(users["secretary"]), "patch", reverse("api:member-detail", args=[member.pk]), {}).status_code == 200
    assert audit_rows(member, AuditLog.Action.CHANGED).count() == 1


def test_member_writes_refuse_out_of_scope_and_read_only(users, county, make_member):
    outside = make_member(county["community_branch"], name="街道党员")
    organiser = api(users["organiser"])
    for method, url in (("patch", reverse("api:member-detail", args=[outside.pk])),
                        ("post", reverse("api:member-suspend", args=[outside.pk])),
                        ("post", reverse("api:member-move", args=[outside.pk]))):
        assert send(organiser, method, url, {"name": "改", "reason": "原因"}).status_code in (403, 404)
    # A member sees their own record but changes nothing.
    own = users["member_record"]
    assert send(api(users["member"]), "patch", reverse("api:member-detail", args=[own.pk]),
                {"name": "自改"}).status_code == 403
    outside.refresh_from_db()
    own.refresh_from_db()
    assert outside.name == "街道党员" and own.name == "李党员"


def test_it_stops_and_restores_membership_with_the_reason_audited(users, county, make_member):
    member = make_member(county["village_branch"])
    client = api(users["organiser"])
    url = reverse("api:member-suspend", args=[member.pk])
    refused = send(client, "post", url, {})
    assert refused.status_code == 400 and "reason" in refused.json()
    assert send(client, "post", url, {"reason": "长期失联"}).json()["status"] == "停止党籍"
    assert audit_rows(member, AuditLog.Action.SUSPENDED).get().note == "长期失联"
    again = send(client, "post", url, {"reason": "再次"})
    assert again.status_code == 400 and "status" in again.json()
    assert send(client, "post", reverse("api:member-restore", args=[member.pk]),
                {"reason": "恢复联系"}).json()["status"] == "正常"


def test_it_moves_a_member_within_scope_only(users, county, make_member):
    member = make_member(county["village_branch"])
    client = api(users["organiser"])
    url = reverse("api:member-move", args=[member.pk])
    assert send(client, "post", url, {"organization": county["community_branch"].pk}).status_code == 400
    moved = send(client, "post", url, {"organization": county["firm_branch"].pk, "reason": "登记有误"})
    assert moved.status_code == 200 and moved.json()["organization"] == county["firm_branch"].pk
    assert audit_rows(member, AuditLog.Action.MOVED).get().via == "api"


def test_organisation_create_patch_suspend_and_delete(users, county):
    client = api(users["organiser"])
    body = {"parent": county["town_committee"].pk, "name": "中共甲镇二村支部委员会", "org_type": "党支部",
            "unit_type": "村", "division": county["village"].pk, "founded_on": "2020-01-01"}
    response = send(client, "post", reverse("api:organization-list"), body)
    assert response.status_code == 201, response.content
    org = Organization.objects.get(pk=response.json()["id"])
    assert org.parent_id == county["town_committee"].pk and audit_rows(org, AuditLog.Action.CREATED).exists()
    # The service's own checks: the name is taken; a term ending before the founding.
    taken = send(client, "post", reverse("api:organization-list"), dict(body, name=county["village_branch"].name))
    assert taken.status_code == 400 and "已存在" in taken.json()["name"][0]
    url = reverse("api:organization-detail", args=[org.pk])
    bad = send(client, "patch", url, {"term_ends_on": "2019-01-01"})
    assert bad.status_code == 400 and "term_ends_on" in bad.json()
    ok = send(client, "patch", url, {"secretary_name": "张书记"})
    assert ok.status_code == 200 and ok.json()["secretary_name"] == "张书记" and ok.json()["name"] == body["name"]
    assert send(client, "post", reverse("api:organization-suspend", args=[org.pk]), {}).status_code == 400
    suspended = send(client, "post", reverse("api:organization-suspend", args=[org.pk]), {"reason": "撤并"})
    assert suspended.status_code == 200 and suspended.json()["is_active"] is False
    assert client.delete(url).status_code == 204
    assert not Organization.objects.filter(pk=org.pk).exists()
    assert AuditLog.objects.filter(action=AuditLog.Action.DELETED, object_id=str(org.pk), via="api").exists()


def test_an_organisation_with_members_is_not_deleted(users, county):
    response = api(users["organiser"]).delete(reverse("api:organization-detail", args=[county["village_branch"].pk]))
    assert response.status_code == 400 and "党员" in response.json()["non_field_errors"][0]
    assert Organization.objects.filter(pk=county["village_branch"].pk).exists()


def test_organisation_writes_refuse_out_of_scope(users, county):
    client = api(users["organiser"])
    outside = county["community_branch"]
    assert client.delete(reverse("api:organization-detail", args=[outside.pk])).status_code in (403, 404)
    assert send(client, "patch", reverse("api:organization-detail", args=[outside.pk]),
                {"name": "改名"}).status_code in (403, 404)
    # The secretary sees their branch but may not re-organise it.
    assert send(api(users["secretary"]), "patch", reverse("api:organization-detail", args=[county["village_branch"].pk]),
                {"name": "改名"}).status_code == 403
    assert send(client, "post", reverse("api:organization-list"),
                {"parent": county["street_committee"].pk, "name": "越界支部", "org_type": "党支部", "unit_type": "村",
                 "division": county["village"].pk}).status_code == 400
    assert not Organization.objects.filter(name__in=["改名", "越界支部"]).exists()


def test_divisions_are_the_county_admins(users, county):
    body = {"name": "三村", "category": "村", "parent": county["town"].pk}
    assert send(api(users["organiser"]), "post", reverse("api:division-list"), body).status_code == 403
    client = api(users["admin"])
    created = send(client, "post", reverse("api:division-list"), body)
    assert created.status_code == 201, created.content
    division = Division.objects.get(pk=created.json()["id"])
    assert division.parent_id == county["town"].pk
    renamed = send(client, "patch", reverse("api:division-detail", args=[division.pk]), {"name": "三村村"})
    assert renamed.status_code == 200 and renamed.json()["parent"] == county["town"].pk
    assert audit_rows(division, AuditLog.Action.CHANGED).get().changes["name"] == ["三村", "三村村"]
    wrong = send(client, "post", reverse("api:division-list"), {"name": "四村", "category": "村"})
    assert wrong.status_code == 400 and "parent" in wrong.json()


@pytest.fixture
def key_client(users, county):
    from dangjian.api import services
    from dangjian.core.actor import Actor

    def make(access):
        _key, secret = services.issue_key(actor=Actor(user=users["admin"]), name=f"系统{access}",
                                          organization=county["town_committee"], access=access)
        return Client(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return make


def test_a_read_key_may_not_write_and_a_write_key_writes_in_its_subtree(key_client, county, make_member):
    member = make_member(county["village_branch"], name="密钥党员")
    url = reverse("api:member-detail", args=[member.pk])
    read = key_client("read")
    assert read.get(url).status_code == 200
    assert send(read, "patch", url, {"name": "只读改"}).status_code == 403
    assert read.delete(reverse("api:organization-detail", args=[county["firm_branch"].pk])).status_code == 403
    write = key_client("write")
    changed = send(write, "patch", url, {"name": "读写改"})
    assert changed.status_code == 200
    assert audit_rows(member, AuditLog.Action.CHANGED).get().actor_name.startswith("接口")
    outside = make_member(county["community_branch"])
    assert send(write, "patch", reverse("api:member-detail", args=[outside.pk]), {"name": "越界"}).status_code == 404


def test_an_organisation_other_records_name_is_not_deleted_but_refused_in_chinese(users, county, make_member):
    from dangjian.transfers.models import Kind, Status, Transfer

    empty = Organization(name="中共甲镇三村支部委员会", org_type="党支部", unit_type="村", division=county["village"])
    empty.assign_path(county["town_committee"])
    empty.save()
    Transfer.objects.create(kind=Kind.INTERNAL, member=make_member(county["village_branch"]),
                            from_org=county["village_branch"], to_org=empty, status=Status.REQUESTED,
                            requested_on=datetime.date(2026, 6, 1))
    response = api(users["organiser"]).delete(reverse("api:organization-detail", args=[empty.pk]))
    assert response.status_code == 400 and "停用" in response.json()["non_field_errors"][0]
    assert Organization.objects.filter(pk=empty.pk).exists()
    assert not AuditLog.objects.filter(action=AuditLog.Action.DELETED, object_id=str(empty.pk)).exists()
