"""Pages of the register: the organisation tree and pages, divisions, the member list and pages.

Every queryset goes through ``for_user``: out of scope is 404, visible but not changeable is 403.
Views never write through the ORM; they call ``register.services``.
"""
from __future__ import annotations

import itertools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core import roles
from dangjian.core import audit
from dangjian.core.actor import Actor
from dangjian.core import pii
from dangjian.core.crypto import mask_id_number, mask_phone
from dangjian.core.excel import write_workbook, xlsx_response
from dangjian.core.forms import pinyin_initials
from dangjian.core.models import AuditLog
from dangjian.core.scope import CHANGE, VIEW, get_for_user_or_403, get_for_user_or_404
from dangjian.core.views_helpers import EstimatedCountPaginator, form_action

from . import services
from .filters import filtered_members
from .forms import (
    DivisionForm, MemberForm, MemberMoveForm, OrganizationForm, OrganizationMoveForm, ReasonForm,
    member_org_choices, org_choices_for_change,
)
from .models import Division, Member, Organization
from .overview import build_nodes
from .tables import member_rows
from .vocab import MemberStatus, OrgType

PAGE_SIZE = 50
FULL_TREE_LIMIT = 300  # up to this many organisations in scope, the tree is shown whole


# --- Who may do what -------------------------------------------------------------------------

def require_staff(user) -> None:
    """Lists are for the organisation department, township committees and branch secretaries; a
    member sees their own record (from the home page), so the lists answer 403 to them."""
    if not roles.is_staff(user):
        raise PermissionDenied("该页面供组织部门、党（工）委和党支部使用；党员可在首页查看本人信息")


def require_county_admin(user) -> None:
    if not user.is_county_admin:
        raise PermissionDenied("该页面仅限县委组织部管理员使用")


def can_change_org(user, org) -> bool:
    return Organization.objects.for_user(user, CHANGE).filter(pk=org.pk).exists()


def can_change_member(user, member) -> bool:
    return Member.objects.for_user(user, CHANGE).filter(pk=member.pk).exists()


def may_view_history(user) -> bool:
    return roles.is_staff(user)


def history_url(obj) -> str:
    return f"{reverse('core:audit_log')}?object_type={obj._meta.label_lower}&object_id={obj.pk}"


# --- Organisation tree -----------------------------------------------------------------------

def _scope_roots(user):
    if user.organization_id:
        return Organization.objects.filter(pk=user.organization_id)
    return Organization.objects.for_user(user, VIEW).filter(depth=1)  # a superuser without an organisation


def _lazy(node, depth_shown: int):
    """Keep children down to ``depth_shown`` levels below ``node``; deeper ones load on demand."""
    node.expanded = depth_shown > 0
    if depth_shown <= 0:
        node.children = []
        return
    for child in node.children:
        _lazy(child, depth_shown - 1)


@login_required
@require_GET
def org_tree(request):
    require_staff(request.user)
    today = timezone.localdate()
    scope = Organization.objects.for_user(request.user, VIEW)
    query = request.GET.get("q", "").strip()
    nodes = build_nodes(scope, today)
    if query:
        matches = [n for n in nodes.values() if query in n.org.name]
        names = {n.org.pk: n.org.name for n in nodes.values()}
        for n in matches:
            n.parent_name = names.get(n.org.parent_id, "")
        context = {"query": query, "matches": matches[:200], "match_count": len(matches)}
        template = "register/partials/org_search.html" if request.htmx else "register/org_tree.html"
        return render(request, template, context)
    roots = [nodes[o.pk] for o in _scope_roots(request.user) if o.pk in nodes]
    whole = len(nodes) <= FULL_TREE_LIMIT
    if whole:
        for node in nodes.values():
            node.expanded = True
    else:
        for root in roots:
            _lazy(root, 1)
    context = {"roots": roots, "whole": whole, "org_count": len(nodes),
               "warning_count": sum(1 for n in nodes.values() if n.warnings),
               "can_create": org_choices_for_change(request.user).exists()}
    return render(request, "register/org_tree.html", context)


#: How many organisations the searchable filters' option search answers with at most.
ORG_OPTIONS_LIMIT = 50


@login_required
@require_GET
def org_options(request):
    """The organisations in the user's scope whose name contains ``q``, as JSON for a searchable
    select (``data-options-url``): the member list's organisation filter of a city or a province does
    not render its tens of thousands of options, it asks for the few a typed name matches (issue 15)."""
    require_staff(request.user)
    query = (request.GET.get("q") or "").strip()[:50]
    qs = Organization.objects.for_user(request.user, VIEW).order_by("path")
    rows = qs.values_list("pk", "name", "is_active")
    if query and query.isascii() and query.isalpha():
        # Letters may be pinyin initials ("dhjd" → 大河街道, as in every searchable choice): matched on
        # the names in scope (initials cached per name), as well as letters inside a name.
        letters = query.lower()
        rows = itertools.islice((r for r in rows.iterator() if letters in pinyin_initials(r[1]) or query in r[1]),
                                ORG_OPTIONS_LIMIT)
    else:
        rows = (rows.filter(name__contains=query) if query else rows)[:ORG_OPTIONS_LIMIT]
    # Each result carries its initials, so the box's own filter (searchField text + initials) keeps it.
    results = [{"value": str(pk), "text": name + ("" if active else "（已停用）"), "initials": pinyin_initials(name)}
               for pk, name, active in rows]
    return JsonResponse({"results": results})


@login_required
@require_GET
def org_children(request, pk):
    """The children of one organisation (htmx: expanding a node of the tree)."""
    require_staff(request.user)
    org = get_for_user_or_404(Organization.objects.all(), request.user, pk=pk)
    nodes = build_nodes(Organization.objects.for_user(request.user, VIEW).subtree(org), timezone.localdate())
    node = nodes[org.pk]
    _lazy(node, 1)
    return render(request, "register/partials/org_children.html", {"nodes": node.children})


@login_required
@require_GET
def org_export(request):
    """The organisations of the user's scope, with member counts and setup warnings, as .xlsx."""
    require_staff(request.user)
    today = timezone.localdate()
    nodes = build_nodes(Organization.objects.for_user(request.user, VIEW).select_related("division"), today)
    names = {n.org.pk: n.org.name for n in nodes.values()}
    division_names = dict(Division.objects.filter(pk__in={n.org.division_id for n in nodes.values()})
                          .values_list("pk", "name"))
    rows = [[n.org.name, n.org.org_type, n.org.unit_type, names.get(n.org.parent_id, ""),
             division_names.get(n.org.division_id, ""), n.org.secretary_name, n.org.term_ends_on,
             "正常" if n.org.is_active else "已停用", n.direct_total, n.subtree_total, n.subtree_full,
             n.subtree_probationary, "；".join(n.warnings)] for n in nodes.values()]
    headers = ["组织名称", "组织类别", "单位类别", "上级党组织", "所在行政区划", "书记", "本届届满日期", "状态",
               "本组织党员", "含下级党员", "正式党员（含下级）", "预备党员（含下级）", "设置提示"]
    content = write_workbook([("党组织", headers, rows)], widths={"党组织": [36, 10, 12, 30, 16, 10, 14, 8, 10, 12, 14, 14, 60]})
    return xlsx_response(content, f"党组织_{today:%Y%m%d}.xlsx")


# --- Organisation pages ----------------------------------------------------------------------

@login_required
@require_GET
def org_detail(request, pk):
    user = request.user
    org = get_for_user_or_404(Organization.objects.select_related("division", "parent"), user, pk=pk)
    today = timezone.localdate()
    nodes = build_nodes(Organization.objects.subtree(org), today)
    node = nodes[org.pk]
    suspended = Member.objects.in_subtree(org).filter(status=MemberStatus.SUSPENDED).count()
    staff = roles.is_staff(user)
    context = {
        "org": org, "node": node, "children": node.children, "suspended": suspended, "staff": staff,
        "parent_visible": org.parent_id and Organization.objects.for_user(user, VIEW).filter(pk=org.parent_id).exists(),
        "can_change": can_change_org(user, org),
        "can_add_member": org.is_active and org.org_type != OrgType.COUNTY_COMMITTEE
        and member_org_choices(user).filter(pk=org.pk).exists(),
        "history_url": history_url(org) if may_view_history(user) else "",
        "members_url": f"{reverse('register:member_list')}?org={org.pk}" if staff else "",
    }
    return render(request, "register/org_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def org_create(request):
    user = request.user
    if not org_choices_for_change(user).exists():
        raise PermissionDenied("您没有新增党组织的权限")
    parent = None
    if request.GET.get("parent", "").isdigit():
        parent = get_for_user_or_403(Organization.objects.all(), user, pk=int(request.GET["parent"]))
    form = OrganizationForm(request.POST if request.method == "POST" else None, user=user, parent=parent)
    return form_action(
        request, form,
        lambda data: services.create_organization(actor=Actor.from_request(request), parent=data["parent"],
                                                  **form.service_fields()),
        success=lambda org: (f"已新增党组织“{org.name}”", reverse("register:org_detail", args=[org.pk])),
        template="register/org_form.html", context={"org": None, "parent": parent})


@login_required
@require_http_methods(["GET", "POST"])
def org_edit(request, pk):
    org = get_for_user_or_403(Organization.objects.select_related("parent"), request.user, pk=pk)
    form = OrganizationForm(request.POST if request.method == "POST" else None, user=request.user, instance=org)
    return form_action(
        request, form,
        lambda data: services.update_organization(org, actor=Actor.from_request(request), **form.service_fields()),
        success=lambda _: (f"已保存“{form.cleaned_data['name']}”的修改", reverse("register:org_detail", args=[org.pk])),
        template="register/org_form.html", context={"org": org})


@login_required
@require_http_methods(["GET", "POST"])
def org_move(request, pk):
    org = get_for_user_or_403(Organization.objects.select_related("parent"), request.user, pk=pk)
    if org.parent_id is None:
        raise PermissionDenied("县委是根组织，不能调整隶属关系")
    form = OrganizationMoveForm(request.POST if request.method == "POST" else None, user=request.user, org=org)
    return form_action(
        request, form,
        lambda data: services.move_organization(org, actor=Actor.from_request(request), new_parent=data["new_parent"]),
        success=lambda _: (f"已将“{org.name}”调整到“{form.cleaned_data['new_parent'].name}”之下",
                           reverse("register:org_detail", args=[org.pk])),
        template="register/org_move.html", context={"org": org})


def _org_set_active(request, pk, active: bool):
    org = get_for_user_or_403(Organization.objects.all(), request.user, pk=pk)
    form = ReasonForm(request.POST if request.method == "POST" else None, reason_required=not active)
    # The service works on its own fresh row, so ``org`` (and this context) is the same before and after it.
    return form_action(
        request, form,
        lambda data: services.set_organization_active(org, actor=Actor.from_request(request), active=active,
                                                      reason=data["reason"]),
        success=lambda _: (f"已{'恢复' if active else '停用'}“{org.name}”", reverse("register:org_detail", args=[org.pk])),
        template="register/org_confirm.html", context={
            "org": org, "action": "restore" if active else "suspend",
            "title": f"恢复党组织“{org.name}”" if active else f"停用党组织“{org.name}”",
            "button": "确认恢复" if active else "确认停用",
            "already": org.is_active == active,
        })


@login_required
@require_http_methods(["GET", "POST"])
def org_suspend(request, pk):
    return _org_set_active(request, pk, active=False)


@login_required
@require_http_methods(["GET", "POST"])
def org_restore(request, pk):
    return _org_set_active(request, pk, active=True)


@login_required
@require_http_methods(["GET", "POST"])
def org_delete(request, pk):
    org = get_for_user_or_403(Organization.objects.select_related("parent"), request.user, pk=pk)
    form = ReasonForm(request.POST if request.method == "POST" else None, reason_required=False)

    def deleted(_):
        parent = org.parent
        url = (reverse("register:org_detail", args=[parent.pk])
               if parent and Organization.objects.for_user(request.user, VIEW).filter(pk=parent.pk).exists()
               else reverse("register:org_tree"))
        return f"已删除党组织“{org.name}”", url

    return form_action(
        request, form, lambda data: services.delete_organization(org, actor=Actor.from_request(request)),
        success=deleted, template="register/org_confirm.html",
        context={"org": org, "action": "delete", "title": f"删除党组织“{org.name}”", "button": "确认删除"})


# --- Divisions -------------------------------------------------------------------------------

def _division_rows(user, query: str = ""):
    qs = Division.objects.for_user(user, VIEW).annotate(org_count=Count("organizations")).order_by("path")
    if query:
        qs = qs.filter(name__contains=query)
    rows = list(qs)
    top = min((d.depth for d in rows), default=1)
    for d in rows:
        d.indent = d.depth - top
    return rows


@login_required
@require_GET
def division_list(request):
    require_county_admin(request.user)
    query = request.GET.get("q", "").strip()
    rows = _division_rows(request.user, query)
    return render(request, "register/division_list.html", {"rows": rows, "query": query})


@login_required
@require_GET
def division_export(request):
    require_county_admin(request.user)
    rows = _division_rows(request.user)
    names = {d.pk: d.name for d in rows}
    content = write_workbook([("行政区划", ["名称", "类别", "上级区划", "党组织数"],
                               [[d.name, d.category, names.get(d.parent_id, ""), d.org_count] for d in rows])],
                             widths={"行政区划": [24, 12, 24, 10]})
    return xlsx_response(content, f"行政区划_{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def division_create(request):
    require_county_admin(request.user)
    initial = {}
    if request.GET.get("parent", "").isdigit():
        parent = get_for_user_or_403(Division.objects.all(), request.user, pk=int(request.GET["parent"]))
        initial["parent"] = parent.pk
    form = DivisionForm(request.POST if request.method == "POST" else None, user=request.user, initial=initial)
    return form_action(
        request, form,
        lambda data: services.create_division(actor=Actor.from_request(request), name=data["name"],
                                              category=data["category"], parent=data["parent"]),
        success=lambda division: (f"已新增行政区划“{division.name}”", reverse("register:division_list")),
        template="register/division_form.html", context={"division": None})


@login_required
@require_http_methods(["GET", "POST"])
def division_edit(request, pk):
    require_county_admin(request.user)
    division = get_for_user_or_403(Division.objects.all(), request.user, pk=pk)
    form = DivisionForm(request.POST if request.method == "POST" else None, user=request.user, instance=division)
    return form_action(
        request, form,
        lambda data: services.update_division(division, actor=Actor.from_request(request), name=data["name"],
                                              category=data["category"], parent=data["parent"]),
        success=lambda _: (f"已保存行政区划“{form.cleaned_data['name']}”", reverse("register:division_list")),
        template="register/division_form.html", context={"division": division})


# --- Member list and export ------------------------------------------------------------------

def _page_numbers(page):
    """1 … 4 5 [6] 7 8 … 20: the numbers of the pager, None for a gap."""
    current = page.number
    last = max(page.paginator.num_pages, current)  # past an estimated count's last page (core.views_helpers)
    # Kept within 1..last by comparison, not by a set of every page (20,000 of them for a city).
    shown = sorted(n for n in {1, 2, last - 1, last, *range(current - 2, current + 3)} if 1 <= n <= last)
    out, previous = [], 0
    for n in shown:
        if n - previous > 1:
            out.append(None)
        out.append(n)
        previous = n
    return out


@login_required
@require_GET
def member_list(request):
    require_staff(request.user)
    result = filtered_members(request.user, request.GET)
    paginator = EstimatedCountPaginator(result.queryset, PAGE_SIZE)  # 约 N beyond a threshold (issue 15)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": result, "form": result.form, "page": page, "page_numbers": _page_numbers(page),
        "query": query.urlencode(), "total": paginator.count, "total_estimated": paginator.estimated,
        "rows": member_rows(page.object_list, today=result.today),
        # Asked by the full page only (the 新增党员 button), not by the htmx results: called by the template.
        "can_add": lambda: member_org_choices(request.user).exists(),
        "today": result.today,
    }
    template = "register/partials/member_results.html" if request.htmx else "register/member_list.html"
    return render(request, template, context)


@login_required
@require_GET
def member_export(request):
    """The filtered list as .xlsx, numbers masked unless the user may see them whole; audited."""
    require_staff(request.user)
    user = request.user
    result = filtered_members(user, request.GET)
    full = pii.wants_full(request)
    count = result.queryset.count()

    def rows():
        for m in result.queryset.iterator(chunk_size=2000):
            id_number, phone = m.id_number, m.phone
            yield [m.name, m.sex, m.ethnicity, id_number if full else mask_id_number(id_number), m.birth_date,
                   m.education, m.occupation, m.organization.name, m.joined_on, m.full_on, m.status,
                   phone if full else mask_phone(phone), "是" if m.is_floating else "否"]

    headers = ["姓名", "性别", "民族", "公民身份号码", "出生日期", "学历", "人员类别", "所在党组织", "入党日期",
               "转正日期", "党籍状态", "手机号码", "是否流动党员"]
    content = write_workbook([("党员", headers, rows())], text_columns={"党员": {3, 11}},
                             widths={"党员": [10, 6, 8, 22, 12, 12, 16, 36, 12, 12, 10, 14, 12]})
    actor = Actor.from_request(request)
    audit.record(
        actor=actor, action=AuditLog.Action.EXPORTED, object_type="register.member",
        object_repr=f"党员名册导出（{count}人）", scope_path=user.scope_path or "",
        changes={}, note=("完整号码" if full else "号码已遮蔽") + "；筛选：" + ("；".join(result.descriptions) or "无"),
    )
    if full:
        pii.reveal(None, actor=actor, field="id_number", where="党员名册导出", object_type="register.member",
                   object_repr=f"党员名册导出（{count}人）", scope_path=user.scope_path or "", count=count)
    response = xlsx_response(content, f"党员名册_{result.today:%Y%m%d}.xlsx")
    response.audited = True  # the row above is more specific than the middleware's
    return response


# --- Member pages ----------------------------------------------------------------------------

@login_required
@require_GET
def member_detail(request, pk):
    user = request.user
    member = get_for_user_or_404(Member.objects.select_related("organization"), user, pk=pk)
    today = timezone.localdate()
    from .rules import age_on

    context = {
        "member": member, "today": today, "age": age_on(member.birth_date, today),
        "is_full": member.is_full_on(today),
        "can_change": can_change_member(user, member) and not roles.is_member(user),
        "may_reveal": user.may_view_full_pii,
        "org_visible": Organization.objects.for_user(user, VIEW).filter(pk=member.organization_id).exists(),
        "history_url": history_url(member) if may_view_history(user) else "",
        "staff": roles.is_staff(user),
    }
    return render(request, "register/member_detail.html", context)


@login_required
@require_POST
def member_reveal(request, pk):
    """The whole ID or phone number, for the organisation department only; every reveal is audited."""
    member = get_for_user_or_404(Member.objects.select_related("organization"), request.user, pk=pk)
    if not request.user.may_view_full_pii:
        raise PermissionDenied("仅县委组织部管理员可以查看完整号码")
    field = request.POST.get("field", "id_number")
    if field not in ("id_number", "phone"):
        field = "id_number"
    value = services.reveal_member_pii(member, actor=Actor.from_request(request), field=field)
    html = format_html('<span class="font-monospace fw-bold" id="pii-{}">{}</span>', field, value or "（未登记）")
    if request.htmx:
        return HttpResponse(html)
    return render(request, "register/member_reveal.html", {"member": member, "value": value, "field": field})


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request):
    user = request.user
    require_staff(user)
    choices = member_org_choices(user)
    if not choices.exists():
        raise PermissionDenied("您的管理范围内没有可以编入党员的党组织")
    organization = None
    if request.GET.get("org", "").isdigit():
        organization = get_for_user_or_404(Organization.objects.all(), user, pk=int(request.GET["org"]))
        if not choices.filter(pk=organization.pk).exists():
            raise PermissionDenied("不能在该党组织中新增党员")
    form = MemberForm(request.POST if request.method == "POST" else None, user=user, organization=organization)
    return form_action(
        request, form, lambda data: services.create_member(actor=Actor.from_request(request), **form.service_data()),
        success=lambda member: (f"已新增党员“{member.name}”", reverse("register:member_detail", args=[member.pk])),
        template="register/member_form.html", context={"member": None})


def _member_for_change(request, pk):
    member = get_for_user_or_403(Member.objects.select_related("organization"), request.user, pk=pk)
    require_staff(request.user)
    return member


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member = _member_for_change(request, pk)
    form = MemberForm(request.POST if request.method == "POST" else None, user=request.user, instance=member)
    return form_action(
        request, form,
        lambda data: services.update_member(member, actor=Actor.from_request(request),
                                            **form.service_data(include_numbers=False)),
        success=lambda _: (f"已保存党员“{form.cleaned_data['name']}”的修改",
                           reverse("register:member_detail", args=[member.pk])),
        template="register/member_form.html", context={"member": member})


@login_required
@require_http_methods(["GET", "POST"])
def member_move(request, pk):
    member = _member_for_change(request, pk)
    form = MemberMoveForm(request.POST if request.method == "POST" else None, user=request.user, member=member)
    return form_action(
        request, form,
        lambda data: services.move_member(member, actor=Actor.from_request(request),
                                          organization=data["organization"], reason=data["reason"]),
        success=lambda _: (f"已将“{member.name}”调整到“{form.cleaned_data['organization'].name}”",
                           reverse("register:member_detail", args=[member.pk])),
        template="register/member_move.html", context={"member": member})


def _member_set_status(request, pk, status: str):
    member = _member_for_change(request, pk)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    suspend = status == MemberStatus.SUSPENDED
    # The service works on its own fresh row, so ``member`` (and this context) is the same before and after it.
    return form_action(
        request, form,
        lambda data: services.set_member_status(member, actor=Actor.from_request(request), status=status,
                                                reason=data["reason"]),
        success=lambda _: (f"“{member.name}”的党籍状态已改为“{status}”",
                           reverse("register:member_detail", args=[member.pk])),
        template="register/member_confirm.html", context={
            "member": member, "suspend": suspend,
            "title": f"{'停止' if suspend else '恢复'}“{member.name}”的党籍",
            "button": "确认停止党籍" if suspend else "确认恢复党籍",
            "already": member.status == status,
        })


@login_required
@require_http_methods(["GET", "POST"])
def member_suspend(request, pk):
    return _member_set_status(request, pk, MemberStatus.SUSPENDED)


@login_required
@require_http_methods(["GET", "POST"])
def member_restore(request, pk):
    return _member_set_status(request, pk, MemberStatus.NORMAL)
