"""Compliance, bulletins and reviews (调阅) of organisational life."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dangjian.core import excel
from dangjian.core.files import content_disposition
from dangjian.register.models import Organization
from dangjian.register.vocab import BRANCH_TYPES

from .. import bulletin as bulletin_mod
from .. import compliance, rules
from ..models import Review, ReviewComment
from ..vocab import ActivityType
from .common import _date, _page, _period, _period_choices, _scope_org, is_reviewer, staff_required


# --- Compliance, bulletins, reviews ----------------------------------------------------------

@staff_required
def compliance_view(request):
    org = _scope_org(request)
    period, period_error = _period(request, 1)
    report = compliance.compute(org, period.start, period.end)
    rows = report.ranked()
    if request.GET.get("export") == "xlsx":
        b = bulletin_mod.Bulletin(org=org, period=period, report=report, ranked=rows)
        return excel.xlsx_response(bulletin_mod.to_xlsx(b), bulletin_mod.filename(b, "xlsx"))
    if request.GET.get("only") == "missing":
        rows = [r for r in rows if r.missing]
    types = [t for t, d in report.by_type().items() if d["required"]]
    page = _page(request, rows, 50)
    for b in page:
        cells = b.by_type()
        b.cells = [cells.get(t) for t in types]
    return render(request, "orglife/compliance.html", {
        "report": report, "page": page, "period": period, "period_error": period_error, "scope_org": org,
        "types": [(t, ActivityType(t).label) for t in types], "by_type": report.by_type(),
        "period_choices": _period_choices(timezone.localdate()), "period_code": rules.period_code(period),
        "committees": _committees(request.user), "query": request.GET.urlencode(),
        "frequencies": [(ActivityType(t).label, m) for t, m in report.frequencies.items()],
    })


def _committees(user):
    return Organization.objects.for_user(user, "view").exclude(org_type__in=BRANCH_TYPES).order_by("path")[:300]


@staff_required
def bulletin_view(request):
    org = _scope_org(request)
    default = 3 if request.GET.get("kind") == "quarter" else 1
    period, period_error = _period(request, default)
    b = bulletin_mod.build(org, period)
    fmt = request.GET.get("format")
    if fmt == "docx":
        response = HttpResponse(bulletin_mod.to_docx(b), content_type=bulletin_mod.DOCX_MIME)
        response["Content-Disposition"] = content_disposition(bulletin_mod.filename(b, "docx"), fallback="bulletin.docx")
        return response
    if fmt == "xlsx":
        return excel.xlsx_response(bulletin_mod.to_xlsx(b), bulletin_mod.filename(b, "xlsx"))
    return render(request, "orglife/bulletin.html", {
        "b": b, "period_error": period_error, "scope_org": org, "committees": _committees(request.user),
        "period_choices": _period_choices(timezone.localdate()), "period_code": rules.period_code(period),
        "page": _page(request, b.ranked, 100), "query": request.GET.urlencode(),
    })


@staff_required
def reviews(request):
    if not is_reviewer(request.user):
        raise PermissionDenied("调阅记录由组织员和县委组织部查看")
    qs = Review.objects.for_user(request.user).select_related("activity__organization", "reviewer")
    if _date(request.GET.get("from")):
        qs = qs.filter(reviewed_at__date__gte=_date(request.GET["from"]))
    if _date(request.GET.get("to")):
        qs = qs.filter(reviewed_at__date__lte=_date(request.GET["to"]))
    if request.GET.get("export") == "xlsx":
        rows = ([timezone.localtime(r.reviewed_at).replace(tzinfo=None), r.reviewer_name, r.activity.organization.name,
                 r.activity.get_activity_type_display(), r.activity.date, r.activity.topic] for r in qs.iterator())
        content = excel.write_workbook([("调阅记录", ["调阅时间", "调阅人", "党组织", "活动类型", "活动日期", "主题"], rows)],
                                       widths={"调阅记录": [18, 12, 28, 14, 12, 40]})
        return excel.xlsx_response(content, "调阅记录.xlsx")
    by_reviewer = qs.values("reviewer_name").annotate(n=Count("id")).order_by("-n")[:20]
    comments = ReviewComment.objects.for_user(request.user).select_related("activity__organization").order_by("-created_at")
    return render(request, "orglife/reviews.html", {
        "page": _page(request, qs), "total": qs.count(), "by_reviewer": by_reviewer, "filters": request.GET,
        "comments": comments[:50], "open_count": comments.filter(kind="rectification", answered_at__isnull=True).count(),
        "query": request.GET.urlencode(),
    })
