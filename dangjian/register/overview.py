"""Read-side summaries of organisations: member counts, setup warnings, the tree.

Counts come from one annotated query over the organisations concerned (never one query per
organisation); subtree totals are then summed in Python along the materialised paths.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from . import rules
from .models import Organization
from .vocab import BRANCH_TYPES, MemberStatus, OrgType

ORG_COLUMNS = ("id", "name", "path", "depth", "parent_id", "org_type", "unit_type", "term_ends_on", "is_active",
               "secretary_name", "division_id")


def with_member_counts(queryset, today: datetime.date):
    """Annotate each organisation with its own members in good standing: direct_total, direct_full."""
    normal = Q(members__status=MemberStatus.NORMAL)
    return queryset.annotate(
        direct_total=Count("members", filter=normal),
        direct_full=Count("members", filter=normal & Q(members__full_on__isnull=False, members__full_on__lte=today)),
    )


@dataclass
class OrgNode:
    org: Organization
    direct_total: int = 0
    direct_full: int = 0
    subtree_total: int = 0
    subtree_full: int = 0
    warnings: list[str] = field(default_factory=list)
    children: list["OrgNode"] = field(default_factory=list)
    child_count: int = 0
    expanded: bool = False

    @property
    def subtree_probationary(self) -> int:
        return self.subtree_total - self.subtree_full

    @property
    def direct_probationary(self) -> int:
        return self.direct_total - self.direct_full


def org_warnings(org, *, full: int, total: int, today: datetime.date) -> list[str]:
    if not org.is_active or org.org_type == OrgType.COUNTY_COMMITTEE:
        return []
    return rules.setup_warnings(org, full_members=full, total_members=total, today=today)


def build_nodes(queryset, today: datetime.date) -> dict[int, OrgNode]:
    """Nodes for every organisation of ``queryset`` (a whole subtree), linked to their children,
    with direct and subtree counts and warnings. Two queries whatever the size."""
    orgs = list(with_member_counts(queryset.only(*ORG_COLUMNS).order_by("path"), today))
    nodes = {o.pk: OrgNode(org=o, direct_total=o.direct_total, direct_full=o.direct_full) for o in orgs}
    # Children in path order; subtree sums bottom-up (deepest first).
    for o in orgs:
        parent = nodes.get(o.parent_id)
        if parent is not None:
            parent.children.append(nodes[o.pk])
            parent.child_count += 1
    for o in sorted(orgs, key=lambda o: -o.depth):
        node = nodes[o.pk]
        node.subtree_total += node.direct_total
        node.subtree_full += node.direct_full
        parent = nodes.get(o.parent_id)
        if parent is not None:
            parent.subtree_total += node.subtree_total
            parent.subtree_full += node.subtree_full
    for node in nodes.values():
        node.warnings = org_warnings(node.org, full=node.direct_full, total=node.direct_total, today=today)
    return nodes


def child_counts(parent_ids) -> dict[int, int]:
    rows = (Organization.objects.filter(parent_id__in=parent_ids).values("parent_id")
            .annotate(n=Count("id")).order_by())
    return {r["parent_id"]: r["n"] for r in rows}


def warnings_in_scope(user, today: datetime.date, *, limit: int | None = None):
    """(organisation, [warnings]) for every active organisation in the user's scope that has one.

    Only branches can break the member-count rules, and only organisations with a term end can
    break the term rule, so only those are counted (one annotated query)."""
    qs = (Organization.objects.for_user(user, "view").filter(is_active=True)
          .filter(Q(org_type__in=BRANCH_TYPES) | Q(term_ends_on__isnull=False))
          .exclude(org_type=OrgType.COUNTY_COMMITTEE))
    found = []
    for org in with_member_counts(qs.only(*ORG_COLUMNS).order_by("path"), today):
        warnings = org_warnings(org, full=org.direct_full, total=org.direct_total, today=today)
        if warnings:
            found.append((org, warnings))
    return found
