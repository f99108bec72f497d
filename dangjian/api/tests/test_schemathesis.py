"""schemathesis against the OpenAPI schema, on a live test server (``make test`` runs it on both
databases): a bounded number of generated requests per operation, as a township's write key.
No 500, every response matches the schema (status, content type, body), and every detail URL of
an object outside the key's subtree answers 403/404."""
import re

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

EXAMPLES_PER_OPERATION = 4
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_world(transactional_db, live_server, users, county, make_member):
    from dangjian.api import services
    from dangjian.core.actor import Actor

    outside = make_member(county["community_branch"], name="街道党员")
    key, secret = services.issue_key(actor=Actor(user=users["admin"]), name="接口测试系统",
                                     organization=county["town_committee"], access="write")
    return {"url": live_server.url, "headers": {"Authorization": f"Api-Key {secret}"}, "outside": outside,
            "county": county}


@pytest.fixture
def settings_fixture_rate(settings):
    settings.DANGJIAN_API_KEY_RATE = "100000/min"  # the generated requests are not throttled


def test_every_operation_answers_within_its_schema(api_world, settings_fixture_rate):
    # Driven by hand (operation by operation, hypothesis ``given``) rather than by schemathesis'
    # pytest plugin, whose lazy fixture loader does not run under pytest 9.
    schema = schemathesis.openapi.from_url(f"{api_world['url']}/api/v1/schema/?format=json",
                                           headers=api_world["headers"])
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(base_url=api_world["url"], headers=api_world["headers"], checks=CHECKS)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report all
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert operations >= 15
    from dangjian.api.models import ApiKeyUse

    calls = ApiKeyUse.objects.exclude(path__startswith="/api/v1/schema/")
    assert calls.count() >= 2 * operations  # the generated requests did reach the server
    assert not calls.filter(status__gte=500).exists()
    assert not failures, "\n\n".join(failures)


def test_every_detail_url_refuses_an_object_outside_the_keys_subtree(api_world, settings_fixture_rate):
    county, outside = api_world["county"], api_world["outside"]
    body = requests.get(f"{api_world['url']}/api/v1/schema/?format=json", headers=api_world["headers"]).json()
    ids = {"register/divisions": county["community"].pk, "register/organizations": county["community_branch"].pk,
           "register/members": outside.pk}
    checked = 0
    for path, item in body["paths"].items():
        if "{id}" not in path:
            continue
        prefix = re.sub(r"^/api/v1/|/\{id\}.*$", "", path)
        pk = ids.get(prefix, 999999)
        for method in item:
            if method not in ("get", "post"):
                continue
            url = api_world["url"] + path.replace("{id}", str(pk))
            response = requests.request(method, url, headers=api_world["headers"], json={})
            assert response.status_code in (403, 404), (method, url, response.status_code, response.text[:200])
            checked += 1
    assert checked >= 8
