"""Bases of open organisational life and their bookings."""
from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.core import excel
from dangjian.core.actor import Actor
from dangjian.core.scope import get_for_user_or_403, get_for_user_or_404
from dangjian.core.views_helpers import flash_service_result, htmx_redirect
from dangjian.register.models import Organization

from .. import services
from ..forms import BaseForm, BookingForm, apply_errors
from ..models import Activity, Base, Booking
from ..vocab import SIX_HAVES, BookingStatus
from .common import _branches, _page, is_reviewer, staff_required


# --- Bases and bookings ----------------------------------------------------------------------

@staff_required
def bases(request):
    qs = Base.objects.for_user(request.user).select_related("organization", "manager").annotate(
        booking_count=Count("bookings", filter=Q(bookings__status__in=["approved", "held"]))).order_by("kind", "name")
    if request.GET.get("kind"):
        qs = qs.filter(kind=request.GET["kind"])
    if request.GET.get("q"):
        qs = qs.filter(Q(name__icontains=request.GET["q"]) | Q(theme__icontains=request.GET["q"]) |
                       Q(address__icontains=request.GET["q"]))
    if request.GET.get("export") == "xlsx":
        rows = ([b.get_kind_display(), b.name, b.organization.name, b.address, b.capacity,
                 f"{b.opens_at:%H:%M}-{b.closes_at:%H:%M}", b.open_days_display, b.theme, b.contact_name,
                 b.contact_phone] + ["是" if getattr(b, f) else "否" for f, _ in SIX_HAVES] for b in qs)
        content = excel.write_workbook([("组织生活基地", ["类型", "名称", "所属党组织", "地址", "可容纳人数", "开放时间", "开放日",
                                                    "主题", "联系人", "联系电话"] + [label for _, label in SIX_HAVES], rows)],
                                       text_columns={"组织生活基地": {9}})
        return excel.xlsx_response(content, "组织生活基地.xlsx")
    return render(request, "orglife/bases.html", {
        "page": _page(request, qs), "filters": request.GET, "may_create": is_reviewer(request.user),
        "query": request.GET.urlencode(), "six_haves": SIX_HAVES,
        "pending": Booking.objects.for_user(request.user).filter(status=BookingStatus.PENDING).count(),
    })


def _base_form_values(form):
    data = dict(form.cleaned_data)
    data["open_days"] = "".join(data.get("open_days") or [])
    return data


@staff_required
def base_create(request):
    if not is_reviewer(request.user):
        raise PermissionDenied("活动基地由组织员或县委组织部登记")
    form = BaseForm(request.POST or None, user=request.user, initial={"open_days": ["1", "2", "3", "4", "5"],
                                                                       "opens_at": "09:00", "closes_at": "17:00"})
    if request.method == "POST" and form.is_valid():
        data = _base_form_values(form)
        org = data.pop("organization")
        try:
            base = services.create_base(actor=Actor.from_request(request), organization=org, manager=request.user, **data)
        except (ValidationError, PermissionDenied) as err:
            if isinstance(err, PermissionDenied):
                raise
            apply_errors(form, err)
        else:
            messages.success(request, "基地已登记。")
            return htmx_redirect(request, reverse("orglife:base_detail", args=[base.pk]))
    return render(request, "orglife/base_form.html", {"form": form})


@staff_required
def base_edit(request, pk):
    base = get_for_user_or_403(Base.objects, request.user, "change", pk=pk)
    initial = {f: getattr(base, f) for f in services.BASE_FIELDS if f != "manager"}
    initial["open_days"] = list(base.open_days)
    initial["organization"] = base.organization
    form = BaseForm(request.POST or None, user=request.user, initial=initial)
    form.fields["organization"].disabled = True
    form.fields["organization"].required = False
    if request.method == "POST" and form.is_valid():
        data = _base_form_values(form)
        data.pop("organization", None)
        try:
            services.update_base(base, actor=Actor.from_request(request), **data)
        except ValidationError as err:
            apply_errors(form, err)
        else:
            messages.success(request, "基地信息已更新。")
            return htmx_redirect(request, reverse("orglife:base_detail", args=[base.pk]))
    return render(request, "orglife/base_form.html", {"form": form, "base": base})


@staff_required
def base_detail(request, pk):
    base = get_for_user_or_404(Base.objects.select_related("organization", "manager"), request.user, pk=pk)
    today = timezone.localdate()
    branches = _branches(request.user)
    form = BookingForm(request.POST or None, branches=branches, initial={"date": today + datetime.timedelta(days=1),
                                                                         "start_time": base.opens_at})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            booking = services.book_base(base, actor=Actor.from_request(request), **data)
        except ValidationError as err:
            apply_errors(form, err)
        else:
            messages.success(request, f"预约已提交（{booking}），等待基地管理人审核。")
            return htmx_redirect(request, reverse("orglife:bookings"))
    upcoming = base.bookings.filter(date__gte=today, status__in=["pending", "approved"]).select_related("organization")
    visits = base.bookings.filter(status=BookingStatus.HELD)
    return render(request, "orglife/base_detail.html", {
        "base": base, "form": form, "upcoming": upcoming[:50], "may_change": Base.objects.for_user(request.user, "change").filter(pk=pk).exists(),
        "may_book": branches.exists(), "six_haves": [(label, getattr(base, f)) for f, label in SIX_HAVES],
        "visits": visits.count(), "visitors": sum(v.visitors or 0 for v in visits),
    })


@staff_required
def bookings(request):
    qs = Booking.objects.for_user(request.user).select_related("base", "organization")
    status = request.GET.get("status")
    if status in BookingStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("export") == "xlsx":
        rows = ([b.base.name, b.organization.name, b.date, f"{b.start_time:%H:%M}-{b.end_time:%H:%M}", b.expected_count,
                 b.purpose, b.get_status_display(), b.decision_note, b.visitors] for b in qs)
        content = excel.write_workbook([("基地预约", ["基地", "预约党组织", "日期", "时段", "预计人数", "活动内容", "状态", "审核意见",
                                                  "实到人数"], rows)])
        return excel.xlsx_response(content, "基地预约.xlsx")
    page = _page(request, qs)
    for b in page:
        b.may_decide = services.may_decide(b.base, request.user) and b.status == BookingStatus.PENDING
        b.may_cancel = (b.status in ("pending", "approved") and b.date >= timezone.localdate()
                        and Organization.objects.for_user(request.user).filter(pk=b.organization_id).exists())
        b.may_complete = (b.status == BookingStatus.APPROVED and b.date <= timezone.localdate()
                          and Organization.objects.for_user(request.user).filter(pk=b.organization_id).exists())
        if b.may_complete:
            b.candidate_activities = Activity.objects.filter(organization=b.organization_id, date=b.date)
    return render(request, "orglife/bookings.html", {
        "page": page, "statuses": BookingStatus.choices, "filters": request.GET, "query": request.GET.urlencode(),
    })


def _booking(request, pk):
    return get_for_user_or_404(Booking.objects.select_related("base", "organization"), request.user, pk=pk)


@staff_required
@require_POST
def booking_decide(request, pk):
    booking = _booking(request, pk)
    flash_service_result(
        request,
        lambda: services.decide_booking(booking, actor=Actor.from_request(request),
                                        approve=request.POST.get("approve") == "1", note=request.POST.get("note", "")),
        "审核结果已保存。",
    )
    return htmx_redirect(request, reverse("orglife:bookings"))


@staff_required
@require_POST
def booking_cancel(request, pk):
    booking = _booking(request, pk)
    flash_service_result(
        request,
        lambda: services.cancel_booking(booking, actor=Actor.from_request(request), reason=request.POST.get("reason", "")),
        "预约已取消。",
    )
    return htmx_redirect(request, reverse("orglife:bookings"))


@staff_required
@require_POST
def booking_complete(request, pk):
    booking = _booking(request, pk)
    if not Organization.objects.for_user(request.user).filter(pk=booking.organization_id).exists():
        raise PermissionDenied("只有预约的党支部可以登记开展情况")
    activity = None
    if request.POST.get("activity"):
        activity = Activity.objects.for_user(request.user).filter(pk=request.POST["activity"]).first()
    try:
        visitors = int(request.POST.get("visitors") or 0)
    except ValueError:
        visitors = 0
    flash_service_result(
        request,
        lambda: services.complete_booking(booking, actor=Actor.from_request(request), visitors=visitors, activity=activity),
        "到馆情况已登记。",
    )
    return htmx_redirect(request, reverse("orglife:bookings"))
