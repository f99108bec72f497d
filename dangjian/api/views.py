"""The API's own endpoints: party_stats (with ETag), county_report, and the key pages for the county
administrator (issue — shown once — and revoke)."""
from __future__ import annotations

import hashlib
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from dangjian.core.actor import Actor
from dangjian.core.scope import VIEW, get_for_user_or_404
from dangjian.register.models import Organization
from dangjian.stats.services import compute_party_stats, parse_date, to_json

from . import services
from .forms import ApiKeyForm
from .models import ApiKey, ApiKeyUse

STATS_ROLES = ("county_admin", "organiser", "secretary")


def _scope_org(request):
    user = request.user
    role = "county_admin" if user.is_superuser else getattr(user, "role", "")
    if role not in STATS_ROLES:
        raise PermissionDenied("统计数据仅供组织部门、党（工）委和党支部使用")
    raw = request.query_params.get("org", "").strip()
    if raw:
        if not re.fullmatch(r"\d{1,18}", raw):
            raise Http404("对象不存在或不在您的管理范围内")
        return get_for_user_or_404(Organization.objects.select_related("division"), user, pk=int(raw))
    if user.is_superuser and not user.organization_id:
        return None
    if not user.organization_id:
        raise PermissionDenied("您的账号未关联党组织，无法查看统计")
    return get_for_user_or_404(Organization.objects.select_related("division"), user, pk=user.organization_id)


def _dates(request) -> dict:
    out, errors = {}, {}
    for param, key, label in (("as_of", "as_of", "统计日期"), ("from", "date_from", "起始日期"),
                              ("to", "date_to", "截止日期")):
        raw = request.query_params.get(param, "").strip()
        if raw:
            try:
                out[key] = parse_date(raw, label)
            except ValidationError as exc:
                errors[param] = exc.messages
    if errors:
        raise ApiValidationError(errors)
    return out


def etagged(request, payload: str) -> HttpResponse:
    """200 with the JSON and its ETag, or 304 when the client already holds it (If-None-Match)."""
    etag = '"' + hashlib.sha256(payload.encode()).hexdigest()[:32] + '"'
    wanted = [t.strip() for t in request.headers.get("If-None-Match", "").split(",") if t.strip()]
    if etag in wanted or "*" in wanted:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(payload, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


DATE_PARAMS = [
    OpenApiParameter("org", int, description="党组织编号（统计该组织及其全部下级）；默认本人的管理范围"),
    OpenApiParameter("as_of", OpenApiTypes.DATE, description="统计日期，默认今天"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="期间起始（默认 as_of 所在年的 1 月 1 日）"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="期间截止（默认 as_of）"),
]


@extend_schema(summary="党建统计（party_stats，与命令输出相同）", parameters=DATE_PARAMS, tags=["统计"],
               responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="party_stats JSON"),
                          304: OpenApiResponse(description="未变化（If-None-Match）")})
@api_view(["GET"])
def party_stats(request):
    """与 `manage.py party_stats --json` 相同的 JSON；响应带 ETag，请求带 If-None-Match 且数据未变时返回 304。"""
    org = _scope_org(request)
    dates = _dates(request)
    try:
        stats = compute_party_stats(org, dates.get("as_of"), dates.get("date_from"), dates.get("date_to"))
    except ValidationError as exc:
        raise ApiValidationError({"non_field_errors": exc.messages}) from None
    return etagged(request, to_json(stats))


REPORT_PARAMS = [
    OpenApiParameter("org", int, description="党组织编号（该组织及其全部下级）；默认本人的管理范围"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="期间起始（默认四年前的 1 月 1 日）"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="期间截止（默认今天）"),
]


@extend_schema(summary="工作汇报数据（county_report，与命令 --json 相同）", parameters=REPORT_PARAMS, tags=["统计"],
               responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="{org, from, to, figures, missing}"),
                          304: OpenApiResponse(description="未变化（If-None-Match）")})
@api_view(["GET"])
def county_report(request):
    """《基层党建工作情况汇报》的各项数字 F01–F46（`dangjian.reports`）；无数据的项为 null 并列入 missing。带 ETag。"""
    import json

    from dangjian.reports.report import compute_report

    org = _scope_org(request)
    dates = _dates(request)
    report = compute_report(org, dates.get("date_from"), dates.get("date_to"))
    return etagged(request, json.dumps(report.to_json(), ensure_ascii=False, sort_keys=True, default=str))


# --- the key pages (county administrator) ---------------------------------------------------------

def _require_admin(user):
    if not user.is_county_admin:
        raise PermissionDenied("只有县委组织部管理员可以管理接口密钥")


@login_required
@require_http_methods(["GET", "POST"])
def keys(request):
    _require_admin(request.user)
    form = ApiKeyForm(request.POST or None, user=request.user)
    shown_once = None
    if request.method == "POST" and form.is_valid():
        try:
            key, shown_once = services.issue_key(actor=Actor.from_request(request), **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for e in errors:
                    form.add_error(None if field == "__all__" else field, e)
        else:
            form = ApiKeyForm(user=request.user)
            messages.success(request, f"已签发接口密钥“{key.name}”。密钥只显示这一次，请立即复制并交给对方系统的管理员。")
    qs = ApiKey.objects.select_related("organization", "created_by")
    state = request.GET.get("state", "")
    if state == "active":
        from django.utils import timezone

        qs = qs.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    elif state == "revoked":
        qs = qs.filter(revoked_at__isnull=False)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "api/keys.html", {"form": form, "page": page, "shown_once": shown_once, "state": state})


@login_required
@require_POST
def revoke(request, pk: int):
    _require_admin(request.user)
    key = ApiKey.objects.filter(pk=pk).first()
    if key is None:
        raise Http404("接口密钥不存在")
    try:
        services.revoke_key(key, actor=Actor.from_request(request))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已吊销接口密钥“{key.name}”，该密钥立即失效。")
    return redirect("api:keys")


@login_required
@require_GET
def key_uses(request, pk: int):
    _require_admin(request.user)
    key = ApiKey.objects.filter(pk=pk).first()
    if key is None:
        raise Http404("接口密钥不存在")
    page = Paginator(ApiKeyUse.objects.filter(key=key), 50).get_page(request.GET.get("page"))
    return render(request, "api/key_uses.html", {"key": key, "page": page})
