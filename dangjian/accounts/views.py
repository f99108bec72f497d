"""User management for the county organisation department: list, create, edit, 停用/启用, reset password."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core.actor import Actor
from dangjian.core.excel import write_workbook, xlsx_response
from dangjian.core.views_helpers import form_action

from . import services
from .forms import PasswordResetForm, UserForm, UserStatusForm
from .models import User


def _plain_redirect(request, url) -> HttpResponseRedirect:
    """These pages answer a plain 302, htmx or not (they are not htmx forms)."""
    return HttpResponseRedirect(url)


def _require_admin(user) -> None:
    if not user.is_county_admin:
        raise PermissionDenied("用户管理仅限县委组织部管理员使用")


def users_for(admin):
    """The accounts a county admin manages: those placed in their organisation's subtree."""
    return User.objects.for_user(admin, "view").select_related("organization", "member")


def _get_user(request, pk) -> User:
    _require_admin(request.user)
    try:
        return users_for(request.user).get(pk=pk)
    except User.DoesNotExist:
        raise Http404("账号不存在或不在您的管理范围内") from None


def _filtered(request):
    qs = users_for(request.user).order_by("role", "organization__path", "username")
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    active = request.GET.get("active", "")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(last_name__contains=q) | Q(first_name__contains=q)
                       | Q(organization__name__contains=q))
    if role in User.Role.values:
        qs = qs.filter(role=role)
    if active in ("yes", "no"):
        qs = qs.filter(is_active=active == "yes")
    return qs, {"q": q, "role": role, "active": active}


@login_required
@require_GET
def user_list(request):
    _require_admin(request.user)
    qs, filters = _filtered(request)
    paginator = Paginator(qs, 50)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    from .lockout import locked_usernames

    from .models import OneTimeSheet

    return render(request, "accounts/user_list.html", {
        "page": page, "total": paginator.count, "filters": filters, "roles": User.Role.choices,
        "sheets": OneTimeSheet.objects.for_user(request.user, "view"),
        "locked": locked_usernames(u.username for u in page.object_list),
        "query": query.urlencode(),
    })


@login_required
@require_GET
def user_export(request):
    _require_admin(request.user)
    qs, _ = _filtered(request)
    rows = [[u.username, u.get_full_name(), u.get_role_display(), u.organization.name if u.organization_id else "",
             u.member.name if u.member_id else "", "启用" if u.is_active else "停用",
             timezone.localtime(u.last_login) if u.last_login else None] for u in qs]
    content = write_workbook([("用户", ["用户名", "姓名", "角色", "所在党组织", "关联党员", "状态", "最近登录"], rows)],
                             widths={"用户": [16, 10, 24, 36, 10, 8, 18]})
    return xlsx_response(content, f"用户_{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    _require_admin(request.user)
    form = UserForm(request.POST if request.method == "POST" else None, admin=request.user)
    return form_action(
        request, form,
        lambda data: services.create_user(actor=Actor.from_request(request), password=data["password"],
                                          **form.service_kwargs()),
        success=lambda user: (f"已新增账号“{user.username}”（{user.get_full_name()}）", reverse("accounts:user_list")),
        template="accounts/user_form.html", context={"target": None}, redirect=_plain_redirect)


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request, pk):
    target = _get_user(request, pk)
    form = UserForm(request.POST if request.method == "POST" else None, admin=request.user, instance=target)
    return form_action(
        request, form,
        lambda data: services.update_user(target, actor=Actor.from_request(request), **form.service_kwargs()),
        success=lambda _: (f"已保存账号“{form.cleaned_data['username']}”", reverse("accounts:user_list")),
        template="accounts/user_form.html", context={"target": target}, redirect=_plain_redirect)


def _set_active(request, pk, active: bool):
    target = _get_user(request, pk)
    form = UserStatusForm(request.POST if request.method == "POST" else None)
    return form_action(
        request, form,
        lambda data: services.set_user_active(target, actor=Actor.from_request(request), active=active,
                                              reason=data["reason"]),
        success=lambda _: (f"已{'启用' if active else '停用'}账号“{target.username}”", reverse("accounts:user_list")),
        template="accounts/user_confirm.html", context={"target": target, "active": active},
        redirect=_plain_redirect)


@login_required
@require_http_methods(["GET", "POST"])
def user_deactivate(request, pk):
    return _set_active(request, pk, False)


@login_required
@require_http_methods(["GET", "POST"])
def user_activate(request, pk):
    return _set_active(request, pk, True)


@login_required
@require_http_methods(["GET", "POST"])
def user_password(request, pk):
    target = _get_user(request, pk)
    form = PasswordResetForm(request.POST if request.method == "POST" else None, user=target)
    return form_action(
        request, form,
        lambda data: services.reset_password(target, actor=Actor.from_request(request), password=data["password"]),
        success=lambda _: (f"已重置账号“{target.username}”的密码，请告知本人", reverse("accounts:user_list")),
        template="accounts/user_password.html", context={"target": target}, redirect=_plain_redirect)


@login_required
@require_POST
def user_unlock(request, pk):
    """解除锁定: clear an account's failed logins (county admin; audited)."""
    from django.contrib import messages

    from .lockout import unlock_user

    target = _get_user(request, pk)
    unlock_user(target, actor=Actor.from_request(request))
    messages.success(request, f"已解除账号“{target.username}”的登录锁定")
    return _plain_redirect(request, reverse("accounts:user_list"))


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    """修改密码: every user's own page (also where a forced change leads)."""
    from django.contrib import messages
    from django.contrib.auth import update_session_auth_hash
    from django.core.exceptions import ValidationError

    from .forms import OwnPasswordForm

    form = OwnPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.change_own_password(request.user, actor=Actor.from_request(request),
                                                old_password=form.cleaned_data["old_password"],
                                                password=form.cleaned_data["password"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改")
            return _plain_redirect(request, reverse("core:home"))
    return render(request, "accounts/password_change.html",
                  {"form": form, "forced": request.user.must_change_password})


@login_required
@require_http_methods(["GET", "POST"])
def bulk_register(request):
    """批量开通书记账号: the plan (who gets an account, who has one, who lacks a phone or ID number), then
    one POST opens them all (issue 14); the one-time passwords wait on the user list for one download."""
    from django.contrib import messages

    from . import bulk

    _require_admin(request.user)
    if request.method == "POST":
        result = bulk.create_register_accounts(actor=Actor.from_request(request))
        if result.created:
            messages.success(request, f"已开通{len(result.created)}个书记账号。请立即下载初始密码表（只能下载一次），"
                                      "分发给本人；首次登录须修改密码")
        else:
            messages.info(request, "没有需要开通的账号")
        return _plain_redirect(request, reverse("accounts:user_list"))
    plan = bulk.plan_register_accounts(request.user)
    counts = {key: sum(1 for c in plan if c.status == key) for key in bulk.STATUS_LABELS}
    show = request.GET.get("status", "")
    rows = [c for c in plan if not show or c.status == show]
    return render(request, "accounts/bulk_register.html", {
        "rows": rows, "counts": counts, "labels": bulk.STATUS_LABELS, "show": show, "total": len(plan)})


@login_required
@require_POST
def sheet_download(request, pk):
    """The one-time password sheet, once (POST: a link prefetcher cannot take it); then it is gone."""
    from .onetime import take_sheet

    _require_admin(request.user)
    sheet, content = take_sheet(pk, actor=Actor.from_request(request))
    return xlsx_response(content, f"初始密码_{timezone.localtime(sheet.created_at):%Y%m%d%H%M}.xlsx")
