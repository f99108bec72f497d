"""Screens of 发展党员: to-do list, candidate list, a candidate's file, recording a step or an event,
the printable file, the .docx forms, attachment downloads, and the county's list of overrides.

Views never write through the ORM: they call ``services``. Every queryset goes through
``for_user``; out of scope is 404, in scope but read-only is 403.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from dangjian.core import pii
from dangjian.core import roles
from dangjian.core.actor import Actor
from dangjian.core.excel import write_workbook, xlsx_response
from dangjian.core.files import content_disposition, file_response
from dangjian.core.scope import CHANGE, get_for_user_or_403, get_for_user_or_404
from dangjian.core.views_helpers import has_role, htmx_redirect, paginate, query_without_page, require_role

from . import docx_forms, services, todo
from .forms import ApplicationForm, AttachForm, EventForm, ListFilterForm, StepForm
from .models import Attachment, EventKind, Override, Recruitment, Status
from .steps import STAGE_LABELS, STAGE_RANGES

PAGE_SIZE = 50
# Recruitment is the branches' and committees' work: a member's account has no recruitment pages.
STAFF = roles.STAFF_ROLES
STAFF_ONLY = "发展党员工作由党支部书记、组织员和县委组织部办理，党员账号不能查看"




def _apply_errors(form, err: ValidationError) -> None:
    if hasattr(err, "message_dict"):
        for field, msgs in err.message_dict.items():
            target = field if field in form.fields else None
            for msg in msgs:
                form.add_error(target, msg)
    else:
        for msg in err.messages:
            form.add_error(None, msg)


def _record_with_override(request, form, perform, *, success, template, context):
    """The body shared by the three views whose service may refuse on a rule an organiser can set
    aside: on a refusal the form is shown again with ``refused`` set, so the page offers the
    written-reason override; any other ValidationError goes onto the form; success redirects."""
    refused = False
    if request.method == "POST" and form.is_valid():
        try:
            result = perform()
        except services.RuleRefused as err:
            refused = True
            _apply_errors(form, err)
        except ValidationError as err:
            _apply_errors(form, err)
        else:
            message, url = success(result)
            messages.success(request, message)
            return htmx_redirect(request, url)
    return render(request, template, {**context, "form": form, "refused": refused})


def _id_number(request, r: Recruitment, where: str) -> str:
    """Masked, unless ``?full=1`` from the county admin: then the full number, audited."""
    if pii.wants_full(request):
        return pii.reveal(r.id_number, actor=Actor.from_request(request), obj=r, where=where)
    return r.id_number_masked


def _page(request, items):
    return paginate(request, items, PAGE_SIZE)


_query_without_page = query_without_page


# --- 待办 --------------------------------------------------------------------------------------

@login_required
def todo_list(request):
    require_role(request.user, STAFF, STAFF_ONLY)
    today = timezone.localdate()
    items = todo.todo_for_user(request.user, today)
    counts = {k: 0 for k in todo.KINDS}
    for item in items:
        counts[item.kind] += 1
    kind = request.GET.get("kind", "")
    if kind in todo.KINDS:
        items = [i for i in items if i.kind == kind]
    if request.GET.get("export") == "xlsx":
        rows = [[i.label, i.name, i.organization, i.due, i.days_left, "逾期" if i.overdue else "", i.text] for i in items]
        content = write_workbook([("发展党员待办", ["事项", "姓名", "所在党支部", "期限", "剩余天数", "逾期", "说明"], rows)],
                                 widths={"发展党员待办": [24, 10, 28, 12, 10, 8, 60]})
        return xlsx_response(content, f"发展党员待办{today:%Y%m%d}.xlsx")
    context = {
        "page": _page(request, items), "kinds": [(k, v, counts[k]) for k, v in todo.KINDS.items()], "kind": kind,
        "overdue": sum(1 for i in items if i.overdue), "today": today, "query": _query_without_page(request),
    }
    template = "recruitment/partials/todo_table.html" if request.htmx else "recruitment/todo.html"
    return render(request, template, context)


# --- candidate list ---------------------------------------------------------------------------

def _filtered(request):
    form = ListFilterForm(request.GET or None, user=request.user)
    qs = Recruitment.objects.for_user(request.user, "view").select_related("organization")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(name__contains=data["q"].strip())
        if data["branch"]:
            qs = qs.in_subtree(data["branch"])
        stage = data["stage"]
        if stage in STAGE_RANGES:
            low, high = STAGE_RANGES[stage]
            qs = qs.filter(status=Status.OPEN, last_step__gte=low, last_step__lte=high)
        elif stage == "completed":
            qs = qs.filter(status=Status.COMPLETED)
        elif stage == "cancelled":
            qs = qs.filter(status=Status.CANCELLED)
    return form, qs.order_by("organization__path", "-applied_on", "id")


@login_required
def candidate_list(request):
    require_role(request.user, STAFF, STAFF_ONLY)
    form, qs = _filtered(request)
    if request.GET.get("export") == "xlsx":
        full = pii.wants_full(request)
        if full:
            pii.reveal(None, actor=Actor.from_request(request), field="id_number", where="发展党员名册导出",
                       object_type="recruitment.recruitment", object_repr="发展党员名册导出", count=qs.count())
        rows = ([r.name, r.sex, r.id_number if full else r.id_number_masked, r.birth_date, r.education, r.organization.name,
                 r.stage_label, r.last_step_title, r.last_step_on, r.applied_on, r.admitted_on, r.get_status_display()]
                for r in qs.iterator(chunk_size=500))
        headers = ["姓名", "性别", "公民身份号码", "出生日期", "学历", "所在党支部", "阶段", "已完成至", "最近步骤日期",
                   "递交申请日期", "支部大会通过日期", "状态"]
        content = write_workbook([("发展党员名册", headers, rows)], text_columns={"发展党员名册": {2}},
                                 widths={"发展党员名册": [10, 6, 22, 12, 10, 28, 14, 26, 14, 14, 16, 8]})
        return xlsx_response(content, "发展党员名册.xlsx")
    page = _page(request, qs)
    for r in page.object_list:
        r.shown_id = r.id_number_masked
    context = {"form": form, "page": page, "query": _query_without_page(request),
               "may_register": has_role(request.user, STAFF)}
    template = "recruitment/partials/candidate_table.html" if request.htmx else "recruitment/list.html"
    return render(request, template, context)


# --- register an application -----------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    require_role(request.user, STAFF, "您没有登记入党申请的权限")
    allowed = services.may_override(request.user)
    form = ApplicationForm(request.POST or None, request.FILES or None, user=request.user, may_override=allowed)
    return _record_with_override(
        request, form,
        lambda: services.register_application(actor=Actor.from_request(request), **form.cleaned_data),
        success=lambda r: (f"已登记{r.name}的入党申请。", reverse("recruitment:detail", args=[r.pk])),
        template="recruitment/create.html", context={"may_override": allowed},
    )


# --- a candidate's file ----------------------------------------------------------------------

def _timeline(r: Recruitment):
    steps = list(r.steps.select_related("committee").prefetch_related("contacts", "introducers", "attachments"))
    events = list(r.events.prefetch_related("attachments"))
    entries = [{"kind": "step", "date": s.date, "order": s.step * 10, "record": s} for s in steps]
    entries += [{"kind": "event", "date": e.date, "order": 0, "record": e} for e in events]
    entries.sort(key=lambda e: (e["date"], e["order"]))
    return entries


def _available_events(r: Recruitment) -> list[tuple[str, str]]:
    if r.status != Status.OPEN:
        return []
    out = []
    if 3 <= r.last_step <= 6:
        out.append(EventKind.REVIEW)
    if 7 <= r.last_step <= 11:
        out.append(EventKind.PUBLICITY)
    if r.admitted_on and 15 <= r.last_step <= 22 and not r.probation_extension_months:
        out.append(EventKind.EXTENSION)
    if r.admitted_on and 15 <= r.last_step <= 23:
        out.append(EventKind.CANCELLATION)
    if r.last_step < 15:
        out.append(EventKind.TERMINATION)
    return [(k.value, k.label) for k in out]


@login_required
def detail(request, pk):
    r = get_for_user_or_404(Recruitment.objects.select_related("organization", "member"), request.user, pk=pk)
    may_change = Recruitment.objects.for_user(request.user, CHANGE).filter(pk=r.pk).exists()
    context = {
        "r": r, "shown_id": r.id_number_masked, "timeline": _timeline(r), "may_change": may_change,
        "events": _available_events(r) if may_change else [], "forms": docx_forms.FORMS,
        "overrides": r.overrides.all(), "attach_form": AttachForm(), "today": timezone.localdate(),
        "stages": [(k, v, STAGE_RANGES[k]) for k, v in STAGE_LABELS.items()],
    }
    return render(request, "recruitment/detail.html", context)


@login_required
@require_POST
def reveal(request, pk):
    """显示完整号码 on the candidate list and file (county admin only; audited)."""
    r = get_for_user_or_404(Recruitment.objects.all(), request.user, pk=pk)
    return pii.reveal_response(request, value=r.id_number, obj=r, field="id_number", where="发展党员纪实",
                               back_url=reverse("recruitment:detail", args=[r.pk]))


@login_required
def print_view(request, pk):
    r = get_for_user_or_404(Recruitment.objects.select_related("organization", "member"), request.user, pk=pk)
    return render(request, "recruitment/print.html",
                  {"r": r, "shown_id": _id_number(request, r, "发展党员纪实打印"), "timeline": _timeline(r),
                   "printed_on": timezone.localdate()})


@login_required
@require_http_methods(["GET", "POST"])
def record_step(request, pk):
    r = get_for_user_or_403(Recruitment.objects.select_related("organization"), request.user, CHANGE, pk=pk)
    step = r.next_step
    if step is None:
        messages.info(request, "该发展党员纪实已没有待记录的步骤。")
        return htmx_redirect(request, reverse("recruitment:detail", args=[r.pk]))
    allowed = services.may_override(request.user)
    form = StepForm(request.POST or None, request.FILES or None, recruitment=r, step=step, user=request.user,
                    may_override=allowed)
    return _record_with_override(
        request, form,
        lambda: services.record_step(r, actor=Actor.from_request(request), step=step.number, **form.service_kwargs()),
        success=lambda _: (f"已记录{step.title}。", reverse("recruitment:detail", args=[r.pk])),
        template="recruitment/record_step.html", context={"r": r, "step": step, "may_override": allowed},
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_event(request, pk, kind):
    r = get_for_user_or_403(Recruitment.objects.select_related("organization"), request.user, CHANGE, pk=pk)
    if kind not in EventKind.values:
        raise Http404("没有这种事项")
    allowed = services.may_override(request.user)
    form = EventForm(request.POST or None, request.FILES or None, kind=kind, may_override=allowed)
    return _record_with_override(
        request, form,
        lambda: services.record_event(r, actor=Actor.from_request(request), kind=kind, **form.service_kwargs()),
        success=lambda _: (f"已记录{EventKind(kind).label}。", reverse("recruitment:detail", args=[r.pk])),
        template="recruitment/record_event.html", context={"r": r, "kind": EventKind(kind), "may_override": allowed},
    )


@login_required
@require_POST
def attach(request, pk):
    r = get_for_user_or_403(Recruitment.objects.select_related("organization"), request.user, CHANGE, pk=pk)
    form = AttachForm(request.POST, request.FILES)
    step_record = None
    if request.POST.get("step"):
        step_record = r.steps.filter(pk=request.POST["step"]).first()
    if form.is_valid():
        try:
            services.add_attachments(r, actor=Actor.from_request(request), files=form.cleaned_data["files"],
                                     step_record=step_record)
            messages.success(request, "附件已上传。")
        except ValidationError as err:
            for msg in err.messages:
                messages.error(request, msg)
    else:
        messages.error(request, "请选择要上传的文件。")
    return htmx_redirect(request, reverse("recruitment:detail", args=[r.pk]))


@login_required
def download(request, pk):
    a = get_for_user_or_404(Attachment.objects.select_related("recruitment"), request.user, pk=pk)
    return file_response(a.file, a.original_name, missing="附件文件已丢失，请联系管理员")


@login_required
def docx_form(request, pk, form):
    r = get_for_user_or_404(Recruitment.objects.select_related("organization", "member"), request.user, pk=pk)
    if form not in docx_forms.FORMS:
        raise Http404("没有这种表格")
    title, builder = docx_forms.FORMS[form]
    full = pii.wants_full(request)
    if full:
        pii.reveal(r.id_number, actor=Actor.from_request(request), obj=r, where=title)
    content = builder(r, show_full_id=full)
    response = HttpResponse(content, content_type=docx_forms.DOCX_MIME)
    filename = f"{r.name}{title}.docx"
    response["Content-Disposition"] = content_disposition(filename, fallback="form.docx")
    return response


# --- overrides (county list) -----------------------------------------------------------------

@login_required
def override_list(request):
    require_role(request.user, STAFF, STAFF_ONLY)
    qs = Override.objects.for_user(request.user, "view").select_related("recruitment__organization").order_by(
        "-created_at", "-id")
    if request.GET.get("export") == "xlsx":
        rows = ([o.created_at.astimezone(timezone.get_current_timezone()), o.recruitment.name,
                 o.recruitment.organization.name, o.what, "；".join(o.rules), o.reason, o.actor_name] for o in qs)
        content = write_workbook([("越过规则记录", ["时间", "姓名", "所在党支部", "步骤或事项", "未通过的规则", "书面理由", "操作人"], rows)],
                                 widths={"越过规则记录": [18, 10, 28, 22, 60, 40, 12]})
        return xlsx_response(content, "发展党员越过规则记录.xlsx")
    return render(request, "recruitment/overrides.html", {"page": _page(request, qs), "query": _query_without_page(request)})
