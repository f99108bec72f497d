"""Form helpers shared by the apps' web forms: every error in Chinese, naming its field.

Django's stock messages ("这个字段是必须的。") do not say which field is meant; users of this
platform are often older and fill in long forms, so each message names the field it is about.
Service errors (``ValidationError({field: [msg]})``) are put on the same fields.
"""
from __future__ import annotations

import json
from functools import lru_cache

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape

DATE_HINT = "请按“2024-07-01”的格式填写"
# What people type (issue 14): 2012-07-01, 2012/7/1, 2012.7.1, 2012年7月1日, 2012年07月01日, 20120701.
# (strptime's %m and %d take one or two digits. Django's zh-hans locale lists "%Y年%n月%j日",
# which strptime reads as a day of the year, so every date field gets these instead.)
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y年%m月%d", "%Y%m%d"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


@lru_cache(maxsize=20000)
def pinyin_initials(text: str) -> str:
    """The pinyin initials of ``text``, lower case (issue 14: "dhjd" finds 大河街道); characters that
    are not Chinese stay as they are (第1党支部 → "d1dzb"), spaces and punctuation go. Cached per name: a county's ~1,000
    organisation names are computed once per process."""
    from pypinyin import Style, lazy_pinyin

    # Only letters and digits: the tree's indentation (full-width spaces) and brackets are not typed.
    letters = "".join(lazy_pinyin(str(text), style=Style.FIRST_LETTER, strict=False))
    return "".join(c for c in letters if c.isascii() and c.isalnum()).lower()


class SearchableSelect(forms.Select):
    """A single choice among many (issue 14: ~1,000 organisations): the <select> carries
    ``data-searchable`` and static/js/app.js turns it into a Tom Select box (type any part of the
    name or its pinyin initials, arrow keys and Enter to choose; re-applied after htmx swaps). The
    select carries the initials of all its options once, as ``data-initials-map`` (JSON: value →
    initials); the script copies each onto its option as the ``initials`` field Tom Select searches.
    One attribute per select, not one per option: an attribute on each of a county's ~1,500 options
    cost the member list ~15 ms a page (issue 8, make bench). Without JavaScript it stays a plain
    <select> and the form posts the same value."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-searchable": "", **(attrs or {})}, choices)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # From the options already built for the page: no second pass over the choices (a second
        # query for a model choice field).
        initials = {
            str(option["value"]): pinyin_initials(str(option["label"]))
            for _group, options, _index in context["widget"]["optgroups"]
            for option in options
            if option["value"] not in (None, "") and option["label"]
        }
        if initials:
            context["widget"]["attrs"]["data-initials-map"] = json.dumps(initials, ensure_ascii=False, separators=(",", ":"))
        return context


#: Choices of these models are searchable wherever a form offers them (the register's organisations,
#: members and divisions run to hundreds or thousands in a county).
SEARCHABLE_MODELS = {"register.organization", "register.member", "register.division"}


def use_searchable_selects(form) -> None:
    """Give every single model choice of ``SEARCHABLE_MODELS`` the ``SearchableSelect`` widget
    (also when the queryset is only set later, i.e. still None). Called by ChineseFormMixin; forms
    that style themselves call it too."""
    for field in form.fields.values():
        if (not isinstance(field, forms.ModelChoiceField) or isinstance(field, forms.ModelMultipleChoiceField)
                or type(field.widget) is not forms.Select):
            continue
        queryset = field.queryset
        if queryset is not None and queryset.model._meta.label_lower not in SEARCHABLE_MODELS:
            continue
        old = field.widget
        field.widget = SearchableSelect(attrs=old.attrs)
        field.widget.is_required = old.is_required
        field.widget.choices = old.choices


class ChineseFormMixin:
    """Field-naming Chinese error messages and Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_searchable_selects(self)
        for name, field in self.fields.items():
            label = str(field.label or name)
            messages = {
                "required": f"请填写“{label}”" if not isinstance(field, forms.ChoiceField) else f"请选择“{label}”",
                "invalid": f"“{label}”格式不正确",
                "invalid_choice": f"“{label}”的取值无效，请从列表中选择",
                "max_length": f"“{label}”最多%(limit_value)d个字（现有%(show_value)d个）",
                "min_length": f"“{label}”至少%(limit_value)d个字",
                "max_value": f"“{label}”不能大于%(limit_value)s",
                "min_value": f"“{label}”不能小于%(limit_value)s",
            }
            if isinstance(field, forms.ModelChoiceField):
                messages["invalid_choice"] = f"“{label}”的取值无效或不在您的管理范围内，请从列表中选择"
                if field.empty_label == "---------":  # Django's default, shown as the first option
                    field.empty_label = "请选择"
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                field.input_formats = DATE_INPUT_FORMATS
            if isinstance(field, forms.DateField):
                messages["invalid"] = f"“{label}”不是有效日期，{DATE_HINT}"
            if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
                messages["invalid"] = f"“{label}”应为数字"
            field.error_messages = {**field.error_messages, **messages}
            widget = field.widget
            css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else (
                "form-select" if isinstance(widget, forms.Select) else "form-control")
            widget.attrs.setdefault("class", css)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            self._mark_invalid(name)

    def _mark_invalid(self, name) -> None:
        if name in self.fields:
            widget = self.fields[name].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put a service's ValidationError on the form fields it names (others at the top),
        prefixing the field's label when the message does not already name it."""
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.add_error(None, message)
            return
        for key, errors in exc.message_dict.items():
            field = key if key in self.fields else None
            label = str(self.fields[key].label) if field else ""
            for message in errors:
                if field and label and label not in message:
                    message = f"{label}：{message}"
                if field is None and key not in ("__all__", "") and key not in message:
                    message = f"{self.field_label(key)}：{message}"
                self.add_error(field, message)
                self._mark_invalid(field)

    def field_label(self, key: str) -> str:
        return getattr(self, "extra_labels", {}).get(key, key)

    @property
    def error_summary(self) -> list[str]:
        """Every error as "标签：消息", for the box at the top of a long form."""
        summary = list(self.non_field_errors())
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            label = str(self.fields[name].label) if name in self.fields else name
            for message in errors:
                summary.append(message if label in message else f"{label}：{message}")
        return summary


SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html in Python."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(out)


def _text(value) -> str | None:
    """``{{ value }}`` for a label: text escaped; None for a value the template would localise (a number, a date)."""
    if isinstance(value, (str, Promise)):
        return conditional_escape(value)
    return None


def select_html(widget: dict) -> str | None:
    """Django's select.html and select_option.html rendered in Python, character for character (None when
    a widget uses templates of its own or a label the templates would localise: the templates render it).

    A filter form's selects are rendered through a template per option: about 5 ms of the member list's
    ~30 ms (issue 15); this is the same text without the template engine."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            label = _text(group_name)
            if label is None:
                return None
            parts.append(f'\n  <optgroup label="{label}">')
        for option in options:
            label = _text(option["label"])
            if option["template_name"] != OPTION_TEMPLATE or label is None:
                return None
            parts.append(f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                         f'{_attrs_html(option["attrs"])}>{label}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FormRenderer(DjangoTemplates):
    """The project's FORM_RENDERER: Django's own, with <select> widgets rendered in Python (``select_html``)."""

    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE and "widget" in context:
            html = select_html(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)
