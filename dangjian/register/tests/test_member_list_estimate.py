"""The member list's count: exact when the filtered result is small, the planner's estimate (约) beyond
the threshold (issue 15). The estimate itself is PostgreSQL's EXPLAIN; elsewhere the count is exact."""
import pytest
from django.db import connection
from django.urls import reverse

from dangjian.core import views_helpers
from dangjian.register import views as register_views
from dangjian.register.models import Member

LIST = reverse("register:member_list")


def test_a_small_result_is_counted_exactly_without_约(users, county, make_member, client_for):
    for i in range(3):
        make_member(county["village_branch"], name=f"精确{i}")
    response = client_for(users["admin"]).get(LIST, {"q": "精确"})
    assert response.context["total"] == 3 and response.context["total_estimated"] is False
    assert "约" not in response.content.decode().split("名党员")[0][-80:]


def test_beyond_the_threshold_the_estimate_is_shown_with_约(users, county, make_member, client_for, monkeypatch):
    for i in range(3):
        make_member(county["village_branch"], name=f"估算{i}")
    monkeypatch.setattr(register_views, "PAGE_SIZE", 2)  # a full first page, so the list asks for the count
    monkeypatch.setattr(views_helpers, "ESTIMATE_THRESHOLD", 1)
    monkeypatch.setattr(views_helpers, "bounded_count_and_estimate", lambda qs, threshold: (threshold + 1, 123_456))
    response = client_for(users["admin"]).get(LIST)
    assert response.context["total"] == 123_456 and response.context["total_estimated"] is True
    assert "约 </span><strong>123456</strong>" in response.content.decode()


def test_the_threshold_decides_between_exact_and_estimated_on_this_database(users, county, make_member, client_for,
                                                                            monkeypatch):
    for i in range(3):
        make_member(county["village_branch"], name=f"边界{i}")
    client = client_for(users["admin"])
    monkeypatch.setattr(register_views, "PAGE_SIZE", 2)  # a full first page, so the list asks for the count
    monkeypatch.setattr(views_helpers, "ESTIMATE_THRESHOLD", 3)  # exactly 3: still counted
    response = client.get(LIST, {"q": "边界", "order": "name"})
    assert response.context["total"] == 3 and response.context["total_estimated"] is False
    monkeypatch.setattr(views_helpers, "ESTIMATE_THRESHOLD", 2)  # one more than the threshold
    response = client.get(LIST, {"q": "边界", "order": "name"})
    if connection.vendor == "postgresql":
        # The planner's figure, never below what was counted on the way.
        assert response.context["total_estimated"] is True and response.context["total"] >= 3
        assert "约 </span>" in response.content.decode()
    else:
        assert response.context["total"] == 3 and response.context["total_estimated"] is False
    assert [m.name for m in response.context["page"].object_list] == ["边界0", "边界1"]


def test_the_bounded_count_counts_up_to_one_past_the_threshold_and_estimates_only_beyond(county, make_member):
    for i in range(3):
        make_member(county["village_branch"], name=f"%'_引号{i}")  # LIKE wildcards and a quote in the query text
    members = Member.objects.filter(name__contains="%'_引号")
    assert views_helpers.bounded_count_and_estimate(members, 3) == (3, None)
    assert views_helpers.bounded_count_and_estimate(members, 5) == (3, None)
    n, estimate = views_helpers.bounded_count_and_estimate(members, 2)
    assert n == 3
    if connection.vendor == "postgresql":
        assert isinstance(estimate, int) and estimate >= 0
    else:
        assert estimate is None
    assert views_helpers.bounded_count_and_estimate(Member.objects.none(), 2) == (0, None)


@pytest.mark.parametrize("rows, page, expected_count, on_page", [
    (2, None, 2, 2),  # fewer than a page: those are all, counted from page 1 itself
    (3, "1", 3, 3),  # exactly a page
    (4, "", 4, 3),  # one more than a page
    (4, "2", 4, 1),
    (4, "x", 4, 3),  # not a number: page 1
    (4, "0", 4, 1),  # below 1: the last page, as Paginator.get_page
    (0, None, 0, 0),
])
def test_the_paginator_reads_page_one_first_and_counts_exactly(county, make_member, rows, page, expected_count,
                                                               on_page):
    for i in range(rows):
        make_member(county["village_branch"], name=f"分页{i}")
    paginator = views_helpers.EstimatedCountPaginator(Member.objects.filter(name__startswith="分页").order_by("name"), 3)
    got = paginator.get_page(page)
    assert len(got.object_list) == on_page and paginator.count == expected_count and paginator.estimated is False
    assert got.paginator.num_pages == max(1, -(-expected_count // 3))


def test_a_page_short_of_full_needs_no_count_statement(county, make_member, django_assert_num_queries):
    for i in range(2):
        make_member(county["village_branch"], name=f"无需计数{i}")
    paginator = views_helpers.EstimatedCountPaginator(Member.objects.filter(name__startswith="无需计数"), 3)
    with django_assert_num_queries(1):
        page = paginator.get_page(1)
        assert paginator.count == 2 and page.paginator.num_pages == 1 and len(page.object_list) == 2


def test_a_page_past_the_estimated_end_is_still_the_rows_it_numbers(users, county, make_member, client_for,
                                                                     monkeypatch):
    for i in range(120):
        make_member(county["firm_branch"], name=f"翻页{i:03d}")
    monkeypatch.setattr(views_helpers, "ESTIMATE_THRESHOLD", 10)
    # The planner guessed low: 60 rows, two pages of 50.
    monkeypatch.setattr(views_helpers, "bounded_count_and_estimate", lambda qs, threshold: (threshold + 1, 60))
    client = client_for(users["admin"])
    third = client.get(LIST, {"q": "翻页", "order": "name", "page": 3})
    assert third.context["total_estimated"] is True and third.context["total"] == 60
    assert [m.name for m in third.context["page"].object_list] == [f"翻页{i:03d}" for i in range(100, 120)]
    assert third.context["page_numbers"] == [1, 2, 3]
    second = client.get(LIST, {"q": "翻页", "order": "name", "page": 2})
    assert [m.name for m in second.context["page"].object_list] == [f"翻页{i:03d}" for i in range(50, 100)]
    assert list(client.get(LIST, {"q": "翻页", "order": "name", "page": 4}).context["page"].object_list) == []


def test_a_page_past_an_exact_count_is_the_last_page(users, county, make_member, client_for):
    for i in range(60):
        make_member(county["firm_branch"], name=f"末页{i:03d}")
    response = client_for(users["admin"]).get(LIST, {"q": "末页", "order": "name", "page": 9})
    assert response.context["total_estimated"] is False and response.context["page"].number == 2
    assert [m.name for m in response.context["page"].object_list] == [f"末页{i:03d}" for i in range(50, 60)]


def test_with_many_organisations_the_filter_lists_the_upper_levels_but_accepts_any(
        users, county, make_member, client_for, monkeypatch):
    from dangjian.register import forms

    make_member(county["village_branch"], name="支部党员")
    client = client_for(users["admin"])
    branch = county["village_branch"]
    option = f'<option value="{branch.pk}"'
    assert option in client.get(LIST).content.decode()  # few organisations: every one listed
    monkeypatch.setattr(forms, "ORG_OPTIONS_MAX", 1)
    monkeypatch.setattr(forms, "ORG_OPTIONS_DEPTH", 1)
    page = client.get(LIST).content.decode()
    assert option not in page and f'<option value="{county["town_committee"].pk}"' in page
    chosen = client.get(LIST, {"org": branch.pk})
    assert chosen.status_code == 200 and option in chosen.content.decode()
    assert "支部党员" in [m.name for m in chosen.context["page"].object_list]
    assert {m.organization_id for m in chosen.context["page"].object_list} == {branch.pk}


def _offered(response) -> list[int]:
    return [int(pk) for pk, _label in response.context["form"].fields["org"].widget.choices if pk != ""]


def test_the_organisation_filter_lists_all_up_to_the_limit_and_the_upper_levels_past_it(
        users, county, client_for, monkeypatch):
    from dangjian.register import forms

    client = client_for(users["admin"])
    everything = [county[k].pk for k in ("root", "town_committee", "village_branch", "firm_branch",
                                         "street_committee", "community_branch")]  # tree (path) order
    upper = [county[k].pk for k in ("root", "town_committee", "street_committee")]
    monkeypatch.setattr(forms, "ORG_OPTIONS_DEPTH", 1)
    monkeypatch.setattr(forms, "ORG_OPTIONS_MAX", 6)  # exactly as many as in scope: every one
    assert _offered(client.get(LIST)) == everything
    monkeypatch.setattr(forms, "ORG_OPTIONS_MAX", 5)  # one fewer: the top and the level below it
    assert _offered(client.get(LIST)) == upper
    # The chosen organisation joins them in tree order; one outside the scope is a 404 as before.
    chosen = client.get(LIST, {"org": county["firm_branch"].pk})
    assert _offered(chosen) == [county[k].pk for k in ("root", "town_committee", "firm_branch", "street_committee")]
    labels = dict(chosen.context["form"].fields["org"].widget.choices)
    assert labels[county["firm_branch"].pk] == "\u3000\u3000" + county["firm_branch"].name


def test_a_smaller_scope_counts_its_upper_levels_from_its_own_top(users, county, client_for, monkeypatch):
    from dangjian.register import forms

    monkeypatch.setattr(forms, "ORG_OPTIONS_DEPTH", 1)
    monkeypatch.setattr(forms, "ORG_OPTIONS_MAX", 2)  # the organiser's township has 3 organisations
    response = client_for(users["organiser"]).get(LIST)
    assert _offered(response) == [county[k].pk for k in ("town_committee", "village_branch", "firm_branch")]
    monkeypatch.setattr(forms, "ORG_OPTIONS_DEPTH", 0)
    assert _offered(client_for(users["organiser"]).get(LIST)) == [county["town_committee"].pk]


def test_beyond_the_threshold_without_an_estimate_the_list_counts_once(users, county, make_member, client_for,
                                                                        monkeypatch):
    """Where the database gives no estimate (SQLite), the count past the threshold is one exact count, not a
    bounded count followed by the exact one; on PostgreSQL, one statement bounds and estimates."""
    from django.test.utils import CaptureQueriesContext

    for i in range(4):
        make_member(county["village_branch"], name=f"一次{i}")
    monkeypatch.setattr(register_views, "PAGE_SIZE", 2)  # a full first page, so the list asks for the count
    monkeypatch.setattr(views_helpers, "ESTIMATE_THRESHOLD", 2)
    client = client_for(users["admin"])
    client.get(LIST, {"q": "一次"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"q": "一次"})
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper() and "register_member" in q["sql"]]
    assert len(counts) == 1
    if connection.vendor == "postgresql":
        assert response.context["total_estimated"] is True
    else:
        assert response.context["total"] == 4 and response.context["total_estimated"] is False
