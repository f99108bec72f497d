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


# --- form_action ---------------------------------------------------------------------------------

from django import forms as django_forms  # noqa: E402
from django.contrib.messages import get_messages  # noqa: E402
from django.contrib.messages.storage.fallback import FallbackStorage  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.test import override_settings  # noqa: E402

from dangjian.core.forms import ChineseFormMixin  # noqa: E402
from dangjian.core.views_helpers import form_action  # noqa: E402

FORM_TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {
        "page.html": "{{ note }}|{% for e in form.non_field_errors %}{{ e }}{% endfor %}|"
                     "{% for e in form.name.errors %}{{ e }}{% endfor %}|{{ form.name }}"})]},
}]


class _NameForm(ChineseFormMixin, django_forms.Form):
    name = django_forms.CharField(label="名称")


def _form_request(method="post", data=None, htmx=False):
    factory = RequestFactory()
    request = factory.post("/f/", data or {}) if method == "post" else factory.get("/f/")
    request.htmx = htmx
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _run(request, perform):
    form = _NameForm(request.POST if request.method == "POST" else None)
    return form_action(request, form, perform, success=lambda result: (f"已保存“{result}”", "/done/"),
                       template="page.html", context={"note": "说明"})


@override_settings(TEMPLATES=FORM_TEMPLATES)
def test_form_action_calls_the_service_then_says_so_and_redirects():
    calls = []
    request = _form_request(data={"name": "一村"})
    response = _run(request, lambda data: calls.append(data["name"]) or data["name"])
    assert calls == ["一村"]
    assert response.status_code == 302 and response["Location"] == "/done/"
    assert [str(m) for m in get_messages(request)] == ["已保存“一村”"]
    htmx = _run(_form_request(data={"name": "二村"}, htmx=True), lambda data: data["name"])
    assert htmx.status_code == 204 and htmx["HX-Location"] == "/done/"


@override_settings(TEMPLATES=FORM_TEMPLATES)
def test_form_action_shows_the_services_errors_on_the_form():
    def refuse(data):
        raise ValidationError({"name": ["已有同名组织"], "__all__": ["请稍后再试"]})

    request = _form_request(data={"name": "一村"})
    response = _run(request, refuse)
    assert response.status_code == 200
    assert response.content.decode().startswith("说明|请稍后再试|名称：已有同名组织|")
    assert list(get_messages(request)) == []


@override_settings(TEMPLATES=FORM_TEMPLATES)
def test_form_action_renders_the_form_on_get_and_on_an_invalid_post():
    def never(data):
        raise AssertionError("the service must not be called")

    page = _run(_form_request("get"), never)
    assert page.status_code == 200 and 'name="name"' in page.content.decode()
    assert page.content.decode().startswith("说明|||")
    invalid = _run(_form_request(data={"name": ""}), never)
    assert invalid.status_code == 200 and "名称" in invalid.content.decode().split("|")[2]


def test_flash_service_result_flashes_success_or_the_services_refusal(rf):
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.core.exceptions import ValidationError

    from dangjian.core.views_helpers import flash_service_result

    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    calls = []
    assert flash_service_result(request, lambda: calls.append(1), "已保存。") is True

    def refuse():
        raise ValidationError(["时段已被预约", "超过容纳人数"])

    assert flash_service_result(request, refuse, "不应出现") is False
    shown = [(m.level_tag, m.message) for m in get_messages(request)]
    assert calls == [1]
    assert shown == [("success", "已保存。"), ("error", "时段已被预约；超过容纳人数")]
