"""Screens of 组织关系转接 and 流动党员. Views never write through the ORM: they call ``services``.
Every queryset goes through ``for_user``; out of scope is 404, a step the user may not take is 403
(the services raise ``PermissionDenied``)."""
from __future__ import annotations

import functools
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.core import pii
from dangjian.core.roles import STAFF_ROLES
from dangjian.core.actor import Actor
from dangjian.core.excel import write_workbook, xlsx_response
from dangjian.core.scope import get_for_user_or_404
from dangjian.core.views_helpers import form_action, htmx_redirect, query_without_page, require_role
from dangjian.register.models import Member
from dangjian.register.vocab import MemberStatus

from . import forms, letters, services
from .models import OPEN_STATUSES, FloatingRecord, Kind, Status, Transfer

PAGE_SIZE = 30


_query_without_page = query_without_page


def _require_staff(user):
    require_role(user, STAFF_ROLES, "该功能供党组织工作人员使用")


# --- transfers -------------------------------------------------------------------------------

def _filtered_transfers(request):
    form = forms.ListFilterForm(request.GET or None)
    qs = Transfer.objects.for_user(request.user, "view").select_related("member", "from_org", "to_org")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            qs = qs.filter(Q(member__name__contains=q) | Q(letter_number__contains=q))
        if data["status"] == "open":
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif data["status"]:
            qs = qs.filter(status=data["status"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
    return form, qs.order_by("-requested_on", "-id")


@login_required
def transfer_list(request):
    _require_staff(request.user)
    form, qs = _filtered_transfers(request)
    if request.GET.get("export") == "xlsx":
        rows = ([t.member.name, t.get_kind_display(), t.from_display, t.to_display, t.get_status_display(), t.letter_number,
                 t.requested_on, t.issued_on, t.valid_until, t.reported_on, t.receipt_on, t.reason]
                for t in qs.iterator(chunk_size=500))
        content = write_workbook([("组织关系转接", ["姓名", "类型", "转出党组织", "转入党组织", "状态", "介绍信编号", "申请日期",
                                               "开具日期", "有效期至", "报到日期", "回执日期", "转接原因"], rows)],
                                 widths={"组织关系转接": [10, 12, 28, 28, 16, 20, 12, 12, 12, 12, 12, 24]})
        return xlsx_response(content, f"组织关系转接{timezone.localdate():%Y%m%d}.xlsx")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": _query_without_page(request), "open_count": qs.filter(status__in=OPEN_STATUSES).count()}
    template = "transfers/partials/transfer_table.html" if request.htmx else "transfers/list.html"
    return render(request, template, context)


@login_required
def member_search(request):
    """Members in the user's scope matching a name (for choosing whom to transfer or register as floating)."""
    _require_staff(request.user)
    q = request.GET.get("q", "").strip()
    target = request.GET.get("for", "transfer")
    results = []
    if q:
        results = list(Member.objects.for_user(request.user, "change").in_good_standing().filter(name__contains=q)
                       .select_related("organization").order_by("name", "id")[:20])
    return render(request, "transfers/partials/member_results.html", {"results": results, "q": q, "target": target})


def _member_from_query(request):
    pk = request.GET.get("member") or request.POST.get("member")
    if not pk:
        return None
    try:
        return Member.objects.for_user(request.user, "change").select_related("organization").get(pk=int(pk))
    except (Member.DoesNotExist, ValueError):
        raise Http404("党员不存在或不在您的管理范围内") from None


@login_required
def transfer_new(request):
    _require_staff(request.user)
    member = _member_from_query(request)
    form = forms.StartForm(request.POST or None, user=request.user, exclude_org=member.organization if member else None)
    if member is None:  # nobody chosen yet: the page shows the search, a POST is not acted on
        return render(request, "transfers/new.html", {"form": form, "member": member})
    return form_action(
        request, form,
        lambda data: services.start_transfer(actor=Actor.from_request(request), member=member,
                                             to_org=data["to_org"], reason=data["reason"]),
        success=lambda t: (f"已提交{member.name}的组织关系转接申请，待转出党委审批", reverse("transfers:detail", args=[t.pk])),
        template="transfers/new.html", context={"member": member})


STEP_FORMS = {
    "approve": forms.NoteForm, "reject": forms.RequiredNoteForm, "cancel": forms.NoteForm, "accept": forms.AcceptForm,
    "return": forms.ReturnForm, "receipt": forms.ReceiptForm, "reissue": None,
}
STEP_LABELS = {
    "approve": "审批通过并开具介绍信", "reject": "不予批准", "cancel": "撤销转接", "accept": "接收（党员已报到）",
    "return": "退回", "receipt": "登记回执，办结", "reissue": "重新开具介绍信",
}


def _form_class(transfer, step, user):
    if step == "approve" and transfer.to_org_id is None:
        return functools.partial(forms.ApproveChoosingForm, user=user)
    return STEP_FORMS[step]


def _step_forms(transfer, user, bound=None):
    today = timezone.localdate()
    steps = services.allowed_steps(transfer, user, today)
    result = []
    for step in ("approve", "accept", "receipt", "reissue", "reject", "return", "cancel"):
        if step not in steps:
            continue
        form_class = _form_class(transfer, step, user)
        form = None
        if form_class is not None:
            if bound is not None and bound[0] == step:
                form = bound[1]
            else:
                initial = {"reported_on": today} if step == "accept" else ({"receipt_on": today} if step == "receipt" else {})
                form = form_class(initial=initial, prefix=step)
        result.append({"step": step, "label": STEP_LABELS[step], "form": form,
                       "danger": step in ("reject", "return", "cancel")})
    return result


@login_required
def transfer_detail(request, pk, bound=None, status=200):
    transfer = get_for_user_or_404(Transfer.objects.select_related("member", "from_org", "to_org", "requested_by"),
                                   request.user, pk=pk)
    context = {
        "t": transfer, "history": services.transfer_history(transfer), "steps": _step_forms(transfer, request.user, bound),
        "today": timezone.localdate(),
        "expired": transfer.status == Status.ISSUED and transfer.valid_until and timezone.localdate() > transfer.valid_until,
        "can_print": bool(transfer.letter_number) and transfer.kind != Kind.IN,
    }
    return render(request, "transfers/detail.html", context, status=status)


def perform_step(transfer, step: str, *, actor, data: dict):
    """One step of the procedure by its service (the page and the API both act through this)."""
    if step == "approve":
        return services.approve_transfer(transfer, actor=actor, note=data["note"], to_org=data.get("to_org"))
    if step == "reject":
        return services.reject_transfer(transfer, actor=actor, note=data["note"])
    if step == "cancel":
        return services.cancel_transfer(transfer, actor=actor, note=data["note"])
    if step == "accept":
        return services.accept_transfer(transfer, actor=actor, reported_on=data["reported_on"])
    if step == "return":
        return services.return_transfer(transfer, actor=actor, reason=data["return_reason"])
    if step == "receipt":
        return services.record_receipt(transfer, actor=actor, receipt_on=data["receipt_on"])
    if step == "reissue":
        return services.reissue_letter(transfer, actor=actor)
    raise Http404("未知的操作")


@login_required
@require_POST
def transfer_step(request, pk, step):
    transfer = get_for_user_or_404(Transfer.objects.all(), request.user, pk=pk)
    if step not in STEP_FORMS:
        raise Http404("未知的操作")
    actor = Actor.from_request(request)
    form_class = _form_class(transfer, step, request.user)
    form = form_class(request.POST, prefix=step) if form_class else None
    if form is not None and not form.is_valid():
        return transfer_detail(request, pk, bound=(step, form), status=400)
    data = form.cleaned_data if form is not None else {}
    try:
        perform_step(transfer, step, actor=actor, data=data)
    except ValidationError as exc:
        if form is None:
            for message in exc.messages:
                messages.error(request, message)
            return htmx_redirect(request, reverse("transfers:detail", args=[pk]))
        form.add_service_errors(exc)
        return transfer_detail(request, pk, bound=(step, form), status=400)
    messages.success(request, f"已{STEP_LABELS[step]}")
    return htmx_redirect(request, reverse("transfers:detail", args=[pk]))


@login_required
def transfer_letter(request, pk):
    transfer = get_for_user_or_404(Transfer.objects.select_related("member", "from_org", "to_org"), request.user, pk=pk)
    if not transfer.letter_number or transfer.kind == Kind.IN:
        raise Http404("该转接尚未开具介绍信")
    full = pii.wants_full(request)
    if full:
        pii.reveal(transfer.member.id_number, actor=Actor.from_request(request), obj=transfer.member,
                   where=f"组织关系介绍信 {transfer.letter_number}")
    content = letters.build_letter(transfer, full_id=full)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    filename = f"组织关系介绍信_{transfer.member.name}_{transfer.letter_number}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def transfer_out_new(request):
    _require_staff(request.user)
    member = _member_from_query(request)
    form = forms.TransferOutForm(request.POST or None, initial={"issued_on": timezone.localdate()})
    if member is None:  # nobody chosen yet: the page shows the search, a POST is not acted on
        return render(request, "transfers/out_new.html", {"form": form, "member": member})
    return form_action(
        request, form,
        lambda data: services.record_transfer_out(actor=Actor.from_request(request), member=member, **data),
        success=lambda t: (f"已登记{member.name}的组织关系转出，党员已移出本平台党员名册",
                           reverse("transfers:detail", args=[t.pk])),
        template="transfers/out_new.html", context={"member": member})


@login_required
def transfer_in_new(request):
    _require_staff(request.user)
    form = forms.TransferInForm(request.POST or None, user=request.user)

    def record(cleaned_data):
        data = dict(cleaned_data)
        member_data = {name: data.pop(name) for name in forms.TransferInForm.MEMBER_FIELDS}
        return services.record_transfer_in(actor=Actor.from_request(request), member_data=member_data, **data)

    return form_action(
        request, form, record,
        success=lambda t: (f"已登记{t.member.name}的组织关系转入，并编入{t.to_org.name}",
                           reverse("transfers:detail", args=[t.pk])),
        template="transfers/in_new.html")


# --- floating members ----------------------------------------------------------------------------

@login_required
def floating_list(request):
    _require_staff(request.user)
    qs = FloatingRecord.objects.for_user(request.user, "view").select_related("organization", "member")
    direction = request.GET.get("direction", "")
    if direction in ("out", "in"):
        qs = qs.filter(direction=direction)
    if request.GET.get("ended") != "1":
        qs = qs.filter(ended_on__isnull=True)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__contains=q)
    qs = qs.order_by("-since", "-id")
    today = services.today()  # the services' day (tests fix it)
    if request.GET.get("export") == "xlsx":
        full = pii.wants_full(request)
        if full:
            pii.reveal(None, actor=Actor.from_request(request), field="contact", where="流动党员导出",
                       object_type="transfers.floatingrecord", object_repr="流动党员导出", count=qs.count())
        rows = []
        for r in qs.iterator(chunk_size=200):
            warning = services.warning_for(r, today)
            rows.append([r.name, r.get_direction_display(), r.organization.name, r.home_org_name, r.place, r.since,
                         r.certificate_number, r.contact if full else r.contact_masked,
                         warning.text if warning else "", r.ended_on])
        content = write_workbook([("流动党员", ["姓名", "流动方向", "管理党组织", "原党组织", "外出地点/流出地", "开始日期",
                                            "活动证编号", "联系电话", "预警", "结束日期"], rows)],
                                 text_columns={"流动党员": {7}})
        return xlsx_response(content, f"流动党员{today:%Y%m%d}.xlsx")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(r, services.warning_for(r, today)) for r in page.object_list]
    # Members the register marks 流动党员 without an open 外出 record: listed to be registered.
    unregistered = Member.objects.none()
    if direction in ("", "out"):
        unregistered = services.flagged_without_record(
            Member.objects.for_user(request.user, "view").filter(status=MemberStatus.NORMAL))
        if q:
            unregistered = unregistered.filter(name__contains=q)
        unregistered = unregistered.select_related("organization").order_by("organization__path", "name")
    out_total = (FloatingRecord.objects.for_user(request.user, "view").filter(
        direction="out", ended_on__isnull=True).count() + unregistered.count()) if not q else None
    unregistered_rows = services.unregistered_warnings(unregistered[:200], today)
    return render(request, "transfers/floating_list.html", {
        "page": page, "rows": rows, "direction": direction, "q": q, "ended": request.GET.get("ended") == "1",
        "query": _query_without_page(request), "unregistered": [m for m, _w in unregistered_rows],
        "unregistered_rows": unregistered_rows,
        "unregistered_count": unregistered.count(), "out_total": out_total})


@login_required
def floating_new_out(request):
    return _floating_new(request, "out")


@login_required
def floating_new_in(request):
    return _floating_new(request, "in")


def _floating_new(request, direction):
    _require_staff(request.user)
    actor = Actor.from_request(request)
    if direction == "out":
        member = _member_from_query(request)
        form = forms.FloatingOutForm(request.POST or None)
    elif direction == "in":
        member = None
        form = forms.FloatingInForm(request.POST or None, user=request.user)
    else:
        raise Http404("未知的流动方向")
    context = {"member": member, "direction": direction}
    if direction == "out" and member is None:  # nobody chosen yet: the page shows the search, a POST is not acted on
        return render(request, "transfers/floating_new.html", {"form": form, **context})

    def register(data):
        if direction == "out":
            return services.register_floating_out(actor=actor, member=member, **data)
        return services.register_floating_in(actor=actor, **data)

    return form_action(
        request, form, register,
        success=lambda record: (f"已登记流动党员{record.name}", reverse("transfers:floating_detail", args=[record.pk])),
        template="transfers/floating_new.html", context=context)


@login_required
@require_POST
def floating_reveal(request, pk):
    """显示完整号码 of a floating member's contact number (county admin only; audited)."""
    record = get_for_user_or_404(FloatingRecord.objects.all(), request.user, pk=pk)
    return pii.reveal_response(request, value=record.contact, obj=record, field="contact", where="流动党员",
                               back_url=reverse("transfers:floating_detail", args=[record.pk]))


@login_required
def floating_detail(request, pk, contact_form=None, end_form=None, status=200):
    record = get_for_user_or_404(FloatingRecord.objects.select_related("organization", "member"), request.user, pk=pk)
    today = services.today()
    return render(request, "transfers/floating_detail.html", {
        "r": record, "contacts": record.contacts.select_related("recorded_by"), "warning": services.warning_for(record, today),
        "last": services.last_dates(record),
        "contact": record.contact_masked,
        "contact_form": contact_form or forms.ContactForm(initial={"on": today, "kind": "contact"}),
        "end_form": end_form or forms.EndFloatingForm(initial={"ended_on": today}),
        "can_change": services.is_staff_over(request.user, record.organization),
    }, status=status)


@login_required
@require_POST
def floating_contact(request, pk):
    record = get_for_user_or_404(FloatingRecord.objects.all(), request.user, pk=pk)
    form = forms.ContactForm(request.POST)
    if form.is_valid():
        try:
            services.log_floating_contact(record, actor=Actor.from_request(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "已记录")
            return htmx_redirect(request, reverse("transfers:floating_detail", args=[pk]))
    return floating_detail(request, pk, contact_form=form, status=400)


@login_required
@require_POST
def floating_end(request, pk):
    record = get_for_user_or_404(FloatingRecord.objects.all(), request.user, pk=pk)
    form = forms.EndFloatingForm(request.POST)
    if form.is_valid():
        try:
            services.end_floating(record, actor=Actor.from_request(request), ended_on=form.cleaned_data["ended_on"],
                                  reason=form.cleaned_data["end_reason"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"已结束{record.name}的流动登记")
            return htmx_redirect(request, reverse("transfers:floating_detail", args=[pk]))
    return floating_detail(request, pk, end_form=form, status=400)
