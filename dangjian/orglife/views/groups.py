"""Party groups (党小组)."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dangjian.core.actor import Actor
from dangjian.core.scope import get_for_user_or_403
from dangjian.core.views_helpers import flash_service_result, htmx_redirect

from .. import services
from ..forms import PartyGroupForm, apply_errors
from ..models import PartyGroup
from .common import _branch_for_create, _page, staff_required


# --- Party groups ----------------------------------------------------------------------------

@staff_required
def groups(request):
    qs = PartyGroup.objects.for_user(request.user).select_related("branch", "leader").annotate(n=Count("members")).order_by("branch__path", "name")
    if request.GET.get("q"):
        qs = qs.filter(Q(name__icontains=request.GET["q"]) | Q(branch__name__icontains=request.GET["q"]))
    return render(request, "orglife/groups.html", {"page": _page(request, qs), "filters": request.GET,
                                                   "query": request.GET.urlencode()})


@staff_required
def group_create(request):
    branch, branches = _branch_for_create(request)
    if branch is None:
        return render(request, "orglife/choose_branch.html", {"branches": branches[:500], "for_group": True})
    form = PartyGroupForm(request.POST or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_party_group(actor=Actor.from_request(request), branch=branch, **form.cleaned_data)
        except ValidationError as err:
            apply_errors(form, err)
        else:
            messages.success(request, "党小组已建立。")
            return htmx_redirect(request, reverse("orglife:groups"))
    return render(request, "orglife/group_form.html", {"form": form, "branch": branch})


@staff_required
def group_edit(request, pk):
    group = get_for_user_or_403(PartyGroup.objects.select_related("branch"), request.user, "change", pk=pk)
    form = PartyGroupForm(request.POST or None, branch=group.branch, initial={
        "name": group.name, "members": list(group.members.all()), "leader": group.leader})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_party_group(group, actor=Actor.from_request(request), **form.cleaned_data)
        except ValidationError as err:
            apply_errors(form, err)
        else:
            messages.success(request, "党小组已更新。")
            return htmx_redirect(request, reverse("orglife:groups"))
    return render(request, "orglife/group_form.html", {"form": form, "branch": group.branch, "group": group})


@staff_required
@require_POST
def group_delete(request, pk):
    group = get_for_user_or_403(PartyGroup.objects, request.user, "change", pk=pk)
    flash_service_result(
        request,
        lambda: services.delete_party_group(group, actor=Actor.from_request(request)),
        "党小组已删除。",
    )
    return htmx_redirect(request, reverse("orglife:groups"))
