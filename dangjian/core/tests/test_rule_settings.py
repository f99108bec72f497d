"""The rule settings page: every declared parameter; the county admin changes one, audited."""
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from dangjian.core import rules
from dangjian.core.models import AuditLog

PAGE = reverse("core:rule_settings")


@pytest.fixture(autouse=True)
def fresh_cache():
    # Rule values are cached; a value cached by another test must not leak into these.
    cache.clear()
    yield
    cache.clear()


def test_it_lists_every_declared_parameter_with_source_value_and_default(users, client_for):
    response = client_for(users["admin"]).get(PAGE)
    content = response.content.decode()
    assert response.status_code == 200
    assert len(response.context["rows"]) == len(rules.PARAMETERS)
    param = rules.PARAMETERS["setup.branch_max_members"]
    assert param.label in content and param.source in content


def test_it_changes_a_parameter_with_one_audit_row(users, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users["admin"]).post(PAGE, {"key": "setup.branch_max_members", "value": "60"})

    assert response.status_code == 302
    assert rules.get_setting("setup.branch_max_members") == 60
    row = AuditLog.objects.get(action="setting_changed")
    assert row.actor == users["admin"] and row.changes == {"value": [50, 60]}
    assert "由 50 改为 60" in client_for(users["admin"]).get(PAGE).content.decode()


def test_it_refuses_a_value_out_of_range_in_chinese(users, client_for):
    response = client_for(users["admin"]).post(PAGE, {"key": "setup.branch_max_members", "value": "1"})

    assert response.status_code == 400
    assert "党支部党员人数上限（超过即提示）：不能小于 3" in response.content.decode()
    assert rules.get_setting("setup.branch_max_members") == 50
    assert not AuditLog.objects.filter(action="setting_changed").exists()


def test_it_refuses_a_non_number_and_an_empty_value(users, client_for):
    client = client_for(users["admin"])
    assert "格式不正确" in client.post(PAGE, {"key": "setup.term_warning_days", "value": "九十"}).content.decode()
    assert "请填写" in client.post(PAGE, {"key": "setup.term_warning_days", "value": ""}).content.decode()


def test_it_answers_404_for_an_unknown_parameter(users, client_for):
    assert client_for(users["admin"]).post(PAGE, {"key": "no.such", "value": "1"}).status_code == 404


def test_it_refuses_the_page_to_everyone_else(users, client_for):
    for role in ("organiser", "secretary", "member"):
        client = client_for(users[role])
        assert client.get(PAGE).status_code == 403
        assert client.post(PAGE, {"key": "setup.branch_max_members", "value": "60"}).status_code == 403
    assert rules.get_setting("setup.branch_max_members") == 50


def test_it_enforces_csrf(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["admin"])
    assert client.post(PAGE, {"key": "setup.branch_max_members", "value": "60"}).status_code == 403


def test_a_parameter_with_choices_shows_and_takes_their_labels_not_codes(users, client_for):
    param = rules.RuleParameter("test.template", "议事程序模板（测试）", str, "local", "本县规定",
                                choices=(("local", "一征三议两公开（本县）"), ("national", "四议两公开（全国）")))
    rules.PARAMETERS[param.key] = param
    try:
        assert param.label_of("national") == "四议两公开（全国）"
        with pytest.raises(rules.ValidationError, match="应为 一征三议两公开（本县）、四议两公开（全国） 之一"):
            param.coerce("yizheng")
        html = client_for(users["admin"]).get(PAGE).content.decode()
        row = html[html.index('id="rule-test-template"'):]
        row = row[:row.index("</tr>")]
        assert '<option value="national">四议两公开（全国）</option>' in row
        assert ">local<" not in row and 'value="local" style' not in row  # the code is never the visible text
        assert '<td class="text-center">一征三议两公开（本县）</td>' in row
    finally:
        del rules.PARAMETERS[param.key]


def test_a_long_text_parameter_is_edited_in_a_text_box(users, client_for):
    param = rules.RuleParameter("test.negative_list", "负面清单（测试）", str, "受过刑事处罚；涉黑涉恶；被列为失信被执行人；其他不宜提名的情形",
                                "本县换届工作方案")
    rules.PARAMETERS[param.key] = param
    try:
        html = client_for(users["admin"]).get(PAGE).content.decode()
        row = html[html.index('id="rule-test-negative_list"'):]
        row = row[:row.index("</tr>")]
        assert '<textarea class="form-control" name="value" rows="4"' in row and param.default + "</textarea>" in row
    finally:
        del rules.PARAMETERS[param.key]
