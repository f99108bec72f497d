"""Issue 14: organisation and member choices are searchable (Tom Select, served from static/vendor)."""
import re
from pathlib import Path

import pytest
from django import forms
from django.urls import reverse

from dangjian.core.forms import ChineseFormMixin, SearchableSelect, use_searchable_selects
from dangjian.register.models import Member, Organization

ROOT = Path(__file__).resolve().parents[3]


def select_tag(html: str, name: str) -> str:
    match = re.search(r'<select[^>]*name="%s"[^>]*>' % name, html)
    assert match, f"no <select name={name}>"
    return match.group(0)


@pytest.mark.parametrize("url, name", [
    (reverse("register:member_list"), "org"),
    (reverse("register:member_create"), "organization"),
    (reverse("transfers:new") + "?member={member}", "to_org"),
    (reverse("recruitment:create"), "organization"),
    (reverse("orglife:base_create"), "organization"),
])
def test_organisation_choices_carry_the_marker(users, client_for, url, name):
    response = client_for(users["admin"]).get(url.format(member=users["member_record"].pk))
    assert response.status_code == 200
    assert "data-searchable" in select_tag(response.content.decode(), name)


def test_base_page_loads_the_vendored_files_and_the_script_initialises_them(users, client_for):
    html = client_for(users["admin"]).get(reverse("register:member_list")).content.decode()
    assert "vendor/tom-select/tom-select.complete.min.js" in html
    assert "vendor/tom-select/tom-select.bootstrap5.min.css" in html
    script = (ROOT / "scripts" / "vendor_assets.sh").read_text()
    assert "tom-select/dist/js/tom-select.complete.min.js" in script
    assert "tom-select/dist/css/tom-select.bootstrap5.min.css" in script
    app_js = (ROOT / "dangjian" / "static" / "js" / "app.js").read_text()
    assert "select[data-searchable]" in app_js and "htmx:load" in app_js


def test_only_single_choices_of_register_models_become_searchable(db):
    class F(ChineseFormMixin, forms.Form):
        org = forms.ModelChoiceField(Organization.objects.all())
        member = forms.ModelChoiceField(Member.objects.none())
        later = forms.ModelChoiceField(queryset=None)
        many = forms.ModelMultipleChoiceField(Organization.objects.all())
        plain = forms.ChoiceField(choices=[("a", "甲")])

    form = F()
    assert isinstance(form.fields["org"].widget, SearchableSelect)
    assert isinstance(form.fields["member"].widget, SearchableSelect)
    assert isinstance(form.fields["later"].widget, SearchableSelect)
    assert not isinstance(form.fields["many"].widget, SearchableSelect)
    assert not isinstance(form.fields["plain"].widget, SearchableSelect)
    assert "form-select" in form.fields["org"].widget.attrs["class"]
    use_searchable_selects(form)  # idempotent
    assert 'data-searchable' in str(form["org"])


def test_member_filter_still_limits_options_beyond_the_maximum(users, client_for, county, monkeypatch):
    from dangjian.register import forms as register_forms
    monkeypatch.setattr(register_forms, "ORG_OPTIONS_MAX", 3)
    monkeypatch.setattr(register_forms, "ORG_OPTIONS_DEPTH", 1)
    html = client_for(users["admin"]).get(reverse("register:member_list")).content.decode()
    tag = select_tag(html, "org")
    assert "data-searchable" in tag
    body = html[html.index(tag):html.index("</select>", html.index(tag))]
    assert county["town_committee"].name in body
    assert county["village_branch"].name not in body


def test_pinyin_initials_of_names():
    from dangjian.core.forms import pinyin_initials

    assert pinyin_initials("大河街道") == "dhjd"
    assert pinyin_initials("第1党支部") == "d1dzb"
    assert pinyin_initials("大河街道") != pinyin_initials("小河街道")


def test_each_option_carries_its_initials_and_the_script_searches_them(users, client_for, county):
    import html as html_lib
    import json

    html = client_for(users["admin"]).get(reverse("register:member_create")).content.decode()
    tag = select_tag(html, "organization")
    from dangjian.core.forms import pinyin_initials

    # The select carries every option's initials once (value → initials), not one attribute per option.
    initials = json.loads(html_lib.unescape(re.search(r'data-initials-map="([^"]*)"', tag).group(1)))
    branch = county["village_branch"]
    assert initials[str(branch.pk)] == pinyin_initials(branch.name)
    options = re.findall(r'<option value="(\d+)"', html[html.index(tag):html.index("</select>", html.index(tag))])
    assert options and set(initials) == set(options)
    # The empty choice has no initials (typing never finds "请选择").
    assert "" not in initials
    assert "data-initials=" not in html[html.index(tag):html.index("</select>", html.index(tag))]
    app_js = (ROOT / "dangjian" / "static" / "js" / "app.js").read_text()
    assert 'searchField: ["text", "initials"]' in app_js
    assert 'getAttribute("data-initials-map")' in app_js
