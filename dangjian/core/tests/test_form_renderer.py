"""The project's form renderer writes <select> widgets in Python: the page must carry exactly the text Django's
own templates give, for every kind of select the forms use, and anything unusual still goes through them."""
import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import RequestFactory
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from dangjian.core.forms import FormRenderer, SearchableSelect, select_html

TEMPLATES = DjangoTemplates()
OURS = FormRenderer()

CASES = [
    (forms.Select(choices=[("", "全部"), ("正常", "正常"), ("停止党籍", "停止党籍")]), "正常"),
    (forms.Select(choices=[("", "全部"), ("a", "A")]), None),
    (forms.Select(choices=[("x", 'quote " & <tag>'), ("y", mark_safe("<b>安全</b>"))],
                  attrs={"class": "form-select", "data-x": '1"2', "disabled": True, "hidden": False}), "y"),
    (forms.Select(choices=[("党委", [("1", "县委"), ("2", "镇党委")]), ("3", "支部")]), "2"),
    (forms.Select(choices=[(1, "一"), (2, "二")]), 2),
    (forms.Select(choices=[("lazy", gettext_lazy("Yes"))]), "lazy"),
    (forms.SelectMultiple(choices=[("a", "甲"), ("b", "乙"), ("c", "丙")]), ["a", "c"]),
    (forms.NullBooleanSelect(), True),
    (SearchableSelect(choices=[("", "全部"), ("5", "中共大河街道工作委员会"), ("6", "第1党支部")]), "6"),
]


@pytest.mark.parametrize("widget,value", CASES)
def test_a_select_reads_exactly_as_djangos_templates_write_it(widget, value):
    expected = widget.render("field", value, attrs={"id": "id_field"}, renderer=TEMPLATES)
    assert widget.render("field", value, attrs={"id": "id_field"}, renderer=OURS) == expected


def test_a_label_the_templates_would_localise_is_left_to_them():
    widget = forms.Select(choices=[(2026, 2026), ("d", datetime.date(2026, 7, 1))])
    assert select_html(widget.get_context("year", 2026, {})["widget"]) is None
    assert widget.render("year", 2026, renderer=OURS) == widget.render("year", 2026, renderer=TEMPLATES)


def test_a_widget_with_its_own_option_template_is_left_to_the_templates():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Custom(choices=[("a", "甲")])
    assert select_html(widget.get_context("f", "a", {})["widget"]) is None


def test_the_member_filter_form_renders_the_same_through_both(users):
    from dangjian.register.forms import MemberFilterForm

    request = RequestFactory().get("/", {"status": "正常", "education": "college", "order": "name"})
    form = MemberFilterForm(request.GET, user=users["admin"])
    for bound in form:
        widget = bound.field.widget
        context_value = bound.value()
        assert (widget.render(bound.html_name, context_value, attrs={"id": bound.auto_id}, renderer=OURS)
                == widget.render(bound.html_name, context_value, attrs={"id": bound.auto_id}, renderer=TEMPLATES))
    assert str(form["status"]).count("<option") == len(form.fields["status"].choices)
