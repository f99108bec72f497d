"""The read-only cadres API: who serves on a day, in the caller's scope, numbers masked."""
import datetime

import pytest
from rest_framework.test import APIClient

from dangjian.conftest import make_id_number

pytestmark = pytest.mark.django_db
D = datetime.date


def test_it_lists_who_serves_on_a_day_in_scope_with_masked_numbers(county, users, cadre_factory):
    number = make_id_number(D(1980, 1, 1), "男", 61)
    cadre_factory(county["village_branch"], "老书记", start=D(2020, 1, 1), end=D(2024, 3, 1), id_number=number)
    cadre_factory(county["village_branch"], "新书记", start=D(2024, 3, 1))
    cadre_factory(county["community_branch"], "街道书记", start=D(2020, 1, 1))
    client = APIClient()
    client.force_authenticate(users["organiser"])
    url = "/api/v1/cadres/cadres/"
    names = lambda day: [r["name"] for r in client.get(url, {"serving_on": day, "post": "书记"}).json()["results"]]  # noqa: E731
    assert names("2024-02-29") == ["老书记"]
    assert names("2024-03-01") == ["新书记"]
    rows = client.get(url).json()["results"]
    assert {r["name"] for r in rows} == {"老书记", "新书记"}
    assert number not in str(rows) and any(r["id_number_masked"].startswith("4199**") for r in rows)
    response = client.get(url, {"serving_on": "2024-13-01"})
    assert response.status_code == 400 and "serving_on" in response.json()
