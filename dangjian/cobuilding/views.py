"""Pages of regional co-building, 双报到, "两新" and brands. Every queryset through ``for_user``
(out of scope 404, read-only 403), every write through a service; every list has filters, pages and an
Excel export of exactly what it shows."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Optional

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.core import excel, views_helpers
from dangjian.core.actor import Actor
from dangjian.core.scope import CHANGE, get_for_user_or_403, get_for_user_or_404, is_in_subtree
from dangjian.core.views_helpers import flash_service_result, form_action, has_role, paginate_with_filters, query_without_page
from dangjian.register.models import Organization

from . import forms as F
from . import rules, services
from .models import (
    Brand, DualReport, ListItem, Matter, Meeting, MemberUnit, PartTimeMember, Region, ResourceBooking, SharedResource,
    StarRating, TwoNewUnit,
)
from .statistics import co_building
from .vocab import SIZE_BANDS, BookingStatus, ListKind, RatingStatus, size_band

PAGE_SIZE = 30
STAFF = ("county_admin", "organiser")


def role_required(roles, message="该页面由乡镇（街道）组织员和县委组织部使用"):
    """``core.views_helpers.role_required`` with this app's usual refusal as the default message."""
    return views_helpers.role_required(roles, message)


staff_required = role_required(STAFF)


def _fmt(value) -> Any:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _date_param(request, name) -> Optional[datetime.date]:
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return None


# --- the generic region-row ledger (list + form + delete) ---------------------------------------------

@dataclass
class Filter:
    name: str
    label: str
    apply: Callable  # (qs, value) -> qs
    choices: Optional[list] = None  # None: a text box; "date": a date box


@dataclass
class Ledger:
    key: str
    title: str
    model: Any
    form: Any
    save: Callable  # (actor, region, instance, data) -> obj
    columns: list  # (header, callable(obj))
    filters: list = field(default_factory=list)
    order: tuple = ("-id",)
    initial: Callable = lambda request: {}


def _region_filters():
    return [Filter("region", "区域党组织", lambda qs, v: qs.filter(region_id=v) if v.isdigit() else qs, choices="regions"),
            Filter("q", "名称", None)]


def _active_filter(start, end):
    def apply(qs, v):
        day = timezone.localdate()
        active = Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))
        return qs.filter(active) if v == "1" else qs.exclude(active) if v == "0" else qs
    return apply


def _q(*fields):
    def apply(qs, v):
        cond = Q()
        for f in fields:
            cond |= Q(**{f"{f}__icontains": v})
        return qs.filter(cond)
    return apply


def _save_with(fn):
    def save(actor, region, instance, data):
        data = dict(data)
        data.pop("region", None)
        return fn(actor=actor, region=region, instance=instance, **data)
    return save


def _meeting_save(actor, region, instance, data):
    data = dict(data)
    data.pop("region", None)
    attendees = list(data.pop("attendees", None) or [])
    if not attendees and data.get("date"):
        attendees = MemberUnit.objects.filter(region=region, joined_on__lte=data["date"]).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=data["date"]))
    return services.save_meeting(actor=actor, region=region, instance=instance, attendees=list(attendees), **data)


def _agenda_label(meeting) -> str:
    status = services.agenda_status(meeting)
    if status["flagged"]:
        detail = "、".join([u.unit_name + "未送达" for u in status["missing"]] + [u.unit_name + "逾期" for u in status["late"]])
        return f"【{status['state']}】{detail}"
    return status["label"]


LEDGERS = {l.key: l for l in [
    Ledger("units", "共建单位", MemberUnit, F.MemberUnitForm, _save_with(services.save_member_unit), [
        ("区域党组织", lambda o: o.region.organization.name), ("共建单位", lambda o: o.unit_name),
        ("本县党组织", lambda o: "是" if o.organization_id else "否"), ("联络人", lambda o: o.liaison),
        ("加入日期", lambda o: o.joined_on), ("退出日期", lambda o: o.left_on)],
        [*_region_filters(), Filter("active", "状态", _active_filter("joined_on", "left_on"),
                                    [("1", "参与共建中"), ("0", "已退出")])], ("region__organization__path", "joined_on")),
    Ledger("parttime", "兼职委员", PartTimeMember, F.PartTimeForm, _save_with(services.save_part_time), [
        ("区域党组织", lambda o: o.region.organization.name), ("姓名", lambda o: o.name), ("所在单位", lambda o: o.unit_name),
        ("职务", lambda o: o.position), ("任职日期", lambda o: o.started_on), ("离任日期", lambda o: o.ended_on)],
        [*_region_filters(), Filter("active", "状态", _active_filter("started_on", "ended_on"),
                                    [("1", "在任"), ("0", "已离任")])], ("region__organization__path", "started_on")),
    Ledger("matters", "共建事项（协商问题、共建承诺）", Matter, F.MatterForm, _save_with(services.save_matter), [
        ("区域党组织", lambda o: o.region.organization.name), ("类别", lambda o: o.category), ("事项", lambda o: o.title),
        ("提出单位", lambda o: o.raised_by), ("提出日期", lambda o: o.raised_on), ("完成日期", lambda o: o.completed_on),
        ("状态", lambda o: o.state)],
        [*_region_filters(), Filter("category", "类别", lambda qs, v: qs.filter(category=v),
                                    [("协商问题", "协商问题"), ("共建承诺", "共建承诺")]),
         Filter("done", "状态", lambda qs, v: qs.filter(completed_on__isnull=(v == "0")), [("1", "已完成"), ("0", "进行中")]),
         Filter("from", "提出日期从", lambda qs, v: qs.filter(raised_on__gte=v), "date"),
         Filter("to", "到", lambda qs, v: qs.filter(raised_on__lte=v), "date")], ("-raised_on", "id")),
    Ledger("resources", "共享资源", SharedResource, F.ResourceForm, _save_with(services.save_resource), [
        ("区域党组织", lambda o: o.region.organization.name), ("提供单位", lambda o: o.provider), ("资源名称", lambda o: o.name),
        ("资源类别", lambda o: o.category), ("登记日期", lambda o: o.registered_on), ("停用日期", lambda o: o.stopped_on),
        ("可预约", lambda o: f"{o.opens_at:%H:%M}-{o.closes_at:%H:%M} {o.open_days_display}" if o.is_bookable else "")],
        [*_region_filters(), Filter("category", "资源类别", lambda qs, v: qs.filter(category=v),
                                    [(c, c) for c in ("场地", "物资", "设施", "其他")]),
         Filter("active", "状态", _active_filter("registered_on", "stopped_on"), [("1", "共享中"), ("0", "已停用")])],
        ("region__organization__path", "category", "name")),
    Ledger("items", "三张清单（需求、资源、项目）", ListItem, F.ListItemForm, _save_with(services.save_list_item), [
        ("区域党组织", lambda o: o.region.organization.name), ("清单", lambda o: o.get_kind_display()), ("事项", lambda o: o.title),
        ("提出/提供单位", lambda o: o.unit_name), ("登记日期", lambda o: o.listed_on),
        ("对接资源", lambda o: o.answered_by.title if o.answered_by_id else ""), ("完成日期", lambda o: o.done_on)],
        [*_region_filters(), Filter("kind", "清单", lambda qs, v: qs.filter(kind=v), ListKind.choices),
         Filter("matched", "对接", lambda qs, v: qs.filter(kind=ListKind.NEED, answered_by__isnull=(v == "0")),
                [("1", "需求已对接资源"), ("0", "需求未对接")])], ("kind", "-listed_on")),
    Ledger("meetings", "联席会议", Meeting, F.MeetingForm, _meeting_save, [
        ("区域党组织", lambda o: o.region.organization.name), ("会议日期", lambda o: o.date), ("议题", lambda o: o.topic),
        ("议程送达截止", lambda o: rules.agenda_deadline(o.date)), ("议程全部送达", lambda o: o.agenda_sent_on),
        ("议程送达情况", lambda o: _agenda_label(o)),
        ("出席单位数", lambda o: o.attendees.count())],
        [*_region_filters(), Filter("from", "日期从", lambda qs, v: qs.filter(date__gte=v), "date"),
         Filter("to", "到", lambda qs, v: qs.filter(date__lte=v), "date")], ("-date",)),
]}
SEARCH = {"units": ("unit_name", "liaison"), "parttime": ("name", "unit_name"), "matters": ("title", "raised_by"),
          "resources": ("name", "provider"), "items": ("title", "unit_name"), "meetings": ("topic", "agenda")}


def _apply_filters(request, qs, filters, search=()):
    for f in filters:
        value = (request.GET.get(f.name) or "").strip()
        if not value:
            continue
        if f.name == "q":
            qs = _q(*search)(qs, value)
        elif f.choices == "date":
            day = _date_param(request, f.name)
            if day:
                qs = f.apply(qs, day)
        else:
            qs = f.apply(qs, value)
    return qs


def _filter_widgets(request, filters):
    out = []
    for f in filters:
        choices = f.choices
        if choices == "regions":
            choices = [(str(r.pk), r.organization.name) for r in
                       Region.objects.for_user(request.user).select_related("organization")]
        out.append({"name": f.name, "label": f.label, "value": request.GET.get(f.name, ""),
                    "choices": None if choices in (None, "date") else [(str(a), b) for a, b in choices],
                    "date": choices == "date"})
    return out


def _list_page(request, *, title, qs, columns, filters, search=(), template="cobuilding/list.html", link=None,
               create_url=None, extra=None, export_name=None):
    qs = _apply_filters(request, qs, filters, search)
    if request.GET.get("export") == "xlsx":
        rows = ([_fmt(fn(o)) for _, fn in columns] for o in qs)
        content = excel.write_workbook([(title[:31], [h for h, _ in columns], rows)])
        return excel.xlsx_response(content, f"{export_name or title}.xlsx")
    page = paginate_with_filters(request, qs, PAGE_SIZE)
    rows = [{"obj": o, "cells": [_fmt(fn(o)) for _, fn in columns], "link": link(o) if link else None} for o in page]
    return render(request, template, {
        "title": title, "headers": [h for h, _ in columns], "rows": rows, "page": page,
        "filters": _filter_widgets(request, filters), "query": query_without_page(request), "create_url": create_url,
        **(extra or {})})


@staff_required
def ledger_list(request, kind):
    spec = LEDGERS[kind]
    qs = spec.model.objects.for_user(request.user).select_related("region__organization").order_by(*spec.order)
    return _list_page(request, title=spec.title, qs=qs, columns=spec.columns, filters=spec.filters,
                      search=SEARCH[kind], link=lambda o: reverse(f"cobuilding:{kind}_edit", args=[o.pk]),
                      create_url=reverse(f"cobuilding:{kind}_create") + (
                          f"?region={request.GET['region']}" if request.GET.get("region", "").isdigit() else ""),
                      extra={"kind": kind, "subnav": "cob"})


def _ledger_form(request, kind, instance=None):
    spec = LEDGERS[kind]
    user = request.user
    if instance is not None:
        initial = {f: getattr(instance, f) for f in spec.form.base_fields if hasattr(instance, f) and f != "region"}
        if "open_days" in initial:
            initial["open_days"] = list(instance.open_days or "")
        if "attendees" in initial:
            initial["attendees"] = list(instance.attendees.all())
        initial["region"] = instance.region
    else:
        initial = {"region": request.GET.get("region")}
    form = spec.form(request.POST or None, user=user, initial=initial, **({"instance": instance} if instance else {}))
    region = instance.region if instance is not None else None

    def perform(data):
        return spec.save(Actor.from_request(request), region or data["region"], instance, data)

    context = {"title": spec.title, "kind": kind, "instance": instance,
               "back": reverse(f"cobuilding:{kind}_list"), "subnav": "cob"}
    if instance is not None and kind == "items" and instance.kind == ListKind.NEED:
        context["suggestions"] = services.suggestions(instance)
    if instance is not None and kind == "meetings":
        context["agenda_url"] = reverse("cobuilding:meeting_agenda", args=[instance.pk])
        context["agenda"] = services.agenda_status(instance)
    if instance is not None and kind == "resources" and instance.is_bookable:
        context["book_url"] = reverse("cobuilding:resource_book", args=[instance.pk])
    return form_action(request, form, perform, success=lambda o: (f"{spec.title}已保存。", reverse(f"cobuilding:{kind}_list")),
                       template="cobuilding/form.html", context=context)


@staff_required
def ledger_create(request, kind):
    return _ledger_form(request, kind)


@staff_required
def ledger_edit(request, kind, pk):
    spec = LEDGERS[kind]
    obj = get_for_user_or_404(spec.model.objects.select_related("region__organization"), request.user, pk=pk)
    if request.method == "POST":
        obj = get_for_user_or_403(spec.model.objects.all(), request.user, CHANGE, pk=pk)
    return _ledger_form(request, kind, obj)


@staff_required
@require_POST
def ledger_delete(request, kind, pk):
    spec = LEDGERS[kind]
    obj = get_for_user_or_403(spec.model.objects.select_related("region__organization"), request.user, CHANGE, pk=pk)
    flash_service_result(request, lambda: services.delete(obj, actor=Actor.from_request(request)), f"{spec.title}已删除。")
    return redirect(f"cobuilding:{kind}_list")


def ledger_urls():
    out = []
    for kind in LEDGERS:
        out += [
            path(f"{kind}/", ledger_list, {"kind": kind}, name=f"{kind}_list"),
            path(f"{kind}/new/", ledger_create, {"kind": kind}, name=f"{kind}_create"),
            path(f"{kind}/<int:pk>/", ledger_edit, {"kind": kind}, name=f"{kind}_edit"),
            path(f"{kind}/<int:pk>/delete/", ledger_delete, {"kind": kind}, name=f"{kind}_delete"),
        ]
    return out


# --- regions -------------------------------------------------------------------------------------------------

@staff_required
def index(request):
    today = timezone.localdate()
    qs = (Region.objects.for_user(request.user).select_related("organization", "organization__division")
          .order_by("organization__path"))
    columns = [("区域党组织", lambda r: r.organization.name), ("类型", lambda r: r.get_kind_display()),
               ("所在行政区划", lambda r: r.organization.division.name), ("建立日期", lambda r: r.established_on)]
    filters = [Filter("kind", "类型", lambda qs, v: qs.filter(kind=v), [(k, l) for k, l in Region._meta.get_field("kind").choices]),
               Filter("q", "名称", None)]
    scope = None if request.user.is_superuser else request.user.organization
    block = co_building(scope, today, today.replace(month=1, day=1), today)
    return _list_page(request, title="区域化党建", qs=qs, columns=columns, filters=filters,
                      search=("organization__name",), link=lambda r: reverse("cobuilding:region_detail", args=[r.pk]),
                      create_url=reverse("cobuilding:region_create"), template="cobuilding/index.html",
                      extra={"cob": block, "subnav": "cob", "year": today.year}, export_name="区域党建组织")


@staff_required
def region_create(request):
    form = F.RegionForm(request.POST or None, user=request.user)

    def perform(data):
        return services.create_region(actor=Actor.from_request(request), **data)
    return form_action(request, form, perform, success=lambda r: ("区域党建组织已登记。", reverse("cobuilding:region_detail", args=[r.pk])),
                       template="cobuilding/form.html", context={"title": "登记区域党建组织", "back": reverse("cobuilding:index"),
                                                                  "subnav": "cob"})


@staff_required
def region_detail(request, pk):
    region = get_for_user_or_404(Region.objects.select_related("organization"), request.user, pk=pk)
    today = timezone.localdate()
    units = MemberUnit.objects.filter(region=region).order_by("-joined_on")
    return render(request, "cobuilding/region_detail.html", {
        "region": region, "subnav": "cob",
        "units": units, "active_units": [u for u in units if rules.active_on(u.joined_on, u.left_on, today)],
        "parttime": PartTimeMember.objects.filter(region=region).order_by("-started_on"),
        "meetings": [(m, services.agenda_status(m, today)) for m in
                     Meeting.objects.filter(region=region).prefetch_related("attendees")[:12]],
        "needs": ListItem.objects.filter(region=region, kind=ListKind.NEED).select_related("answered_by")[:20],
        "resources_list": ListItem.objects.filter(region=region, kind=ListKind.RESOURCE)[:20],
        "projects": ListItem.objects.filter(region=region, kind=ListKind.PROJECT).select_related("answered_by")[:20],
        "matters": Matter.objects.filter(region=region)[:20],
        "shared": SharedResource.objects.filter(region=region),
        "agenda_days": rules.get_setting("cobuilding.agenda_days_ahead"),
    })


@staff_required
def meeting_agenda(request, pk):
    """议程送达: the agenda sent to the member units ahead of the meeting, each unit's state and the sendings."""
    meeting = get_for_user_or_404(Meeting.objects.select_related("region__organization"), request.user, pk=pk)
    if request.method == "POST":
        meeting = get_for_user_or_403(Meeting.objects.select_related("region__organization"), request.user, CHANGE, pk=pk)
    status = services.agenda_status(meeting)
    today = timezone.localdate()
    form = F.AgendaSendForm(request.POST or None, due_units=[u["unit"] for u in status["units"]], initial={
        "sent_on": min(today, meeting.date), "agenda": meeting.agenda,
        "units": [u["unit"].pk for u in status["units"] if u["sent_on"] is None]})

    def perform(data):
        return services.send_agenda(meeting, actor=Actor.from_request(request), **data)
    return form_action(request, form, perform, success=lambda s: (
        f"议程已送达{s.units.count()}个共建单位" + ("。" if rules.agenda_on_time(meeting.date, s.sent_on)
                                                else f"（逾期：应于{rules.agenda_deadline(meeting.date):%Y-%m-%d}前送达）。"),
        reverse("cobuilding:meeting_agenda", args=[pk])),
        template="cobuilding/meeting_agenda.html", context={
            "meeting": meeting, "status": status, "subnav": "cob", "kind": "meetings",
            "days": rules.get_setting("cobuilding.agenda_days_ahead"),
            "sendings": meeting.sendings.prefetch_related("units").order_by("-sent_on", "-id")})


@staff_required
@require_POST
def item_match(request, pk):
    need = get_for_user_or_403(ListItem.objects.all(), request.user, CHANGE, pk=pk)
    resource = get_for_user_or_404(ListItem.objects.all(), request.user, pk=request.POST.get("resource") or 0)
    flash_service_result(request, lambda: services.match_need(need, resource, actor=Actor.from_request(request)),
                         f"需求“{need.title}”已对接资源“{resource.title}”。")
    return redirect("cobuilding:items_edit", pk=need.pk)


# --- shared venue bookings ---------------------------------------------------------------------------------

@role_required(STAFF + ("secretary",), "共享场地由党组织书记、组织员和县委组织部预约")
def resource_book(request, pk):
    resource = get_for_user_or_404(SharedResource.objects.select_related("region__organization"), request.user, pk=pk) \
        if has_role(request.user, STAFF) else _venue_for_secretary(request.user, pk)
    form = F.BookingForm(request.POST or None, user=request.user)

    def perform(data):
        return services.book_resource(resource, actor=Actor.from_request(request), **data)
    bookings = ResourceBooking.objects.filter(resource=resource, date__gte=timezone.localdate()).select_related("organization")
    return form_action(request, form, perform, success=lambda b: ("预约已提交，待区域党组织审核。", reverse("cobuilding:bookings")),
                       template="cobuilding/book.html", context={"resource": resource, "bookings": bookings, "subnav": "cob"})


def _venue_for_secretary(user, pk):
    """A branch secretary may book the shared venues of the regions above their branch."""
    path = user.scope_path
    venues = SharedResource.objects.filter(opens_at__isnull=False).select_related("region__organization")
    venue = venues.filter(pk=pk).first()
    if venue is None or not is_in_subtree(path, venue.region.organization):
        from django.http import Http404

        raise Http404("共享场地不存在或不在本区域")
    return venue


@role_required(STAFF + ("secretary",), "共享场地预约由党组织书记、组织员和县委组织部查看")
def bookings(request):
    qs = ResourceBooking.objects.for_user(request.user).select_related("resource", "organization").order_by("-date", "start_time")
    columns = [("共享场地", lambda b: b.resource.name), ("预约党组织", lambda b: b.organization.name), ("日期", lambda b: b.date),
               ("时间", lambda b: f"{b.start_time:%H:%M}-{b.end_time:%H:%M}"), ("人数", lambda b: b.expected_count),
               ("用途", lambda b: b.purpose), ("状态", lambda b: b.get_status_display()), ("审核意见", lambda b: b.decision_note)]
    filters = [Filter("status", "状态", lambda qs, v: qs.filter(status=v), BookingStatus.choices),
               Filter("from", "日期从", lambda qs, v: qs.filter(date__gte=v), "date"),
               Filter("to", "到", lambda qs, v: qs.filter(date__lte=v), "date")]
    return _list_page(request, title="共享场地预约", qs=qs, columns=columns, filters=filters, template="cobuilding/bookings.html",
                      extra={"subnav": "cob", "may_decide": has_role(request.user, STAFF)})


@role_required(STAFF)
@require_POST
def booking_decide(request, pk):
    booking = get_for_user_or_404(ResourceBooking.objects.all(), request.user, pk=pk)
    approve = request.POST.get("approve") == "1"
    flash_service_result(request, lambda: services.decide_resource_booking(
        booking, actor=Actor.from_request(request), approve=approve, note=request.POST.get("note", "")),
        "已同意预约。" if approve else "已不同意预约。")
    return redirect("cobuilding:bookings")


@role_required(STAFF + ("secretary",))
@require_POST
def booking_cancel(request, pk):
    booking = get_for_user_or_403(ResourceBooking.objects.all(), request.user, CHANGE, pk=pk)
    flash_service_result(request, lambda: services.cancel_resource_booking(booking, actor=Actor.from_request(request)),
                         "预约已取消。")
    return redirect("cobuilding:bookings")


# --- 双报到 -----------------------------------------------------------------------------------------------------

@login_required
def dual_list(request):
    qs = (DualReport.objects.for_user(request.user).select_related("member__organization", "community")
          .annotate(total_hours=Sum("services__hours")).order_by("-reported_on", "id"))
    columns = [("党员", lambda d: d.member.name), ("所在党组织", lambda d: d.member.organization.name),
               ("报到社区党组织", lambda d: d.community.name), ("报到日期", lambda d: d.reported_on),
               ("认领岗位", lambda d: d.posts), ("服务时长（小时）", lambda d: d.total_hours or 0)]
    filters = [Filter("q", "党员姓名", None), Filter("from", "报到日期从", lambda qs, v: qs.filter(reported_on__gte=v), "date"),
               Filter("to", "到", lambda qs, v: qs.filter(reported_on__lte=v), "date")]
    return _list_page(request, title="双报到", qs=qs, columns=columns, filters=filters, search=("member__name", "community__name"),
                      link=lambda d: reverse("cobuilding:dual_detail", args=[d.pk]),
                      create_url=reverse("cobuilding:dual_create") if has_role(request.user, STAFF + ("secretary",)) else None,
                      extra={"subnav": "cob"})


@role_required(STAFF + ("secretary",), "双报到由党组织书记、组织员登记")
def dual_create(request):
    form = F.DualReportForm(request.POST or None, user=request.user, q=request.GET.get("q", ""),
                              cq=request.GET.get("cq", ""))

    def perform(data):
        return services.save_dual_report(actor=Actor.from_request(request), **data)
    return form_action(request, form, perform, success=lambda d: ("报到已登记。", reverse("cobuilding:dual_detail", args=[d.pk])),
                       template="cobuilding/form.html", context={"title": "登记双报到", "back": reverse("cobuilding:dual_list"),
                                                                  "member_search": True, "subnav": "cob"})


@login_required
def dual_detail(request, pk):
    report = get_for_user_or_404(DualReport.objects.select_related("member__organization", "community"), request.user, pk=pk)
    may_change = DualReport.objects.for_user(request.user, CHANGE).filter(pk=pk).exists() and request.user.role != "member"
    return render(request, "cobuilding/dual_detail.html", {
        "report": report, "services": report.services.all(), "cards": services.quarterly_card(report), "may_change": may_change,
        "form": F.ServiceForm() if may_change else None, "subnav": "cob"})


@role_required(STAFF + ("secretary",))
def service_create(request, pk):
    report = get_for_user_or_403(DualReport.objects.all(), request.user, CHANGE, pk=pk)
    form = F.ServiceForm(request.POST or None)

    def perform(data):
        return services.record_service(report, actor=Actor.from_request(request), **data)
    return form_action(request, form, perform, success=lambda s: ("服务记录已登记。", reverse("cobuilding:dual_detail", args=[pk])),
                       template="cobuilding/form.html", context={"title": f"登记服务：{report}", "subnav": "cob",
                                                                  "back": reverse("cobuilding:dual_detail", args=[pk])})


def _back_to_me():
    try:
        return reverse("portal:me")
    except NoReverseMatch:  # the portal app is not installed
        return reverse("cobuilding:dual_list")


@login_required
@require_POST
def me_claim_post(request, pk):
    """From the member's 我的 card: claim a service post on their own report slip."""
    report = get_for_user_or_404(DualReport.objects.all(), request.user, pk=pk)
    flash_service_result(request, lambda: services.claim_post(report, actor=Actor.from_request(request),
                                                              post=request.POST.get("post", "")),
                         f"已认领服务岗位“{request.POST.get('post', '')}”。")
    return redirect(_back_to_me())


@login_required
@require_POST
def me_record_hours(request, pk):
    """From the member's 我的 card: hours served on a claimed post."""
    report = get_for_user_or_404(DualReport.objects.all(), request.user, pk=pk)
    form = F.ServiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label}：{'；'.join(v)}" for k, v in form.errors.items()))
        return redirect(_back_to_me())
    flash_service_result(request, lambda: services.record_service(report, actor=Actor.from_request(request),
                                                                  **form.cleaned_data),
                         f"已登记服务{form.cleaned_data['hours']}小时。")
    return redirect(_back_to_me())


# --- "两新" units ---------------------------------------------------------------------------------------------

TWO_NEW_ROLES = STAFF + ("secretary",)


def _unit_columns():
    return [("单位名称", lambda u: u.name), ("单位类别", lambda u: u.category), ("所在行政区划", lambda u: u.division.name),
            ("行业", lambda u: u.sector), ("从业人员数", lambda u: u.staff_count), ("规模", lambda u: size_band(u.staff_count)),
            ("党员数", lambda u: u.member_count), ("党组织", lambda u: u.organization.name if u.organization_id else ""),
            ("党建指导员", lambda u: u.instructor), ("建议", lambda u: "" if u.organization_id else rules.suggested_body(u.member_count)),
            ("排查日期", lambda u: u.surveyed_on)]


def _size_filter(qs, v):
    for label, low, high in SIZE_BANDS:
        if v == label:
            qs = qs.filter(staff_count__gte=low)
            return qs.filter(staff_count__lte=high) if high is not None else qs
    return qs


@role_required(TWO_NEW_ROLES, "两新党建由党组织书记、组织员和县委组织部使用")
def twonew(request):
    qs = TwoNewUnit.objects.for_user(request.user).select_related("division", "organization").order_by("division__path", "name")
    filters = [Filter("category", "单位类别", lambda qs, v: qs.filter(category=v), [("非公有制企业", "非公有制企业"), ("社会组织", "社会组织")]),
               Filter("body", "党组织", lambda qs, v: qs.filter(organization__isnull=(v == "0")), [("1", "已建"), ("0", "未建")]),
               Filter("size", "规模", _size_filter, [(l, l) for l, _, _ in SIZE_BANDS]),
               Filter("q", "单位、行业或区划", None)]
    return _list_page(request, title="两新组织", qs=qs, columns=_unit_columns(), filters=filters,
                      search=("name", "sector", "division__name", "investor"),
                      link=(lambda u: reverse("cobuilding:unit_edit", args=[u.pk])) if has_role(request.user, STAFF) else None,
                      create_url=reverse("cobuilding:unit_create") if has_role(request.user, STAFF) else None,
                      extra={"subnav": "twonew"})


def _unit_form(request, instance=None):
    initial = {f: getattr(instance, f) for f in F.UnitForm.base_fields} if instance else {}
    form = F.UnitForm(request.POST or None, user=request.user, initial=initial)

    def perform(data):
        return services.save_unit(actor=Actor.from_request(request), instance=instance, **data)
    return form_action(request, form, perform, success=lambda u: (f"“{u.name}”已保存。", reverse("cobuilding:twonew")),
                       template="cobuilding/form.html", context={
                           "title": "两新组织排查登记" if instance is None else f"修改“{instance.name}”（排查、组建）",
                           "back": reverse("cobuilding:twonew"), "subnav": "twonew", "instance": instance,
                           "suggestion": rules.suggested_body(instance.member_count) if instance and not instance.organization_id else ""})


@staff_required
def unit_create(request):
    return _unit_form(request)


@staff_required
def unit_edit(request, pk):
    unit = get_for_user_or_403(TwoNewUnit.objects.all(), request.user, CHANGE, pk=pk)
    return _unit_form(request, unit)


@role_required(TWO_NEW_ROLES, "两新党建由党组织书记、组织员和县委组织部使用")
def coverage(request):
    """Coverage by township, sector and size: units, units with a body, rate."""
    from dangjian.core.tree import STEP
    from dangjian.register.models import Division

    towns = dict(Division.objects.filter(category__in=("乡", "镇", "街道")).values_list("path", "name"))
    rows: dict[str, dict] = {"township": {}, "sector": {}, "size": {}}
    units = TwoNewUnit.objects.for_user(request.user).values_list("division__path", "sector", "staff_count", "organization_id")
    for path, sector, staff, org_id in units.iterator(chunk_size=2000):
        town = next((towns[path[:end]] for end in range(STEP, len(path) + 1, STEP) if path[:end] in towns), "县直")
        for dim, key in (("township", town), ("sector", sector or "未填写"), ("size", size_band(staff))):
            r = rows[dim].setdefault(key, [0, 0])
            r[0] += 1
            r[1] += 1 if org_id else 0
    tables = [(label, [(k, n, c, f"{c / n:.1%}" if n else "—") for k, (n, c) in sorted(rows[dim].items())])
              for dim, label in (("township", "按乡镇（街道）"), ("sector", "按行业"), ("size", "按规模"))]
    if request.GET.get("export") == "xlsx":
        sheets = [(label, [label[1:], "单位数", "已建党组织", "覆盖率"], body) for label, body in tables]
        return excel.xlsx_response(excel.write_workbook(sheets), "两新组织覆盖情况.xlsx")
    return render(request, "cobuilding/coverage.html", {"tables": tables, "subnav": "twonew"})


# --- star ratings ---------------------------------------------------------------------------------------------

def _rating_columns():
    return [("党组织", lambda r: r.organization.name), ("评定年度", lambda r: r.year), ("自评得分", lambda r: r.self_score),
            ("得分", lambda r: r.score), ("一票否决", lambda r: r.veto), ("星级", lambda r: r.stars),
            ("状态", lambda r: r.get_status_display()),
            ("有效期", lambda r: _validity(r))]


def _validity(rating) -> str:
    """The years a rating covers and its expiry (only a published rating is valid)."""
    first, last = rules.rating_covers(rating.year)
    if rating.status != RatingStatus.PUBLISHED:
        return "未生效（公布后生效）"
    return f"{first}—{last}年，至{rules.rating_expires_on(rating.year):%Y-%m-%d}"


@role_required(TWO_NEW_ROLES, "星级评定由党组织书记、组织员和县委组织部使用")
def ratings(request):
    qs = StarRating.objects.for_user(request.user).select_related("organization").order_by("-year", "organization__path")
    filters = [Filter("year", "年度", lambda qs, v: qs.filter(year=v) if v.isdigit() else qs),
               Filter("status", "状态", lambda qs, v: qs.filter(status=v), RatingStatus.choices),
               Filter("stars", "星级", lambda qs, v: qs.filter(stars=v), [(str(s), f"{s}星" if s else "一票否决") for s in (5, 4, 3, 2, 1, 0)]),
               Filter("q", "党组织", None)]
    filters[0].choices = None
    return _list_page(request, title="星级评定", qs=qs, columns=_rating_columns(), filters=filters, search=("organization__name",),
                      link=lambda r: reverse("cobuilding:rating_detail", args=[r.pk]),
                      create_url=reverse("cobuilding:rating_create"), extra={"subnav": "twonew", "note": _due_note(request.user)})


def _due_note(user) -> str:
    """The cycle (setting twonew.cycle_years): how many "两新" organisations in scope are due (expired or never
    rated), pointing to the list."""
    cycle = rules.get_setting("twonew.cycle_years")
    due = [r for r in services.rating_cycle_rows(Organization.objects.for_user(user), timezone.localdate()) if r["due"]]
    if not due:
        return f"评定周期{cycle}年：范围内的两新党组织都有有效的星级评定。"
    return (f"评定周期{cycle}年：{len(due)}个两新党组织的星级评定已期满或从未评定，"
            f"如{'、'.join(r['org'].name for r in due[:3])}（见“到期待评”）。")


@role_required(TWO_NEW_ROLES, "星级评定由党组织书记、组织员和县委组织部使用")
def ratings_due(request):
    """The rating cycle: each "两新" organisation in scope, its latest published rating, the years it covers,
    its expiry, and whether a new rating is due (expired or never rated)."""
    day = timezone.localdate()
    rows = services.rating_cycle_rows(Organization.objects.for_user(request.user), day)
    state = request.GET.get("state", "due")
    if state == "due":
        rows = [r for r in rows if r["due"]]
    elif state:
        rows = [r for r in rows if r["state"] == state]
    q = (request.GET.get("q") or "").strip()
    if q:
        rows = [r for r in rows if q in r["org"].name]
    headers = ["党组织", "最近公布的评定", "星级", "覆盖年度", "有效期至", "状态"]

    def cells(r):
        rating = r["rating"]
        covers = rules.rating_covers(rating.year) if rating else None
        return [r["org"].name, f"{rating.year}年度" if rating else "", rating.stars_display if rating else "",
                f"{covers[0]}—{covers[1]}" if covers else "", r["expires_on"] or "", r["state"] + ("（应重新评定）" if r["due"] else "")]
    if request.GET.get("export") == "xlsx":
        return excel.xlsx_response(excel.write_workbook([("星级评定周期", headers, ([_fmt(c) for c in cells(r)] for r in rows))]),
                                   "星级评定到期待评.xlsx")
    page = paginate_with_filters(request, rows, PAGE_SIZE)
    filters = [{"name": "state", "label": "状态", "value": state, "date": False,
                "choices": [("due", "到期待评（已期满或从未评定）"), ("有效", "有效"), ("已过期", "已过期"), ("从未评定", "从未评定")]},
               {"name": "q", "label": "党组织", "value": q, "choices": None, "date": False}]
    return render(request, "cobuilding/list.html", {
        "title": "星级评定到期待评", "headers": headers, "page": page, "query": query_without_page(request),
        "rows": [{"obj": r["org"], "cells": [_fmt(c) for c in cells(r)], "link": None} for r in page],
        "filters": filters, "subnav": "twonew",
        "note": f"一次公布的评定覆盖评定年度之后的{rules.get_setting('twonew.cycle_years')}年（周期在“规则参数”中设置），"
                "到期后（或从未评定的）应组织自评；有效期内不能重新评定。",
        "create_url": reverse("cobuilding:rating_create")})


@role_required(TWO_NEW_ROLES, "星级评定由党组织书记、组织员和县委组织部使用")
def rating_create(request):
    form = F.SelfAssessmentForm(request.POST or None, user=request.user, initial={"year": timezone.localdate().year})

    def perform(data):
        return services.self_assess(actor=Actor.from_request(request), organization=data["organization"], year=data["year"],
                                    indicator_scores=form.indicator_scores(), veto=data["veto"], veto_reason=data["veto_reason"])
    return form_action(request, form, perform, success=lambda r: (f"自评已提交：{r.score}分。", reverse("cobuilding:rating_detail", args=[r.pk])),
                       template="cobuilding/form.html", context={
                           "title": "星级评定自评", "back": reverse("cobuilding:ratings"), "subnav": "twonew",
                           "help": "按县委组织部设定的指标体系逐项打分（合计100分）；"
                                   f"一票否决情形：{'；'.join(rules.veto_list())}。"})


@role_required(TWO_NEW_ROLES)
def rating_detail(request, pk):
    rating = get_for_user_or_404(StarRating.objects.select_related("organization"), request.user, pk=pk)
    return render(request, "cobuilding/rating_detail.html", {
        "rating": rating, "subsidy": rules.subsidy_for(rating.stars), "subnav": "twonew",
        "covers": rules.rating_covers(rating.year), "expires_on": rules.rating_expires_on(rating.year),
        "valid": rules.rating_valid_on(rating, timezone.localdate()), "today": timezone.localdate(),
        "may_review": has_role(request.user, STAFF) and rating.status == RatingStatus.SELF,
        "may_publish": has_role(request.user, ("county_admin",)) and rating.status == RatingStatus.REVIEWED,
        "form": F.ReviewForm(initial={"score": rating.score, "veto": rating.veto, "veto_reason": rating.veto_reason})})


@role_required(STAFF)
@require_POST
def rating_review(request, pk):
    rating = get_for_user_or_403(StarRating.objects.all(), request.user, CHANGE, pk=pk)
    form = F.ReviewForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    approve = request.POST.get("approve") != "0"
    flash_service_result(request, lambda: services.review_rating(
        rating, actor=Actor.from_request(request), score=data.get("score"), veto=data.get("veto"),
        veto_reason=data.get("veto_reason", ""), approve=approve, note=data.get("note", "")),
        "已审核。" if approve else "已退回。")
    return redirect("cobuilding:rating_detail", pk=pk)


@role_required(("county_admin",), "星级评定由县委组织部审定公布")
@require_POST
def rating_publish(request, pk):
    rating = get_for_user_or_403(StarRating.objects.all(), request.user, CHANGE, pk=pk)
    flash_service_result(request, lambda: services.publish_rating(rating, actor=Actor.from_request(request)), "已审定公布。")
    return redirect("cobuilding:rating_detail", pk=pk)


@role_required(STAFF, "党建工作经费由组织员和县委组织部查看")
def subsidies(request):
    """The 党建工作经费 of one year per "两新" organisation, for the finance office: by the stars of the published
    rating whose cycle covers the year; without one, at the unrated rate."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year)
    except ValueError:
        year = this_year
    rows = services.subsidy_rows(Organization.objects.for_user(request.user), year)
    q = (request.GET.get("q") or "").strip()
    if q:
        rows = [r for r in rows if q in r["org"].name]
    headers = ["年度", "党组织", "所在行政区划", "依据的评定", "得分", "星级", "经费比例（%）", "党建工作经费（元）"]

    def cells(r):
        rating = r["rating"]
        return [year, r["org"].name, r["org"].division.name,
                f"{rating.year}年度（有效期至{rules.rating_expires_on(rating.year):%Y-%m-%d}）" if rating else "无有效评定（按未定级）",
                rating.score if rating else "", rating.stars_display if rating else "未定级", r["percent"], r["amount"]]
    if request.GET.get("export") == "xlsx":
        return excel.xlsx_response(excel.write_workbook([(f"{year}年党建工作经费", headers, ([_fmt(c) for c in cells(r)] for r in rows))]),
                                   f"{year}年星级党组织党建工作经费.xlsx")
    total = sum((r["amount"] for r in rows), Decimal("0"))
    page = paginate_with_filters(request, rows, PAGE_SIZE)
    filters = [{"name": "year", "label": "年度", "value": str(year), "choices": None, "date": False},
               {"name": "q", "label": "党组织", "value": q, "choices": None, "date": False}]
    return render(request, "cobuilding/list.html", {
        "title": f"{year}年星级党组织党建工作经费", "headers": headers, "page": page, "query": query_without_page(request),
        "rows": [{"obj": r["org"], "cells": [_fmt(c) for c in cells(r)], "link": None} for r in page],
        "filters": filters, "subnav": "twonew", "total": total, "year": year,
        "base": rules.get_setting("twonew.subsidy_base"),
        "note": f"按覆盖{year}年的已公布星级评定计算（一次评定覆盖评定年度之后的"
                f"{rules.get_setting('twonew.cycle_years')}年）；没有有效评定的按未定级比例。"})


# --- brands ------------------------------------------------------------------------------------------------------

@role_required(TWO_NEW_ROLES, "党建品牌由党组织书记、组织员和县委组织部使用")
def brands(request):
    qs = Brand.objects.for_user(request.user).select_related("organization").order_by("organization__path", "name")
    columns = [("品牌名称", lambda b: b.name), ("所在党组织", lambda b: b.organization.name), ("立项日期", lambda b: b.applied_on),
               ("认定日期", lambda b: b.recognised_on), ("撤销日期", lambda b: b.revoked_on), ("状态", lambda b: b.status_display)]

    def status_filter(qs, v):
        return {"applied": qs.filter(recognised_on__isnull=True, revoked_on__isnull=True),
                "recognised": qs.filter(recognised_on__isnull=False, revoked_on__isnull=True),
                "revoked": qs.filter(revoked_on__isnull=False)}.get(v, qs)
    filters = [Filter("status", "状态", status_filter, [("applied", "已立项"), ("recognised", "已认定"), ("revoked", "已撤销")]),
               Filter("q", "品牌或党组织", None)]
    return _list_page(request, title="党建品牌", qs=qs, columns=columns, filters=filters, search=("name", "organization__name"),
                      link=lambda b: reverse("cobuilding:brand_detail", args=[b.pk]),
                      create_url=reverse("cobuilding:brand_create"), extra={"subnav": "brands"})


@role_required(TWO_NEW_ROLES)
def brand_create(request):
    form = F.BrandForm(request.POST or None, user=request.user)

    def perform(data):
        return services.save_brand(actor=Actor.from_request(request), **data)
    return form_action(request, form, perform, success=lambda b: ("品牌已立项。", reverse("cobuilding:brand_detail", args=[b.pk])),
                       template="cobuilding/form.html", context={"title": "党建品牌立项", "back": reverse("cobuilding:brands"),
                                                                  "subnav": "brands"})


@role_required(TWO_NEW_ROLES)
def brand_detail(request, pk):
    brand = get_for_user_or_404(Brand.objects.select_related("organization"), request.user, pk=pk)
    may_change = Brand.objects.for_user(request.user, CHANGE).filter(pk=pk).exists()
    return render(request, "cobuilding/brand_detail.html", {
        "brand": brand, "milestones": brand.milestones.all(), "may_change": may_change, "subnav": "brands",
        "may_decide": may_change and has_role(request.user, STAFF), "today": timezone.localdate(),
        "milestone_form": F.MilestoneForm(), "date_form": F.DateReasonForm(initial={"on": timezone.localdate()})})


def _brand_action(request, pk, fn, message):
    brand = get_for_user_or_403(Brand.objects.all(), request.user, CHANGE, pk=pk)
    form = F.DateReasonForm(request.POST)
    form.is_valid()
    flash_service_result(request, lambda: fn(brand, form.cleaned_data), message)
    return redirect("cobuilding:brand_detail", pk=pk)


@role_required(STAFF, "品牌由乡镇（街道）或县委组织部认定")
@require_POST
def brand_recognise(request, pk):
    return _brand_action(request, pk, lambda b, d: services.recognise_brand(
        b, actor=Actor.from_request(request), on=d.get("on")), "品牌已认定。")


@role_required(STAFF, "品牌由乡镇（街道）或县委组织部撤销")
@require_POST
def brand_revoke(request, pk):
    return _brand_action(request, pk, lambda b, d: services.revoke_brand(
        b, actor=Actor.from_request(request), on=d.get("on"), reason=d.get("reason", "")), "品牌已撤销。")


@role_required(TWO_NEW_ROLES)
@require_POST
def milestone_create(request, pk):
    brand = get_for_user_or_403(Brand.objects.all(), request.user, CHANGE, pk=pk)
    form = F.MilestoneForm(request.POST)
    form.is_valid()
    d = form.cleaned_data
    flash_service_result(request, lambda: services.add_milestone(
        brand, actor=Actor.from_request(request), date=d.get("date"), title=d.get("title", ""), evidence=d.get("evidence", "")),
        "节点已登记。")
    return redirect("cobuilding:brand_detail", pk=pk)
