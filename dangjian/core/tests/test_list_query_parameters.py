"""Hostile query strings (issue 16): bad parameters are a 400 or an empty result, never a 500.

Every list page of the project (the scope matrix's URLs without kwargs) is opened as the county
admin; the names of its filter fields are read from the page itself, and each hostile value is sent
in all of them at once, then ``branch``/``org``/``page`` alone. Runs on SQLite and PostgreSQL alike
(``make test``); a NUL byte is what PostgreSQL refuses.
"""
from __future__ import annotations

import re
from urllib.parse import urlencode

from django.urls import reverse

from .test_scope_matrix import client_as, load_cases

HOSTILE = ["abc", "-1", "99999999999999999999", "a\x00b", "2026-13-45", "'\"<>;--%", "甲" * 300]
ALWAYS = ["branch", "org", "page", "q", "year", "month", "from", "to", "date", "status", "kind", "type", "role"]


def field_names(html: str) -> set[str]:
    return set(re.findall(r'<(?:input|select|textarea)[^>]*\sname="([A-Za-z_][\w\-]*)"', html)) - {"csrfmiddlewaretoken"}


def test_no_list_page_answers_a_hostile_query_with_a_server_error(county, users, make_member):
    world = {"county": county, "users": users, "make_member": make_member, "marker": "界外标记Ω"}
    cases, _ = load_cases(world)
    client = client_as(users["admin"])
    failures, pages = [], 0
    for name, kwargs in sorted(cases.items()):
        if kwargs:
            continue
        url = reverse(name)
        first = client.get(url)
        html = first.content.decode() if first.get("Content-Type", "").startswith("text/html") else ""
        pages += first.status_code == 200 and bool(html)
        names = sorted(field_names(html) | set(ALWAYS))
        # Each hostile value in every field at once, then "abc" in each field alone (an earlier
        # field's refusal must not hide a later one's crash).
        queries = [{n: value for n in names} for value in HOSTILE] + [{n: "abc"} for n in names]
        for query in queries:
            response = client.get(url + "?" + urlencode(query))
            if response.status_code >= 500:
                failures.append(f"{name} {sorted(query)[:4]}={next(iter(query.values()))[:20]!r}: "
                                f"{response.status_code}")
    assert pages >= 15
    assert not failures, "\n".join(failures[:40])


def test_a_nul_byte_is_a_400_with_a_chinese_message(users, client_for):
    response = client_for(users["admin"]).get(reverse("register:member_list") + "?q=%00")
    assert response.status_code == 400 and "不允许的字符" in response.content.decode()
