"""schemathesis against the OpenAPI schema, on a live test server (``make test`` runs it on both
databases): a bounded number of generated requests per operation, as a township's write key, reads
and writes alike (the writes change the test's own throwaway database). No 500, every response
matches the schema (status, content type, body), and every detail URL of an object outside the
key's subtree answers 403/404 to every method.

Generated path ids are mostly numbers that name nothing (a 404); so that the operations are also
exercised on real rows, every other example of an operation with an ``{id}`` names an object the
key may act on (``IN_SCOPE``). Examples per operation: ``EXAMPLES``, fewer where more examples say
nothing new (``FEWER``: a detail read varies only its id; the statistics compute the same figures
for any date). The server and the schema are loaded once for the module's tests."""
import datetime
import re
import time

import pytest
import requests
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

EXAMPLES = 4
FEWER = 2
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _in_scope_rows(county, make_member, users):
    """One object per resource inside the key's subtree (甲镇), for the generated writes to act on."""
    from dangjian.cadres.models import Cadre
    from dangjian.cobuilding.models import TwoNewUnit
    from dangjian.governance.models import Dispute, FourWindsCase
    from dangjian.orglife.models import Activity
    from dangjian.transfers.models import Kind, Status, Transfer

    branch = county["village_branch"]
    member = make_member(branch, name="接口测试党员")
    day = timezone.localdate() - datetime.timedelta(days=3)
    activity = Activity.objects.create(
        organization=branch, activity_type="party_lecture", date=day, start_time=datetime.time(15, 0),
        end_time=datetime.time(16, 0), place="会议室", host="主持", topic="主题", lecturer="讲", expected_count=3,
        present_count=3, recorded_on=day)
    transfer = Transfer.objects.create(kind=Kind.INTERNAL, member=make_member(branch), from_org=branch,
                                       to_org=county["firm_branch"], status=Status.REQUESTED, requested_on=day)
    return {
        "register/divisions": county["village"].pk,
        "register/organizations": county["firm_branch"].pk,
        "register/members": member.pk,
        "orglife/activities": activity.pk,
        "transfers": transfer.pk,
        "recruitment/files": 999999,
        "governance/disputes": Dispute.objects.create(case_no="TJ-S1", division=county["village"], category="邻里",
                                                      accepted_on=day).pk,
        "governance/cases": FourWindsCase.objects.create(case_no="SF-S1", division=county["village"], category="腐败",
                                                         opened_on=day).pk,
        "cadres/cadres": Cadre.objects.create(organization=branch, name="测试书记", post="书记",
                                              started_on=datetime.date(2024, 1, 1)).pk,
        "cobuilding/two-new-units": TwoNewUnit.objects.create(
            name="测试企业", category="非公有制企业", division=county["town"], staff_count=10, member_count=0,
            instructor="指导员", surveyed_on=datetime.date(2025, 1, 1)).pk,
    }


@pytest.fixture
def api_world(transactional_db, live_server, users, county, make_member, settings):
    from dangjian.api import services
    from dangjian.core.actor import Actor

    settings.DANGJIAN_API_KEY_RATE = "100000/min"  # the generated requests are not throttled
    outside = make_member(county["community_branch"], name="街道党员")
    _key, secret = services.issue_key(actor=Actor(user=users["admin"]), name="接口测试系统",
                                      organization=county["town_committee"], access="write")
    headers = {"Authorization": f"Api-Key {secret}"}
    return {"url": live_server.url, "headers": headers, "outside": outside, "county": county,
            "in_scope": _in_scope_rows(county, make_member, users)}


def _prefix(path: str) -> str:
    return re.sub(r"^/api/v1/|/\{id\}.*$|/$", "", path)


def _examples(operation) -> int:
    path, method = operation.path, operation.method.lower()
    if method == "get" and (path.endswith("{id}/") or "/stats/" in path or "/reports/" in path):
        return FEWER
    return EXAMPLES


def test_every_operation_answers_within_its_schema(api_world):
    # Driven by hand (operation by operation, hypothesis ``given``) rather than by schemathesis'
    # pytest plugin, whose lazy fixture loader does not run under pytest 9.
    url, headers, in_scope = api_world["url"], api_world["headers"], api_world["in_scope"]
    schema = schemathesis.openapi.from_url(f"{url}/api/v1/schema/?format=json", headers=headers)
    failures, timings = [], []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        real_id = in_scope.get(_prefix(operation.path))

        @given(case=operation.as_strategy(), real=st.booleans())
        @settings(max_examples=_examples(operation), deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def run(case, real):
            if real and real_id is not None and "id" in (case.path_parameters or {}):
                case.path_parameters["id"] = real_id
            case.call_and_validate(base_url=url, headers=headers, checks=CHECKS)

        started = time.perf_counter()
        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report all
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
        timings.append((time.perf_counter() - started, operation.label))
    # Timings are printed (``-s``), never asserted.
    print("\nslowest operations:", ", ".join(f"{label} {seconds:.2f}s" for seconds, label in sorted(timings)[-5:]))
    writes = [op for op in operations if op.method.lower() in ("post", "patch", "delete")]
    assert len(operations) >= 40 and len(writes) >= 20
    from dangjian.api.models import ApiKeyUse

    calls = ApiKeyUse.objects.exclude(path__startswith="/api/v1/schema/")
    assert calls.count() >= 2 * len(operations)  # the generated requests did reach the server
    assert calls.filter(method__in=["POST", "PATCH", "DELETE"], status__lt=300).exists()  # some writes went through
    assert not calls.filter(status__gte=500).exists()
    assert not failures, "\n\n".join(failures)


def test_every_detail_url_refuses_an_object_outside_the_keys_subtree(api_world):
    county, outside = api_world["county"], api_world["outside"]
    body = requests.get(f"{api_world['url']}/api/v1/schema/?format=json", headers=api_world["headers"]).json()
    ids = {"register/divisions": county["community"].pk, "register/organizations": county["community_branch"].pk,
           "register/members": outside.pk}
    checked, methods = 0, set()
    for path, item in body["paths"].items():
        if "{id}" not in path:
            continue
        pk = ids.get(_prefix(path), 999999)
        for method in item:
            if method not in ("get", "post", "patch", "delete"):
                continue
            url = api_world["url"] + path.replace("{id}", str(pk))
            response = requests.request(method, url, headers=api_world["headers"], json={})
            assert response.status_code in (403, 404), (method, url, response.status_code, response.text[:200])
            checked += 1
            methods.add(method)
    assert checked >= 30 and methods == {"get", "post", "patch", "delete"}
