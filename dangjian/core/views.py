"""The home dashboard, the audit log and the rule settings page."""
from __future__ import annotations

import datetime

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from . import roles, rules
from .actor import Actor
from .excel import write_workbook, xlsx_response
from .extensions import audit_field_labels, audit_object_type_labels, home_panels_for, home_shortcuts_for
from .forms import ChineseFormMixin, DateInput
from .models import AuditLog

# --- Home ------------------------------------------------------------------------------------

@login_required
@require_GET
def home(request):
    """The shell of the home page: the apps' panels (``home_panels``) and shortcuts (``home_shortcuts``)."""
    user = request.user
    today = timezone.localdate()
    panels, panel_context = home_panels_for(user, today)
    context = {"today": today, "shortcuts": home_shortcuts_for(user), "panels": panels,
               "shortcuts_in_panel": any(p.owns_shortcuts for p in panels), **panel_context}
    return render(request, "core/home.html", context)


# --- Audit log -------------------------------------------------------------------------------

# Each app names its object types and change keys on its AppConfig (``audit_labels``,
# dangjian.core.extensions.AuditLabels); core names none of them.
VIA_LABELS = {"web": "网页", "command": "命令行", "import": "名册导入", "system": "系统"}


def object_type_label(object_type: str) -> str:
    labels = audit_object_type_labels()
    if object_type in labels:
        return labels[object_type]
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def _model_field(object_type: str, name: str):
    try:
        return apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def field_label(object_type: str, name: str) -> str:
    overrides, extra = audit_field_labels()
    if name in overrides:
        return overrides[name]
    field = _model_field(object_type, name)
    if field is None or not hasattr(field, "verbose_name"):
        return extra.get(name, name)
    return str(field.verbose_name)


def via_label(via: str) -> str:
    return VIA_LABELS.get(via, via)


def display_value(value) -> str:
    if value is None or value == "":
        return "（空）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, (list, dict)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


def readable_changes(entry: AuditLog) -> list[tuple[str, str, str]]:
    """[(field label, old, new)] for one row."""
    out = []
    for name, pair in (entry.changes or {}).items():
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        # A choice stored by its code (e.g. a transfer's status "issued") is shown by its label.
        field = _model_field(entry.object_type, name)
        choices = dict(field.flatchoices) if field is not None and getattr(field, "choices", None) else {}
        old, new = (choices.get(v, v) if isinstance(v, (str, int)) else v for v in (old, new))
        out.append((field_label(entry.object_type, name), display_value(old), display_value(new)))
    return out


class AuditFilterForm(ChineseFormMixin, forms.Form):
    actor = forms.CharField(label="操作人", required=False, max_length=150)
    action = forms.ChoiceField(label="操作", required=False, choices=[("", "全部")] + AuditLog.Action.choices)
    object_type = forms.ChoiceField(label="对象类型", required=False)
    object_id = forms.CharField(label="对象编号", required=False, max_length=64)
    q = forms.CharField(label="对象名称", required=False, max_length=100)
    date_from = forms.DateField(label="起始日期", required=False, widget=DateInput())
    date_to = forms.DateField(label="截止日期", required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = set(audit_object_type_labels()) | set(AuditLog.objects.order_by().values_list("object_type", flat=True).distinct())
        requested = (self.data.get("object_type") or "") if self.is_bound else ""
        if requested:
            types.add(requested)
        self.fields["object_type"].choices = [("", "全部")] + sorted(
            ((t, object_type_label(t)) for t in types if t), key=lambda c: c[1])

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "“截止日期”不能早于“起始日期”")
        return data


def _object_in_scope(user, object_type: str, object_id: str) -> bool:
    """Whether the object exists in the user's scope (an object may have no history yet)."""
    from .scope import ScopedQuerySet

    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return False
    queryset = model._default_manager.all()
    if not isinstance(queryset, ScopedQuerySet) or not str(object_id).strip().isdigit():
        return False
    return queryset.for_user(user, "view").filter(pk=int(object_id)).exists()


def _object_name(user, object_type: str, object_id: str) -> str:
    from .scope import ScopedQuerySet

    try:
        queryset = apps.get_model(object_type)._default_manager.all()
    except (LookupError, ValueError):
        return ""
    if isinstance(queryset, ScopedQuerySet) and str(object_id).strip().isdigit():
        obj = queryset.for_user(user, "view").filter(pk=int(object_id)).first()
        return str(obj) if obj is not None else ""
    return ""


def _audit_queryset(request):
    """The rows this user may read, filtered as asked.

    The county organisation department reads the whole log. Township organisers and branch
    secretaries may read the history of one object (``object_type`` and ``object_id``), and only
    the rows recorded under their own organisation's subtree (``scope_path``); a member reads none.
    """
    user = request.user
    form = AuditFilterForm(request.GET or None)
    role = roles.role_of(user)
    is_admin = user.is_county_admin
    data = form.cleaned_data if form.is_valid() else {}
    if not is_admin:
        if role not in roles.LOCAL_STAFF_ROLES or user.scope_path is None:
            raise PermissionDenied("操作日志仅限县委组织部管理员查看")
        if not (data.get("object_type") and data.get("object_id")):
            raise PermissionDenied("操作日志仅限县委组织部管理员查看；您可以在本范围内的组织、党员页面查看其修改记录")
    qs = AuditLog.objects.for_user(user, "view")
    if data.get("actor"):
        qs = qs.filter(actor_name__contains=data["actor"].strip())
    if data.get("action"):
        qs = qs.filter(action=data["action"])
    if data.get("object_type"):
        qs = qs.filter(object_type=data["object_type"])
    if data.get("object_id"):
        qs = qs.filter(object_id=data["object_id"].strip())
    if data.get("q"):
        qs = qs.filter(object_repr__contains=data["q"].strip())
    tz = timezone.get_current_timezone()
    if data.get("date_from"):
        qs = qs.filter(created_at__gte=datetime.datetime.combine(data["date_from"], datetime.time.min, tzinfo=tz))
    if data.get("date_to"):
        qs = qs.filter(created_at__lt=datetime.datetime.combine(data["date_to"] + datetime.timedelta(days=1),
                                                                datetime.time.min, tzinfo=tz))
    if not is_admin and not qs.exists() and not _object_in_scope(user, data["object_type"], data["object_id"]):
        raise Http404("对象不存在或不在您的管理范围内")
    return form, qs.order_by("-created_at", "-id"), is_admin


@login_required
@require_GET
def audit_log(request):
    form, qs, is_admin = _audit_queryset(request)
    paginator = Paginator(qs, 50)
    page = paginator.get_page(request.GET.get("page"))
    entries = [(e, readable_changes(e), object_type_label(e.object_type)) for e in page.object_list]
    for e in page.object_list:
        e.via_display = via_label(e.via)
    query = request.GET.copy()
    query.pop("page", None)
    single = form.is_valid() and form.cleaned_data.get("object_type") and form.cleaned_data.get("object_id")
    return render(request, "core/audit_log.html", {
        "form": form, "page": page, "entries": entries, "query": query.urlencode(), "total": paginator.count,
        "is_admin": is_admin, "single_object": single,
        "object_name": (page.object_list[0].object_repr if page.object_list
                        else _object_name(request.user, form.cleaned_data["object_type"], form.cleaned_data["object_id"]))
        if single else "",
    })


@login_required
@require_GET
def audit_export(request):
    form, qs, _ = _audit_queryset(request)
    rows = []
    for e in qs.iterator(chunk_size=2000):
        changes = "；".join(f"{label}：{old} → {new}" for label, old, new in readable_changes(e))
        rows.append([timezone.localtime(e.created_at), e.actor_name, e.ip_address or "", e.get_action_display(),
                     object_type_label(e.object_type), e.object_id, e.object_repr, changes, e.note])
    headers = ["时间", "操作人", "来源地址", "操作", "对象类型", "对象编号", "对象", "变更内容", "说明"]
    content = write_workbook([("操作日志", headers, rows)], widths={"操作日志": [18, 12, 16, 14, 10, 10, 30, 80, 40]})
    return xlsx_response(content, f"操作日志_{timezone.localdate():%Y%m%d}.xlsx")


# --- Rule settings ---------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def rule_settings(request):
    """Every declared rule parameter, its source, value in force and default; the county admin
    changes one at a time (each change audited by ``change_rule_setting``)."""
    if not request.user.is_county_admin:
        raise PermissionDenied("规则参数仅限县委组织部管理员设置")
    errors: dict[str, str] = {}
    submitted: dict[str, str] = {}
    if request.method == "POST":
        key = request.POST.get("key", "")
        param = rules.PARAMETERS.get(key)
        if param is None:
            raise Http404("没有这个规则参数")
        raw = request.POST.get("value", "").strip()
        if param.type is bool:
            raw = "true" if request.POST.get("value") in ("true", "1", "on", "是") else "false"
        submitted[key] = raw
        if raw == "":
            errors[key] = f"请填写“{param.label}”的取值"
        else:
            try:
                before = rules.get_setting(key)
                rules.change_rule_setting(key, raw, actor=Actor.from_request(request))
            except ValidationError as exc:
                errors[key] = "；".join(exc.messages)
            else:
                after = param.coerce(raw)
                if before == after:
                    messages.info(request, f"“{param.label}”的取值没有变化")
                else:
                    messages.success(request, f"已将“{param.label}”由 {display_value(param.label_of(before))} 改为 "
                                              f"{display_value(param.label_of(after))}")
                return redirect(f"{reverse('core:rule_settings')}#rule-{key.replace('.', '-')}")
    rows = []
    for key, param in sorted(rules.PARAMETERS.items()):
        current = rules.get_setting(key)
        rows.append({
            "key": key, "anchor": key.replace(".", "-"), "param": param, "current": current,
            "is_bool": param.type is bool, "is_default": current == param.default,
            "default_text": param.label_of(param.default),
            # A list kept as text (负面清单, 指标体系 …) is edited in a box wide enough to read it.
            "is_long": param.type is str and not param.choices and len(str(param.default)) > 20,
            "value": submitted.get(key, current), "error": errors.get(key, ""),
            "history_url": f"{reverse('core:audit_log')}?action=setting_changed&q={param.label}",
        })
    status = 400 if errors else 200
    return render(request, "core/rule_settings.html", {"rows": rows}, status=status)
