"""The project-wide scope matrix: every URL of every app, as every restricted role.

Each app lists its URL names in ``dangjian/<app>/tests/scope_urls.py``: ``url_cases(world)`` maps
each name to the kwargs of an object OUTSIDE the scope of the 甲镇 organiser, the 一村 secretary
and the member (in the 乙街道 subtree), or ``{}`` for pages without kwargs. Objects it creates
carry ``world["marker"]`` in their names so that a leak through a list or an export shows.

- a URL name with no case (or an app without the module) fails the first test, naming it;
- with kwargs: GET and POST (and, for the REST API, PATCH and DELETE) answer 403 or 404 — or 405 when the view does not take that method
  at all (a POST-only action opened by GET): the method is refused before anything is looked up,
  which reveals nothing;
- without kwargs: 200 (showing none of the marker, in HTML or in an .xlsx), 403, 404 or 405
  (a POST may also redirect, 302: an action on the user's own things, such as "mark all read";
  an API POST may answer 400, its empty body refused field by field);
- as the county admin, every case with kwargs opens (200, 302 or 405), never a server error;
- choice lists: a full member in good standing outside each restricted user's scope carries a marker
  (one in 乙街道 for the organiser, one in 甲镇's other branch — and that branch itself — for the
  secretary). No page the user opens (every case without kwargs, and the in-scope form pages an app
  lists in ``choice_cases(world)``) offers them; an organisation list wider on purpose is declared in
  ``WIDER_ON_PURPOSE`` with its named scope action.
"""
from __future__ import annotations

import io
from importlib import import_module

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

MARKER = "界外标记Ω"
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"accounts:login", "accounts:logout"}
SIBLING_MARKER = "支部外标记Σ"
RESTRICTED_ROLES = ("organiser", "secretary", "member")
# Pages whose organisation choices are wider than the user's subtree on purpose (the scope action).
WIDER_ON_PURPOSE = {"transfers:start": "destination"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def project_url_names() -> dict[str, str]:
    """{"app:name": "dangjian.app"} for every named URL of the project (admin, login/logout and
    static files left out)."""
    found: dict[str, str] = {}

    def walk(patterns, namespace: str | None, package: str | None):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in SKIPPED_NAMESPACES:
                    continue
                module = p.urlconf_module
                module_name = getattr(module, "__name__", "") if not isinstance(module, list) else ""
                child_package = module_name.rsplit(".", 1)[0] if module_name.startswith("dangjian.") else package
                child_ns = ":".join(filter(None, [namespace, p.namespace])) or None
                walk(p.url_patterns, child_ns, child_package)
            elif isinstance(p, URLPattern) and p.name:
                full = f"{namespace}:{p.name}" if namespace else p.name
                if full in SKIPPED_NAMES or "static" in full.split(":")[-1]:
                    continue
                found[full] = package or ""
    walk(get_resolver().url_patterns, None, None)
    return found


def load_choice_cases(world) -> list[tuple[str, dict]]:
    """In-scope form pages [(URL name, kwargs)] whose choice lists the apps ask the matrix to check."""
    cases: list[tuple[str, dict]] = []
    for package in sorted(set(project_url_names().values())):
        try:
            module = import_module(f"{package}.tests.scope_urls")
        except ModuleNotFoundError:
            continue
        if hasattr(module, "choice_cases"):
            cases.extend(module.choice_cases(world))
    return cases


def load_cases(world) -> tuple[dict[str, dict], list[str]]:
    """Every app's cases, and the packages lacking a tests/scope_urls.py."""
    cases: dict[str, dict] = {}
    lacking = []
    for package in sorted(set(project_url_names().values())):
        module_name = f"{package}.tests.scope_urls"
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                lacking.append(package)
                continue
            raise
        cases.update(module.url_cases(world))
    return cases, lacking


@pytest.fixture
def world(county, users, make_member):
    return {"county": county, "users": users, "make_member": make_member, "marker": MARKER}


@pytest.fixture
def choosable_outsiders(world, make_member):
    """Full members in good standing whom a form might offer: one outside the organiser's scope, one in
    the secretary's township but another branch (a new branch named with the sibling marker)."""
    from dangjian.register.models import Organization

    county = world["county"]
    make_member(county["community_branch"], name=f"{MARKER}可选党员")
    sibling = Organization(name=f"{SIBLING_MARKER}党支部", org_type="党支部", unit_type="村",
                           division=county["village"])
    sibling.assign_path(county["town_committee"])
    sibling.save()
    make_member(sibling, name=f"{SIBLING_MARKER}可选党员")
    make_member(county["firm_branch"], name=f"{SIBLING_MARKER}企业党员")
    return sibling


def _shows(response, marker: str) -> bool:
    if response.get("Content-Type", "").startswith(XLSX) or getattr(response, "streaming", False):
        return False
    return marker.encode() in response.content


def client_as(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def leaked(response) -> bool:
    """Whether the marker shows in the response: HTML/text, or any cell of an .xlsx."""
    if response.get("Content-Type", "").startswith(XLSX):
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(response.content), read_only=True)
        return any(MARKER in str(cell) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                   for cell in row if cell is not None)
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return MARKER.encode() in content


def test_it_has_a_scope_case_for_every_url_of_the_project(world):
    names = project_url_names()
    cases, lacking = load_cases(world)

    missing = sorted(n for n in names if n not in cases)
    stale = sorted(n for n in cases if n not in names)
    assert not lacking and not missing, (
        f"apps without tests/scope_urls.py: {lacking}; URL names without a scope case: {missing}")
    assert not stale, f"scope cases for URL names that do not exist: {stale}"


def test_it_refuses_every_out_of_scope_object_and_leaks_nothing_to_restricted_roles(world, users):
    cases, _ = load_cases(world)
    failures = []
    for role in RESTRICTED_ROLES:
        client = client_as(users[role])
        for name, kwargs in sorted(cases.items()):
            url = reverse(name, kwargs=kwargs or None)
            # The REST API's detail URLs also change (PATCH) and delete (DELETE): refused the same way.
            methods = ("get", "post", "patch", "delete") if kwargs and name.startswith("api:") else ("get", "post")
            for method in methods:
                response = getattr(client, method)(url, **({"content_type": "application/json"}
                                                           if method == "patch" else {}))
                status = response.status_code
                if kwargs:
                    allowed = {403, 404, 405}
                    if status not in allowed:
                        failures.append(f"{role} {method.upper()} {name} {kwargs}: {status}, expected {sorted(allowed)}")
                else:
                    # A POST without kwargs may act on the user's own things (e.g. "mark all
                    # read") and redirect: a redirect shows nothing.
                    allowed = {200, 403, 404, 405} if method == "get" else {200, 302, 403, 404, 405}
                    if method == "post" and name.startswith("api:"):
                        # An API create with an empty body is refused field by field: it reveals nothing
                        # (writes into another subtree are refused in dangjian/api/tests).
                        allowed = allowed | {400}
                    if status not in allowed:
                        failures.append(f"{role} {method.upper()} {name}: {status}, expected {sorted(allowed)}")
                    elif status == 200 and leaked(response):
                        failures.append(f"{role} {method.upper()} {name}: 200 shows the out-of-scope marker")
    assert not failures, "\n".join(failures)


def test_no_choice_list_offers_what_the_user_may_not_choose(world, users, choosable_outsiders):
    cases, _ = load_cases(world)
    pages = sorted((name, {}) for name, kwargs in cases.items() if not kwargs) + load_choice_cases(world)
    failures = []
    for role in RESTRICTED_ROLES:
        client = client_as(users[role])
        for name, kwargs in pages:
            response = client.get(reverse(name, kwargs=kwargs or None))
            if response.status_code != 200:
                continue
            if _shows(response, f"{MARKER}可选党员"):
                failures.append(f"{role} GET {name}: offers a member outside their scope")
            if role != "organiser":
                if _shows(response, f"{SIBLING_MARKER}可选党员") or _shows(response, f"{SIBLING_MARKER}企业党员"):
                    failures.append(f"{role} GET {name}: offers a member of another branch")
                if name not in WIDER_ON_PURPOSE and _shows(response, f"{SIBLING_MARKER}党支部"):
                    failures.append(f"{role} GET {name}: offers another branch")
    assert not failures, "\n".join(failures)


def test_the_choice_cases_open_for_the_secretary(world, users):
    """The in-scope pages listed for the choice check really are forms the secretary opens."""
    client = client_as(users["secretary"])
    for name, kwargs in load_choice_cases(world):
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200 and b'name="contacts"' in response.content or b'name="introducers"' in response.content, name


def test_it_opens_every_case_for_the_county_admin_without_a_server_error(world, users):
    cases, _ = load_cases(world)
    client = client_as(users["admin"])
    failures = []
    for name, kwargs in sorted(cases.items()):
        response = client.get(reverse(name, kwargs=kwargs or None))
        if kwargs and response.status_code not in (200, 302, 405):
            failures.append(f"admin GET {name} {kwargs}: {response.status_code}")
        elif response.status_code >= 500:
            failures.append(f"admin GET {name}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_it_answers_404_for_the_django_admin_to_everyone_but_the_superuser(users, django_user_model):
    for role in ("admin", "organiser", "secretary", "member", "outsider"):
        response = client_as(users[role]).get("/admin/")
        assert response.status_code == 404, role
    root = django_user_model.objects.create_superuser("root", password="超级管理员密码123")
    assert client_as(root).get("/admin/").status_code == 200


def test_it_finds_url_names_in_nested_namespaces():
    # The walk must see every app's names, or the matrix would silently test nothing.
    names = project_url_names()
    assert names["register:member_detail"] == "dangjian.register"
    assert names["core:home"] == "dangjian.core"
    assert "accounts:login" not in names and not any(n.startswith("admin:") for n in names)
