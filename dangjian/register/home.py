"""The register's blocks of the home page (core.extensions.HomePanel, declared in apps.py): the
member's own card, the scope's counts and the organisation-setup warnings."""
from __future__ import annotations

import datetime

from django.db.models import Count, Q

from dangjian.core.scope import VIEW

from .models import Member, Organization
from .overview import member_counts, warnings_in_scope
from .vocab import BRANCH_TYPES, MemberStatus, OrgType

HOME_WARNING_LIMIT = 20


def member_card(user, today: datetime.date) -> dict:
    return {"member": Member.objects.for_user(user, VIEW).select_related("organization").first()}


def scope_counts(user, today: datetime.date) -> dict:
    scope = Organization.objects.for_user(user, VIEW)
    org_counts = scope.exclude(org_type=OrgType.COUNTY_COMMITTEE).aggregate(
        total=Count("id", filter=Q(is_active=True)),
        branches=Count("id", filter=Q(is_active=True, org_type__in=list(BRANCH_TYPES))))
    # Members in good standing per organisation, from the index alone; the scope's totals are
    # their sums (an organisation's members are in scope exactly when the organisation is).
    counts = member_counts(scope, today)
    total = sum(t for t, _f in counts.values())
    full = sum(f for _t, f in counts.values())
    warnings = warnings_in_scope(user, today, counts=counts)
    return {
        "org_counts": org_counts,
        "member_counts": {
            "total": total, "full": full, "probationary": total - full,
            "suspended": Member.objects.for_user(user, VIEW).filter(status=MemberStatus.SUSPENDED).count(),
        },
        "warning_orgs": warnings[:HOME_WARNING_LIMIT],
        "warning_total": len(warnings),
        "scope_org": user.organization,
    }
