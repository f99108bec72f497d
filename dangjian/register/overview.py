"""Read-side summaries of organisations: member counts, setup warnings, the tree.

Counts come from one grouped (annotated) query on the members of the organisations concerned,
never one query per organisation; subtree totals are then summed in Python along the paths.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, Q
from django.utils import timezone

from . import figures, rules
from .models import Member, Organization
from .vocab import BRANCH_TYPES, MemberStatus, OrgType

ORG_COLUMNS = ("id", "name", "path", "depth", "parent_id", "org_type", "unit_type", "term_ends_on", "is_active",
               "secretary_name", "division_id")


def member_counts(organizations, today: datetime.date) -> dict[int, tuple[int, int]]:
    """{organisation id: (members in good standing, of whom full)} for the given organisations.

    From today's kept per-organisation figures when the daily job has built them (``figures``: a few
    rows per organisation instead of every member; one statement, whether the day is built is
    not asked apart), else one grouped query on the member table that
    the (status, organization, full_on) index can answer; organisations without members are absent."""
    if today == timezone.localdate():
        found = figures.kept_good_standing_counts(organizations, today)
        if found:  # none: the day is not built (or the scope has no members, which the scan confirms)
            return found
    rows = (Member.objects.filter(status=MemberStatus.NORMAL, organization__in=organizations.values("pk"))
            .values_list("organization_id")
            .annotate(total=Count("organization_id"),
                      full=Count("organization_id", filter=Q(full_on__isnull=False, full_on__lte=today)))
            .order_by())
    return {pk: (total, full) for pk, total, full in rows}


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


def org_warnings(org, *, full: int, total: int, today: datetime.date,
                 limits: rules.SetupLimits | None = None) -> list[str]:
    if not org.is_active or org.org_type == OrgType.COUNTY_COMMITTEE:
        return []
    return rules.setup_warnings(org, full_members=full, total_members=total, today=today, limits=limits)


def build_nodes(queryset, today: datetime.date) -> dict[int, OrgNode]:
    """Nodes for every organisation of ``queryset`` (a whole subtree), linked to their children,
    with direct and subtree counts and warnings. Two queries whatever the size."""
    orgs = list(queryset.only(*ORG_COLUMNS).order_by("path"))
    counts = member_counts(queryset, today)
    nodes = {o.pk: OrgNode(org=o, direct_total=counts.get(o.pk, (0, 0))[0], direct_full=counts.get(o.pk, (0, 0))[1])
             for o in orgs}
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
    limits = rules.SetupLimits()
    for node in nodes.values():
        node.warnings = org_warnings(node.org, full=node.direct_full, total=node.direct_total, today=today,
                                     limits=limits)
    return nodes


class _SetupFacts(NamedTuple):
    """What ``org_warnings`` reads of an organisation, as a plain row (no model instance each)."""
    org_type: str
    term_ends_on: datetime.date | None
    is_active: bool


def warnings_in_scope(user, today: datetime.date, counts: dict[int, tuple[int, int]] | None = None):
    """(organisation, [warnings]) for every active organisation in the user's scope that has one, in
    path order.

    Only branches can break the member-count rules, and only organisations with a term end can
    break the term rule, so only those are looked at; ``counts`` (from ``member_counts``) may be
    passed when the caller already has them. The rules are judged on plain rows; an organisation
    becomes a model instance only when it has a warning (a county: ~90 of ~1,200)."""
    scope = Organization.objects.for_user(user, "view")
    qs = (scope.filter(is_active=True).filter(Q(org_type__in=BRANCH_TYPES) | Q(term_ends_on__isnull=False))
          .exclude(org_type=OrgType.COUNTY_COMMITTEE))
    if counts is None:
        counts = member_counts(qs, today)
    # Organization.from_db takes the loaded fields' values in the model's field order.
    columns = [f.attname for f in Organization._meta.concrete_fields if f.attname in ORG_COLUMNS]
    at = {name: i for i, name in enumerate(columns)}
    i_pk, i_type, i_term, i_active = at["id"], at["org_type"], at["term_ends_on"], at["is_active"]
    found, limits = [], rules.SetupLimits()
    for row in qs.values_list(*columns).order_by("path"):
        total, full = counts.get(row[i_pk], (0, 0))
        facts = _SetupFacts(row[i_type], row[i_term], row[i_active])
        warnings = org_warnings(facts, full=full, total=total, today=today, limits=limits)
        if warnings:
            found.append((Organization.from_db(qs.db, columns, row), warnings))
    return found
