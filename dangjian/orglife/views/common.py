"""Helpers shared by the pages of organisational life."""
from __future__ import annotations

import datetime

from django.http import Http404
from django.utils import timezone

from dangjian.core.roles import STAFF_ROLES, SUPERVISOR_ROLES
from dangjian.core.scope import get_for_user_or_404
from dangjian.core.views_helpers import has_role, paginate_with_filters, role_required
from dangjian.register.models import Organization
from dangjian.register.vocab import BRANCH_TYPES

from .. import rules


PAGE_SIZE = 30


staff_required = role_required(STAFF_ROLES, "组织生活由党组织书记、组织员和县委组织部使用")


def is_reviewer(user) -> bool:
    return has_role(user, SUPERVISOR_ROLES)


def _page(request, qs, size=PAGE_SIZE):
    return paginate_with_filters(request, qs, size)


def _branches(user):
    """Branches the user may record for: active 党支部/联合党支部 in the user's subtree."""
    return (Organization.objects.for_user(user, "view").filter(org_type__in=BRANCH_TYPES, is_active=True)
            .order_by("path"))


def _scope_org(request, param="org"):
    raw = request.GET.get(param) or request.POST.get(param)
    if raw:
        try:
            return get_for_user_or_404(Organization.objects, request.user, pk=int(raw))
        except ValueError:
            raise Http404("组织不存在") from None
    return request.user.organization  # None for a superuser without one: everything


def _date(raw):
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _period(request, default_months: int):
    today = timezone.localdate()
    raw = request.GET.get("period")
    if raw:
        try:
            return rules.parse_period(raw), ""
        except ValueError as err:
            return rules.period_containing(today, default_months), str(err)
    if default_months == 1:  # the last complete month
        first = today.replace(day=1) - datetime.timedelta(days=1)
        return rules.period_containing(first, 1), ""
    return rules.period_containing(today, default_months), ""


def _period_choices(today: datetime.date) -> list[tuple[str, str]]:
    out = []
    for year in (today.year, today.year - 1):
        out.append((str(year), f"{year}年全年"))
        for q in (4, 3, 2, 1):
            if datetime.date(year, 3 * q - 2, 1) <= today:
                out.append((f"{year}-Q{q}", f"{year}年第{q}季度"))
        for m in range(12, 0, -1):
            if datetime.date(year, m, 1) <= today:
                out.append((f"{year}-{m:02d}", f"{year}年{m}月"))
    return out


def _branch_for_create(request):
    branches = _branches(request.user)
    raw = request.GET.get("branch") or request.POST.get("branch")
    if raw:
        try:
            return get_for_user_or_404(branches, request.user, pk=int(raw)), branches
        except ValueError:
            raise Http404("党支部不存在") from None
    if branches.count() == 1:
        return branches.first(), branches
    return None, branches
