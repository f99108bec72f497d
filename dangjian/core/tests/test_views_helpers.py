import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from dangjian.core.views_helpers import htmx_redirect, paginate, query_without_page, require_role


def _request(query="", htmx=False):
    request = RequestFactory().get("/list/" + query)
    request.htmx = htmx
    return request


def test_it_redirects_or_sends_hx_location_after_a_post():
    plain = htmx_redirect(_request(), "/done/")
    assert plain.status_code == 302 and plain["Location"] == "/done/"
    htmx = htmx_redirect(_request(htmx=True), "/done/")
    assert htmx.status_code == 204 and htmx["HX-Location"] == "/done/"


def test_it_keeps_the_filters_but_not_page_and_export_in_the_query():
    assert query_without_page(_request("?q=张&page=3&export=xlsx&status=open")) == "q=%E5%BC%A0&status=open"
    assert query_without_page(_request("?page=2")) == ""


def test_it_gives_the_asked_page_or_the_last():
    assert list(paginate(_request("?page=2"), list(range(25)), 10)) == list(range(10, 20))
    assert list(paginate(_request("?page=99"), list(range(25)), 10)) == [20, 21, 22, 23, 24]


def test_it_lets_only_the_named_roles_and_superusers_through(users):
    require_role(users["secretary"], ("secretary",), "不可")
    require_role(users["admin"], ("county_admin",), "不可")
    with pytest.raises(PermissionDenied, match="仅供书记"):
        require_role(users["member"], ("secretary", "organiser"), "仅供书记")
