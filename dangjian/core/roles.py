"""The role policy: the roles, the sets of roles that act together, and how to ask a user's role.

This is the one place the role names are spelled. Models (``accounts.User.Role``), scope rules,
views, menus and shortcuts import the names and sets from here:

    from dangjian.core import roles
    roles.STAFF_ROLES                 # county admin, township organiser, branch secretary
    roles.has_role(user, roles.SUPERVISOR_ROLES)
    roles.role_of(user)               # a superuser counts as the county administrator

A superuser is treated as the county administrator everywhere (``role_of``, ``has_role``).
"""
from __future__ import annotations

from typing import Iterable

COUNTY_ADMIN = "county_admin"
ORGANISER = "organiser"
SECRETARY = "secretary"
MEMBER = "member"
#: The discipline office (纪检监察, issue 9): sees and keeps only the 四风 register (dangjian.governance)
#: in its division subtree; no other page, list or export.
DISCIPLINE = "discipline"

#: (value, label) in the order the user admin lists them; ``accounts.User.Role`` is built from these.
ROLE_CHOICES = (
    (COUNTY_ADMIN, "县委组织部管理员"),
    (ORGANISER, "乡镇（街道）党（工）委组织员"),
    (SECRETARY, "党支部书记"),
    (MEMBER, "党员"),
    (DISCIPLINE, "纪检监察（四风案件）"),
)
ROLE_LABELS = dict(ROLE_CHOICES)

ALL_ROLES = (COUNTY_ADMIN, ORGANISER, SECRETARY, MEMBER, DISCIPLINE)
#: Those who work on organisations' behalf (every staff page, list and export).
STAFF_ROLES = (COUNTY_ADMIN, ORGANISER, SECRETARY)
#: Those above a branch: the county department and the township (street) committees' organisers.
#: They review, approve, import and override; a secretary does not.
SUPERVISOR_ROLES = (COUNTY_ADMIN, ORGANISER)
#: Staff below the county: they read the audit history of single objects in their subtree.
LOCAL_STAFF_ROLES = (ORGANISER, SECRETARY)
COUNTY_ROLES = (COUNTY_ADMIN,)
MEMBER_ROLES = (MEMBER,)
DISCIPLINE_ROLES = (DISCIPLINE,)


def role_of(user) -> str:
    """The user's role; a superuser is the county administrator; "" for no or an anonymous user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return COUNTY_ADMIN if user.is_superuser else (getattr(user, "role", "") or "")


def has_role(user, roles: Iterable[str]) -> bool:
    """A superuser, or a user whose role is one of ``roles``."""
    if user is None:
        return False
    return bool(user.is_superuser) or getattr(user, "role", "") in tuple(roles)


def is_county_admin(user) -> bool:
    return has_role(user, COUNTY_ROLES)


def is_supervisor(user) -> bool:
    """County administrator or township organiser."""
    return has_role(user, SUPERVISOR_ROLES)


def is_staff(user) -> bool:
    """County administrator, township organiser or branch secretary."""
    return has_role(user, STAFF_ROLES)


def is_member(user) -> bool:
    """A member's own account (never a superuser)."""
    return user is not None and not user.is_superuser and getattr(user, "role", "") == MEMBER


def flags(user) -> dict[str, bool]:
    """The role questions templates ask, answered here once. Every template has them as ``role_is``
    (``core.context_processors.navigation``): ``{% if role_is.supervisor %}`` rather than comparing
    role names in the template."""
    return {
        "county_admin": is_county_admin(user),
        "supervisor": is_supervisor(user),
        "staff": is_staff(user),
        "member": is_member(user),
        "discipline": has_role(user, DISCIPLINE_ROLES),
    }
