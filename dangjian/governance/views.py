"""Pages of governance. Every queryset goes through ``for_user``; every write through a service.

- 议事事项: the list (stalled first), opening a matter, its page with the steps and the next step's
  form, attachments, the 公开 notice (.docx);
- the public page of a village or community (no login): its published resolutions and results;
- 纠纷调处 (overdue flag, rate beside the previous period), 服务目录, 便民服务 (代办, overdue flag, counts,
  average days), 四风案件 (the discipline office's register).
"""
from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dangjian.core import excel
from dangjian.core.actor import Actor
from dangjian.core.files import content_disposition, file_response
from dangjian.core.rules import get_setting
from dangjian.core.scope import get_for_user_or_403, get_for_user_or_404
from dangjian.core.views_helpers import (
    flash_service_result, form_action, htmx_redirect, paginate_with_filters, require_role, role_required, with_filters,
)
from dangjian.register.models import Division, Organization
from dangjian.register.vocab import VILLAGE_LEVEL

from . import notices, rules, services
from .forms import CaseForm, DateForm, DisputeForm, ItemForm, MatterForm, RequestForm, StepForm, UploadForm
from .models import (
    CASE_ROLES, STAFF_ROLES, Dispute, FourWindsCase, Matter, MatterStep, ProcedureTemplate, ServiceItem,
    ServiceRequest, StepAttachment, role_of,
)
from .statistics import dispute_counts_in
from .vocab import (
    CaseCategory, DisputeCategory, DisputeResult, MatterCategory, MatterStatus, ServiceLevel, StepKind,
)

PAGE_SIZE = 30



staff_required = role_required(STAFF_ROLES, "村（社区）治理台账由书记、组织员和县委组织部使用")
case_roles_required = role_required(CASE_ROLES, "四风案件由纪检监察部门和县委组织部管理员使用")


def _page(request, qs):
    return paginate_with_filters(request, qs, PAGE_SIZE)


def _date(raw):
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _xlsx(title, headers, rows, filename):
    return excel.xlsx_response(excel.write_workbook([(title, headers, rows)]), filename)


def _actor(request):
    return Actor.from_request(request)


# --- Matters ------------------------------------------------------------------------------------

def _matters(request):
    today = timezone.localdate()
    cutoff = today - datetime.timedelta(days=get_setting("governance.stalled_days"))
    qs = Matter.objects.for_user(request.user).select_related("organization").annotate(
        stalled=Case(When(status=MatterStatus.OPEN, last_step_on__lt=cutoff, then=Value(1)), default=Value(0),
                     output_field=IntegerField()))
    g = request.GET
    if g.get("status") in MatterStatus.values:
        qs = qs.filter(status=g["status"])
    if g.get("status") == "stalled":
        qs = qs.filter(stalled=1)
    if g.get("category") in MatterCategory.values:
        qs = qs.filter(category=g["category"])
    if g.get("q"):
        qs = qs.filter(Q(name__icontains=g["q"]) | Q(organization__name__icontains=g["q"]))
    if _date(g.get("from")):
        qs = qs.filter(last_step_on__gte=_date(g["from"]))
    if _date(g.get("to")):
        qs = qs.filter(last_step_on__lte=_date(g["to"]))
    # Stalled matters first: the township organiser sees what needs pushing before the rest.
    return qs.order_by("-stalled", "-last_step_on", "-id")


@staff_required
@require_GET
def matters(request):
    qs = _matters(request)
    if request.GET.get("export") == "xlsx":
        rows = ([m.organization.name, m.name, m.category, m.origin, m.procedure.label, m.get_status_display(),
                 "是" if m.stalled else "否", m.opened_on, m.procedure.step(m.steps_done).label, m.last_step_on,
                 m.decided_on] for m in qs.iterator(chunk_size=2000))
        return _xlsx("议事事项", ["所在党组织", "事项名称", "事项类别", "提议来源", "议事程序", "状态", "停滞", "第一步日期",
                                "最近步骤", "最近步骤日期", "结果公开日期"], rows, "议事事项.xlsx")
    return render(request, "governance/matters.html", {
        "page": _page(request, qs), "filters": request.GET, "statuses": MatterStatus.choices,
        "categories": MatterCategory.values, "query": request.GET.urlencode(),
        "stalled_days": get_setting("governance.stalled_days"), "template": services.active_procedure(),
    })


@staff_required
def matter_create(request):
    form = MatterForm(request.POST or None, user=request.user)
    return form_action(
        request, form,
        lambda d: services.open_matter(actor=_actor(request), **d),
        success=lambda m: (f"已登记议事事项“{m.name}”", reverse("governance:matter_detail", args=[m.pk])),
        template="governance/matter_form.html", context={"template": services.active_procedure()},
    )


def _matter_context(request, matter, form=None):
    numbers = services.allowed_step_numbers(matter)
    may_change = Matter.objects.for_user(request.user, "change").filter(pk=matter.pk).exists()
    if form is None and numbers:
        form = StepForm(matter=matter, numbers=numbers, initial={"date": timezone.localdate()})
    steps = list(matter.steps.prefetch_related("attachments"))
    done = {s.number for s in steps}
    plan = [{"spec": spec, "number": i + 1, "step": next((s for s in steps if s.number == i + 1), None),
             "skipped": (i + 1) not in done and (i + 1) < matter.steps_done}
            for i, spec in enumerate(matter.procedure.steps)]
    return {"matter": matter, "plan": plan, "form": form if numbers and may_change else None,
            "may_change": may_change, "upload_form": UploadForm()}


@staff_required
@require_GET
def matter_detail(request, pk):
    matter = get_for_user_or_404(Matter.objects.select_related("organization__division"), request.user, pk=pk)
    return render(request, "governance/matter_detail.html", _matter_context(request, matter))


@staff_required
@require_POST
def step_create(request, pk):
    matter = get_for_user_or_403(Matter.objects.select_related("organization__division"), request.user, pk=pk)
    numbers = services.allowed_step_numbers(matter)
    form = StepForm(request.POST, matter=matter, numbers=numbers or [matter.steps_done + 1])
    if form.is_valid():
        try:
            step = services.record_step(matter, actor=_actor(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"已登记“{step.label}”" + ("，表决未通过，事项终止" if step.passed is False else ""))
            return htmx_redirect(request, reverse("governance:matter_detail", args=[matter.pk]))
    return render(request, "governance/matter_detail.html", _matter_context(request, matter, form), status=200)


@staff_required
@require_POST
def step_attach(request, pk):
    step = get_for_user_or_403(MatterStep.objects.select_related("matter"), request.user, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "附件：请选择要上传的文件")
    else:
        flash_service_result(request, lambda: services.attach_to_step(step, actor=_actor(request), upload=upload),
                             f"已上传附件“{upload.name}”")
    return htmx_redirect(request, reverse("governance:matter_detail", args=[step.matter_id]))


@staff_required
@require_GET
def attachment_download(request, pk):
    att = get_for_user_or_404(StepAttachment.objects, request.user, pk=pk)
    return file_response(att.file, att.original_name, content_type=att.content_type)


@staff_required
@require_GET
def step_notice(request, pk):
    step = get_for_user_or_404(MatterStep.objects.select_related("matter__organization__division"), request.user, pk=pk)
    if not step.is_publication:
        raise Http404("只有公开步骤有公开栏通知")
    response = HttpResponse(notices.build_notice(step),
                            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = content_disposition(f"{step.matter.name}-{step.label}.docx", fallback="notice.docx")
    return response


# --- Procedure templates (the county admin) --------------------------------------------------------------

county_admin_required = role_required(("county_admin",), "议事程序模板由县委组织部管理员维护")
BLANK_ROWS = 2  # empty rows under a template's steps, for adding steps


def _template_rows(steps: list[dict]) -> list[dict]:
    rows = [dict(d, delete=False) for d in steps]
    return rows + [{"order": "", "kind": "", "label": "", "meets": "", "quorum_rule": "none", "vote_rule": "none",
                    "mergeable": False, "delete": False} for _ in range(BLANK_ROWS)]


def _posted_steps(post) -> tuple[list[dict], list[dict]]:
    """(the steps to save, every row as typed) from the edit page: a row marked 删除 or left empty is left out."""
    try:
        count = min(int(post.get("rows", 0)), 60)
    except ValueError:
        count = 0
    steps, rows = [], []
    for i in range(count):
        raw_order = (post.get(f"s{i}-order") or "").strip()
        try:
            order = int(raw_order)
        except ValueError:
            order = raw_order or None
        row = {"order": order if order is not None else "", "kind": (post.get(f"s{i}-kind") or "").strip(),
               "label": (post.get(f"s{i}-label") or "").strip(), "meets": (post.get(f"s{i}-meets") or "").strip(),
               "quorum_rule": post.get(f"s{i}-quorum_rule") or "none", "vote_rule": post.get(f"s{i}-vote_rule") or "none",
               "mergeable": post.get(f"s{i}-mergeable") == "on", "delete": post.get(f"s{i}-delete") == "on"}
        rows.append(row)
        if row["delete"] or not (row["kind"] or row["label"]):
            continue
        steps.append({k: v for k, v in row.items() if k != "delete"} | {"order": order})
    return steps, rows


def _template_page_context(tpl, rows, errors=None, name="", description=""):
    errors = errors or {}
    for row in rows:
        row["errors"] = errors.get(f"step{row['order']}", []) if row["order"] != "" else []
    return {"tpl": tpl, "rows": rows, "errors": errors, "name": name, "description": description,
            "kinds": StepKind.values, "quorum_rules": [(k, v[0]) for k, v in rules.QUORUM_RULES.items()],
            "vote_rules": [(k, v[0]) for k, v in rules.VOTE_RULES.items()],
            "active_name": rules.active_template_name(),
            "in_use": Matter.objects.filter(template=tpl.name).count() if tpl else 0}


@county_admin_required
@require_GET
def templates(request):
    items = list(ProcedureTemplate.objects.for_user(request.user).prefetch_related("steps"))
    counts = dict(Matter.objects.values_list("template").annotate(n=Count("id")).order_by())
    for t in items:
        t.procedure_view = t.procedure()
        t.matter_count = counts.get(t.name, 0)
    return render(request, "governance/templates.html", {"templates": items, "active_name": rules.active_template_name()})


@county_admin_required
def template_edit(request, pk):
    tpl = get_for_user_or_404(ProcedureTemplate.objects.prefetch_related("steps"), request.user, pk=pk)
    if request.method != "POST":
        return render(request, "governance/template_edit.html",
                      _template_page_context(tpl, _template_rows(tpl.steps_data()), name=tpl.name,
                                             description=tpl.description))
    steps, rows = _posted_steps(request.POST)
    name, description = request.POST.get("name", ""), request.POST.get("description", "")
    try:
        services.save_template(tpl, actor=_actor(request), name=name, description=description, steps=steps)
    except ValidationError as exc:
        errors = exc.message_dict
        messages.error(request, "模板未保存：" + "；".join(m for msgs in errors.values() for m in msgs))
        return render(request, "governance/template_edit.html",
                      _template_page_context(tpl, rows, errors, name, description))
    messages.success(request, f"已保存议事程序模板“{name.strip()}”：此后按该模板新建的事项按新的步骤办理，已登记的事项不变")
    return htmx_redirect(request, reverse("governance:templates"))


@county_admin_required
@require_POST
def template_copy(request, pk):
    tpl = get_for_user_or_403(ProcedureTemplate.objects.prefetch_related("steps"), request.user, pk=pk)
    name = (request.POST.get("name") or "").strip() or f"{tpl.name}（副本）"
    try:
        copy = services.copy_template(tpl, actor=_actor(request), name=name)
    except ValidationError as exc:
        messages.error(request, "复制未完成：" + "；".join(exc.messages))
        return htmx_redirect(request, reverse("governance:templates"))
    messages.success(request, f"已复制为“{copy.name}”，可在下面修改其步骤")
    return htmx_redirect(request, reverse("governance:template_edit", args=[copy.pk]))


@county_admin_required
@require_POST
def template_activate(request, pk):
    tpl = get_for_user_or_403(ProcedureTemplate.objects, request.user, pk=pk)
    flash_service_result(request, lambda: services.activate_template(tpl, actor=_actor(request)),
                         f"此后新建的议事事项按“{tpl.name}”办理（已登记的事项不变）")
    return htmx_redirect(request, reverse("governance:templates"))


# --- The public page (no login) ----------------------------------------------------------------------

def _published_divisions():
    ids = (MatterStep.objects.filter(is_publication=True)
           .values_list("matter__organization__division", flat=True).distinct())
    return Division.objects.filter(pk__in=ids, category__in=VILLAGE_LEVEL).select_related("parent").order_by("path")


@require_GET
def public(request):
    """村（居）务公开: the published resolutions and results of one village or community, newest
    first, without login and without anything personal (no names, no accounts, no counts of people
    beyond the votes). Without ``?d=`` the list of villages and communities that have published."""
    raw = request.GET.get("d")
    if not raw:
        return render(request, "governance/public_index.html", {"divisions": _published_divisions()})
    try:
        division = Division.objects.select_related("parent").get(pk=int(raw), category__in=VILLAGE_LEVEL)
    except (ValueError, Division.DoesNotExist):
        raise Http404("没有这个村（社区）的公开栏") from None
    steps = (MatterStep.objects.filter(is_publication=True, matter__organization__division=division)
             .select_related("matter").order_by("-date", "-id"))
    return render(request, "governance/public.html", {"division": division, "page": _page(request, steps)})


# --- Disputes ---------------------------------------------------------------------------------------

def _period(request):
    today = timezone.localdate()
    date_from = _date(request.GET.get("from")) or datetime.date(today.year, 1, 1)
    date_to = _date(request.GET.get("to")) or today
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    return date_from, date_to


@staff_required
@require_GET
def disputes(request):
    today = timezone.localdate()
    days = get_setting("governance.dispute_overdue_days")
    base = Dispute.objects.for_user(request.user)
    date_from, date_to = _period(request)
    qs = base.filter(accepted_on__gte=date_from, accepted_on__lte=date_to).select_related("division")
    g = request.GET
    if g.get("category") in DisputeCategory.values:
        qs = qs.filter(category=g["category"])
    if g.get("result") in DisputeResult.values:
        qs = qs.filter(result=g["result"])
    elif g.get("result") == "open":
        qs = qs.filter(result="")
    elif g.get("result") == "overdue":
        qs = qs.filter(result="", accepted_on__lt=today - datetime.timedelta(days=days))
    if g.get("q"):
        qs = qs.filter(Q(case_no__icontains=g["q"]) | Q(division__name__icontains=g["q"]))
    if g.get("export") == "xlsx":
        rows = ([d.case_no, d.division.name, d.category, d.accepted_on, d.mediator, d.result or "调处中",
                 d.transferred_to, d.closed_on, "是" if rules.dispute_overdue(d.accepted_on, d.result, today) else "否"]
                for d in qs.iterator(chunk_size=2000))
        return _xlsx("纠纷调处", ["案件编号", "所在行政区划", "纠纷类别", "受理日期", "调解员", "调处结果", "移交单位", "办结日期",
                                "超期"], rows, "纠纷调处.xlsx")
    accepted, resolved = dispute_counts_in(base, date_from, date_to)
    prev_from, prev_to = rules.previous_period(date_from, date_to)
    prev_accepted, prev_resolved = dispute_counts_in(base, prev_from, prev_to)
    page = _page(request, qs)
    for d in page:
        d.overdue = rules.dispute_overdue(d.accepted_on, d.result, today)
    return render(request, "governance/disputes.html", {
        "page": page, "filters": g, "categories": DisputeCategory.values, "results": DisputeResult.values,
        "date_from": date_from, "date_to": date_to, "overdue_days": days,
        "overdue_total": base.filter(result="", accepted_on__lt=today - datetime.timedelta(days=days)).count(),
        "rate": {"accepted": accepted, "resolved": resolved, "rate": rules.rate(resolved, accepted),
                 "prev_from": prev_from, "prev_to": prev_to, "prev_accepted": prev_accepted,
                 "prev_resolved": prev_resolved, "prev_rate": rules.rate(prev_resolved, prev_accepted),
                 "change": rules.rate_change((resolved, accepted), (prev_resolved, prev_accepted))},
    })


def _dispute_values(d):
    return {k: d[k] for k in services.DISPUTE_FIELDS}


@staff_required
def dispute_create(request):
    form = DisputeForm(request.POST or None, user=request.user)
    return form_action(request, form, lambda d: services.save_dispute(actor=_actor(request), **_dispute_values(d)),
                       success=lambda o: (f"已登记纠纷“{o.case_no}”", reverse("governance:disputes")),
                       template="governance/form.html", context={"title": "登记纠纷", "back": reverse("governance:disputes")})


@staff_required
def dispute_edit(request, pk):
    obj = get_for_user_or_403(Dispute.objects, request.user, pk=pk)
    initial = {f: getattr(obj, f) for f in services.DISPUTE_FIELDS}
    form = DisputeForm(request.POST or None, user=request.user, initial=initial)
    return form_action(request, form,
                       lambda d: services.save_dispute(obj, actor=_actor(request), **_dispute_values(d)),
                       success=lambda o: (f"已保存纠纷“{o.case_no}”", reverse("governance:disputes")),
                       template="governance/form.html",
                       context={"title": f"纠纷 {obj.case_no}：登记调处结果", "back": reverse("governance:disputes")})


# --- The catalogue ---------------------------------------------------------------------------------------

def catalogue_groups(day):
    """[(服务大类, [items in use on day by level])], for the catalogue page and the members' portal."""
    groups: dict[str, list] = {}
    for item in ServiceItem.objects.in_use_on(day).order_by("category", "level", "name"):
        groups.setdefault(item.category, []).append(item)
    return sorted(groups.items())


@login_required
@require_GET
def catalogue(request):
    """The county's catalogue: every signed-in user (members on the phone too) reads the items in use;
    the county admin sees every item and keeps them."""
    today = timezone.localdate()
    is_admin = request.user.is_county_admin
    if request.GET.get("export") == "xlsx":
        rows = ([s.category, s.name, s.level, s.starts_on, s.stops_on, "是" if s.in_use_on(today) else "否"]
                for s in ServiceItem.objects.for_user(request.user).order_by("category", "name"))
        return _xlsx("服务目录", ["服务大类", "服务事项", "提供层级", "启用日期", "停用日期", "在用"], rows, "服务目录.xlsx")
    groups = catalogue_groups(today)
    context = {"groups": groups, "is_admin": is_admin, "today": today,
               "item_total": sum(len(items) for _, items in groups)}
    if is_admin:
        qs = ServiceItem.objects.for_user(request.user).order_by("category", "name")
        if request.GET.get("q"):
            qs = qs.filter(Q(name__icontains=request.GET["q"]) | Q(category__icontains=request.GET["q"]))
        context["page"] = _page(request, qs)
        context["filters"] = request.GET
    template = "governance/partials/catalogue_list.html" if request.htmx else "governance/catalogue.html"
    return render(request, template, context)


def _item_values(d):
    return {k: d[k] for k in services.ITEM_FIELDS}


@login_required
def item_create(request):
    require_role(request.user, ("county_admin",), "服务目录由县委组织部管理员维护")
    form = ItemForm(request.POST or None)
    return form_action(request, form, lambda d: services.save_item(actor=_actor(request), **_item_values(d)),
                       success=lambda o: (f"已加入服务事项“{o.name}”", reverse("governance:catalogue")),
                       template="governance/form.html", context={"title": "新增服务事项", "back": reverse("governance:catalogue")})


@login_required
def item_edit(request, pk):
    obj = get_for_user_or_403(ServiceItem.objects, request.user, pk=pk)
    form = ItemForm(request.POST or None, initial={f: getattr(obj, f) for f in services.ITEM_FIELDS})
    return form_action(request, form, lambda d: services.save_item(obj, actor=_actor(request), **_item_values(d)),
                       success=lambda o: (f"已保存服务事项“{o.name}”", reverse("governance:catalogue")),
                       template="governance/form.html", context={"title": f"服务事项“{obj.name}”", "back": reverse("governance:catalogue")})


# --- Service requests ----------------------------------------------------------------------------------------

@staff_required
@require_GET
def requests_view(request):
    today = timezone.localdate()
    days = get_setting("governance.service_overdue_days")
    date_from, date_to = _period(request)
    base = ServiceRequest.objects.for_user(request.user)
    qs = base.filter(accepted_on__gte=date_from, accepted_on__lte=date_to)
    g = request.GET
    if g.get("level") in ServiceLevel.values:
        qs = qs.filter(level=g["level"])
    if g.get("item"):
        qs = qs.filter(item__name=g["item"])
    if g.get("centre"):
        qs = qs.filter(Q(division__name=g["centre"]) | Q(handled_division__name=g["centre"]))
    if g.get("state") == "open":
        qs = qs.filter(closed_on__isnull=True)
    elif g.get("state") == "overdue":
        qs = qs.filter(closed_on__isnull=True, accepted_on__lt=today - datetime.timedelta(days=days))
    elif g.get("state") == "handed_up":
        qs = qs.filter(handed_up_on__isnull=False)
    if g.get("q"):
        qs = qs.filter(number__icontains=g["q"])
    qs = qs.select_related("division", "item", "handled_division")
    if g.get("export") == "xlsx":
        rows = ([r.number, r.level, r.division.name, r.item.name, r.item.category, r.accepted_on, r.closed_on,
                 r.handled_level, r.handled_division.name, r.handed_up_on,
                 "是" if rules.overdue(r.accepted_on, r.closed_on, today, days) else "否"]
                for r in qs.iterator(chunk_size=2000))
        return _xlsx("便民服务", ["受理编号", "受理层级", "所在行政区划", "服务事项", "服务大类", "受理日期", "办结日期", "办理层级",
                                "办理中心", "代办上交日期", "超期"], rows, "便民服务.xlsx")
    summary = _request_summary(qs)
    page = paginate_counted(request, qs.order_by("-accepted_on", "-id"), summary["total"])
    for r in page:
        r.overdue = rules.overdue(r.accepted_on, r.closed_on, today, days)
    return render(request, "governance/requests.html", {
        "page": page, "filters": g, "levels": ServiceLevel.values, "date_from": date_from, "date_to": date_to,
        "overdue_days": days, "date_form": DateForm(initial={"date": today}), **summary,
    })


def _request_summary(qs) -> dict:
    """Counts by level, item and centre, closed and average days, from ONE grouped pass over the
    (accepted_on, level, division, days_to_close) index plus the item (no joins; names looked up after)."""
    rows = list(qs.order_by().values_list("level", "item_id", "division_id")
                .annotate(n=Count("id"), closed=Count("days_to_close"), days=Sum("days_to_close")))
    levels: dict[str, int] = {}
    items: dict[int, int] = {}
    centres: dict[tuple, int] = {}
    closed = days = 0
    for level, item_id, division_id, n, c, d in rows:
        levels[level] = levels.get(level, 0) + n
        items[item_id] = items.get(item_id, 0) + n
        centres[(division_id, level)] = centres.get((division_id, level), 0) + n
        closed, days = closed + c, days + (d or 0)
    top_items = sorted(items.items(), key=lambda kv: -kv[1])[:15]
    top_centres = sorted(centres.items(), key=lambda kv: -kv[1])[:15]
    item_names = dict(ServiceItem.objects.filter(pk__in=[k for k, _ in top_items]).values_list("pk", "name"))
    centre_names = dict(Division.objects.filter(pk__in=[k[0] for k, _ in top_centres]).values_list("pk", "name"))
    return {
        "total": sum(levels.values()),
        "by_level": [{"level": lv, "n": levels[lv]} for lv in ServiceLevel.values if lv in levels],
        "by_item": [{"name": item_names.get(k, ""), "n": n} for k, n in top_items],
        "by_centre": [{"name": f"{centre_names.get(k[0], '')}（{k[1]}）", "n": n} for k, n in top_centres],
        "closed_total": closed, "average_days": round(days / closed, 1) if closed else None,
    }


def paginate_counted(request, qs, count: int):
    """A page of ``qs`` whose total is already known (no second COUNT over the same rows)."""
    from django.core.paginator import Paginator

    paginator = Paginator(qs, PAGE_SIZE)
    paginator.__dict__["count"] = count  # Paginator.count is a cached_property
    return with_filters(request, paginator.get_page(request.GET.get("page")))


@staff_required
def request_create(request):
    form = RequestForm(request.POST or None, user=request.user)
    return form_action(request, form, lambda d: services.register_request(actor=_actor(request), **d),
                       success=lambda o: (f"已受理“{o.number}”", reverse("governance:requests")),
                       template="governance/form.html", context={"title": "受理便民服务", "back": reverse("governance:requests")})


@staff_required
@require_POST
def request_close(request, pk):
    obj = get_for_user_or_403(ServiceRequest.objects, request.user, pk=pk)
    day = _date(request.POST.get("date"))
    flash_service_result(request, lambda: services.close_request(obj, actor=_actor(request), closed_on=day),
                         f"“{obj.number}”已办结")
    return htmx_redirect(request, request.POST.get("next") or reverse("governance:requests"))


@staff_required
@require_POST
def request_hand_up(request, pk):
    obj = get_for_user_or_403(ServiceRequest.objects, request.user, pk=pk)
    day = _date(request.POST.get("date"))
    flash_service_result(request, lambda: services.hand_up_request(obj, actor=_actor(request), date=day),
                         f"“{obj.number}”已上交上一级服务中心代办（编号不变）")
    return htmx_redirect(request, request.POST.get("next") or reverse("governance:requests"))


# --- 四风 cases ----------------------------------------------------------------------------------------------

@case_roles_required
@require_GET
def cases(request):
    qs = FourWindsCase.objects.for_user(request.user).select_related("division")
    g = request.GET
    if g.get("category") in CaseCategory.values:
        qs = qs.filter(category=g["category"])
    if g.get("state") == "open":
        qs = qs.filter(concluded_on__isnull=True)
    elif g.get("state") == "concluded":
        qs = qs.filter(concluded_on__isnull=False)
    if _date(g.get("from")):
        qs = qs.filter(opened_on__gte=_date(g["from"]))
    if _date(g.get("to")):
        qs = qs.filter(opened_on__lte=_date(g["to"]))
    if g.get("q"):
        qs = qs.filter(Q(case_no__icontains=g["q"]) | Q(division__name__icontains=g["q"]))
    if g.get("export") == "xlsx":
        rows = ([c.case_no, c.division.name, c.category, c.opened_on, c.concluded_on] for c in qs.iterator(chunk_size=2000))
        return _xlsx("四风案件", ["案件编号", "所在行政区划", "案件类别", "立案日期", "结案日期"], rows, "四风案件.xlsx")
    by_category = dict(qs.order_by().values_list("category").annotate(n=Count("id")))
    return render(request, "governance/cases.html", {
        "page": _page(request, qs), "filters": g, "categories": CaseCategory.values,
        "by_category": [(c, by_category.get(c, 0)) for c in CaseCategory.values],
    })


def _case_values(d):
    return {k: d[k] for k in services.CASE_FIELDS}


@case_roles_required
def case_create(request):
    form = CaseForm(request.POST or None, user=request.user)
    return form_action(request, form, lambda d: services.save_case(actor=_actor(request), **_case_values(d)),
                       success=lambda o: (f"已登记案件“{o.case_no}”", reverse("governance:cases")),
                       template="governance/form.html", context={"title": "登记四风案件", "back": reverse("governance:cases")})


@case_roles_required
def case_edit(request, pk):
    obj = get_for_user_or_403(FourWindsCase.objects, request.user, pk=pk)
    form = CaseForm(request.POST or None, user=request.user, initial={f: getattr(obj, f) for f in services.CASE_FIELDS})
    return form_action(request, form, lambda d: services.save_case(obj, actor=_actor(request), **_case_values(d)),
                       success=lambda o: (f"已保存案件“{o.case_no}”", reverse("governance:cases")),
                       template="governance/form.html", context={"title": f"案件 {obj.case_no}", "back": reverse("governance:cases")})
