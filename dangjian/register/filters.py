"""The member list's filters: one function turning the filter form into a scoped queryset.

The list, its page count and its Excel export all go through ``filtered_members`` so that what is
exported is exactly what is listed.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from .forms import ORDERINGS, STATUS_ALL, MemberFilterForm
from .models import Member
from .rules import add_years
from .vocab import AGE_BAND_LABELS, AGE_BANDS, COLLEGE_OR_ABOVE, MemberStatus

LIST_COLUMNS = (
    "id", "name", "sex", "ethnicity", "birth_date", "education", "occupation", "joined_on", "full_on", "status",
    "is_floating", "under_party_probation", "id_number_encrypted", "phone_encrypted",
    "organization__id", "organization__name",
)


def birth_range_for_age(lowest: int | None, highest: int | None, day: datetime.date):
    """Birth dates giving an age in [lowest, highest] (whole years) on ``day``: (after, on_or_before)."""
    latest = add_years(day, -lowest) if lowest is not None else None  # born on or before
    earliest_exclusive = add_years(day, -(highest + 1)) if highest is not None else None  # born after
    return earliest_exclusive, latest


@dataclass
class MemberFilter:
    form: MemberFilterForm
    queryset: object
    descriptions: list[str]
    today: datetime.date


def filtered_members(user, params, *, today: datetime.date | None = None) -> MemberFilter:
    today = today or timezone.localdate()
    if params:
        # No 党籍状态 chosen means 正常, and the form should say so.
        params = params.copy()
        if not params.get("status"):
            params["status"] = MemberStatus.NORMAL
    form = MemberFilterForm(params or None, user=user)
    qs = Member.objects.for_user(user, "view")
    described: list[str] = []
    if form.is_bound and not form.is_valid() and "org" in form.errors:
        # An organisation outside the user's scope (or none at all): as for any object, 404.
        raise Http404("对象不存在或不在您的管理范围内")
    # A filter with a bad value is left out; the others still apply.
    data = form.cleaned_data if form.is_bound else {}
    org = data.get("org")
    if org is not None:
        qs = qs.in_subtree(org)
        described.append(f"组织：{org.name}（含下级）")
    status = data.get("status") or MemberStatus.NORMAL
    if status != STATUS_ALL:
        qs = qs.filter(status=status)
        described.append(f"党籍状态：{status}")
    if data.get("q"):
        qs = qs.filter(name__contains=data["q"].strip())
        described.append(f"姓名含：{data['q'].strip()}")
    if data.get("sex"):
        qs = qs.filter(sex=data["sex"])
        described.append(f"性别：{data['sex']}")
    if data.get("age"):
        lo, hi = next((lo, hi) for key, lo, hi in AGE_BANDS if key == data["age"])
        after, on_or_before = birth_range_for_age(lo, hi, today)
        if after is not None:
            qs = qs.filter(birth_date__gt=after)
        if on_or_before is not None:
            qs = qs.filter(birth_date__lte=on_or_before)
        described.append(f"年龄段：{AGE_BAND_LABELS[data['age']]}（按{today:%Y-%m-%d}计算）")
    education = data.get("education")
    if education == "college":
        qs = qs.filter(education__in=COLLEGE_OR_ABOVE)
        described.append("学历：大专及以上")
    elif education:
        qs = qs.filter(education=education)
        described.append(f"学历：{education}")
    if data.get("kind") == "full":
        qs = qs.filter(full_on__isnull=False, full_on__lte=today)
        described.append("正式党员")
    elif data.get("kind") == "probationary":
        qs = qs.filter(Q(full_on__isnull=True) | Q(full_on__gt=today))
        described.append("预备党员")
    if data.get("floating") == "yes":
        qs = qs.filter(is_floating=True)
        described.append("流动党员")
    elif data.get("floating") == "no":
        qs = qs.filter(is_floating=False)
        described.append("非流动党员")
    order = data.get("order") or "org"
    qs = qs.select_related("organization").only(*LIST_COLUMNS).order_by(*ORDERINGS[order][1])
    return MemberFilter(form=form, queryset=qs, descriptions=described, today=today)
