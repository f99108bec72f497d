"""The data scope: one method every view, export, statistic and download passes through.

``Model.objects.for_user(user, action)`` returns only the rows the user may see ("view") or
change ("change"). Out of scope is 404; in scope for viewing but not for changing is 403
(``get_for_user_or_403``). Each scoped model's queryset implements ``scope_filter``.

"In the subtree of" is spelled once, here: ``subtree_q(root, via)`` (a Q for querysets),
``is_in_subtree(node, root)`` (for objects already loaded), ``subtree_ids_q(root, field, tree)`` (a
foreign key into the subtree, by the subtree's ids), ``ScopedQuerySet.in_subtree(root)`` and
``ScopedQuerySet.in_user_subtree(user, roles)`` (the common staff rule). Nowhere else filters on a
path prefix (``core/tests/test_scope_spelled_once.py`` checks).

The two common scope rules are querysets to subclass: ``OrganisationScopedQuerySet`` (rows placed by
an organisation: the subtree of the user's organisation) and ``DivisionScopedQuerySet`` (rows placed
by an administrative division: the subtree of the user's organisation's division), each with the
roles that view and the roles that change as data.
"""
from __future__ import annotations

from typing import Iterable, Optional, Union

from django.core.exceptions import PermissionDenied
from django.db import models
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import Http404

from . import roles as _roles

VIEW = "view"
CHANGE = "change"
# Named actions: a set decided on purpose, wider or narrower than view/change, each a scope rule of
# the models that support it (``ScopedQuerySet.named_actions``); an unsupported action is an error.
CHOOSE = "choose"  # what a form offers the user to pick (members, organisations): only their own
ACT_FOR = "act_for"  # organisations whose staff the user is (their branch, or the subtree above it)
DESTINATION = "destination"  # organisations a transfer may go to: the whole county, on purpose
CALENDAR = "calendar"  # a member's own branch's activities and bookings (read only)
ACTIONS = (VIEW, CHANGE)
NAMED_ACTIONS = (CHOOSE, ACT_FOR, DESTINATION, CALENDAR)


def _path(node_or_path) -> str:
    return node_or_path if isinstance(node_or_path, str) else node_or_path.path


def subtree_q(root: Union[str, object], via: str = "", path_field: str = "path") -> Q:
    """Rows whose tree node lies in ``root``'s subtree (``root`` itself included).

    ``root`` is a tree node (Organization, Division) or its path. ``via`` is the lookup from the
    queried model to the tree node: "" for a tree model itself, "organization", "member__organization",
    "base__organization" ... (one indexed prefix query on the node's path). ``path_field`` names a
    field that holds a copy of a path (the audit log's ``scope_path``).
    """
    lookup = f"{via}__{path_field}__startswith" if via else f"{path_field}__startswith"
    return Q(**{lookup: _path(root)})


def subtree_ids_q(root: Union[str, object], field: str, tree_model) -> Q:
    """Rows whose foreign key ``field`` (to ``tree_model``) points into ``root``'s subtree, with the
    subtree's ids as a subquery (a semi-join the planners do well) instead of a join of the tree table
    on a prefix: for a large table keyed by a small tree (divisions), or several such fields OR-ed."""
    return Q(**{f"{field}_id__in": tree_model._default_manager.filter(subtree_q(root)).values("pk")})


def is_in_subtree(node, root, include_self: bool = True) -> bool:
    """Whether ``node`` (a tree node or a path) lies in ``root``'s subtree (a node or a path; None: no)."""
    if node is None or root is None:
        return False
    node_path, root_path = _path(node), _path(root)
    if not node_path or not root_path:
        return False
    return node_path.startswith(root_path) and (include_self or node_path != root_path)


def user_root_path(user) -> Optional[str]:
    """The path of the user's own organisation (the root of their subtree), None when they have none."""
    organization_id = getattr(user, "organization_id", None)
    return user.organization.path if organization_id else None


def user_division_path(user) -> Optional[str]:
    """The path of the user's organisation's division (the root of the rows the user sees by division),
    None when they have no organisation. Cached on the user object."""
    if not getattr(user, "organization_id", None):
        return None
    cached = getattr(user, "_scope_division_path", None)
    if cached is None or cached[0] != user.organization_id:
        division = user.organization.division
        cached = (user.organization_id, division.path if division is not None else None)
        user._scope_division_path = cached
    return cached[1]


class ScopedQuerySet(models.QuerySet):
    #: The lookup from this model to the organisation that places it in the tree ("" for a tree model).
    subtree_field: str = "organization"
    #: The named actions (beyond view and change) this model's ``scope_filter`` decides.
    named_actions: tuple[str, ...] = ()

    def in_subtree(self, root):
        """Rows in ``root``'s subtree (a node or a path; None: no restriction)."""
        if root is None:
            return self.all()
        return self.filter(subtree_q(root, self.subtree_field))

    def in_user_subtree(self, user, roles: Iterable[str] = _roles.STAFF_ROLES):
        """The common staff rule: rows in the subtree of the user's organisation when the user's role is
        one of ``roles``; none otherwise (and none for a user without an organisation)."""
        path = user_root_path(user)
        if path is None or not _roles.has_role(user, roles):
            return self.none()
        return self.in_subtree(path)

    def for_user(self, user, action: str = VIEW):
        if action not in ACTIONS and action not in self.named_actions:
            raise ValueError(f"{self.model.__name__} has no scope rule for action {action!r}")
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.scope_filter(user, action)

    def scope_filter(self, user, action: str):  # pragma: no cover - every subclass overrides
        raise NotImplementedError


class _RoleScopedQuerySet(ScopedQuerySet):
    #: Who sees the rows of their subtree ("view"), and who may do everything else with them.
    view_roles: tuple[str, ...] = _roles.STAFF_ROLES
    change_roles: tuple[str, ...] = _roles.STAFF_ROLES

    def roles_for(self, action: str) -> tuple[str, ...]:
        return self.view_roles if action == VIEW else self.change_roles


class OrganisationScopedQuerySet(_RoleScopedQuerySet):
    """Rows placed by a Party organisation (``subtree_field``: "organization", "matter__organization"...):
    a user whose role is in ``view_roles`` sees the rows in the subtree of their organisation; one whose
    role is in ``change_roles`` changes them. Nobody else sees anything (superusers: everything)."""

    subtree_field = "organization"

    def scope_filter(self, user, action):
        return self.in_user_subtree(user, self.roles_for(action))


class DivisionScopedQuerySet(_RoleScopedQuerySet):
    """Rows placed by an administrative division (``subtree_fields``, foreign keys to the division tree;
    with several, a row is in scope when any of them is): a user whose role is in ``view_roles`` sees the
    rows in the subtree of their organisation's division (``user_division_root``), one in
    ``change_roles`` changes them. The filter uses the subtree's division ids as a subquery."""

    subtree_field = "division"
    subtree_fields: tuple[str, ...] = ()  # default: (subtree_field,)

    def _division_fields(self) -> tuple[str, ...]:
        return self.subtree_fields or (self.subtree_field,)

    def in_subtree(self, root):
        if root is None:
            return self.all()
        fields = self._division_fields()
        tree_model = self.model._meta.get_field(fields[0]).related_model
        q = Q()
        for field in fields:
            q |= subtree_ids_q(root, field, tree_model)
        return self.filter(q)

    def user_division_root(self, user) -> Optional[str]:
        """The root of the user's division scope (a path; None: nothing). Override to narrow it."""
        return user_division_path(user)

    def scope_filter(self, user, action):
        if not _roles.has_role(user, self.roles_for(action)):
            return self.none()
        root = self.user_division_root(user)
        if root is None:
            return self.none()
        return self.in_subtree(root)


def get_for_user_or_404(queryset: ScopedQuerySet, user, **lookup):
    try:
        return queryset.for_user(user, VIEW).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404("对象不存在或不在您的管理范围内") from None
    except (ValueError, TypeError, OverflowError, DjangoValidationError):
        # A lookup value from a query string that is no valid key (?branch=abc): nothing to find.
        raise Http404("对象不存在或不在您的管理范围内") from None


def get_for_user_or_403(queryset: ScopedQuerySet, user, action: str = CHANGE, **lookup):
    """The object if the user may act on it; 404 if they cannot even see it, else 403."""
    obj = get_for_user_or_404(queryset, user, **lookup)
    if action != VIEW and not queryset.for_user(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied("您没有修改该对象的权限")
    return obj


def ensure_in_scope(obj, user, action: str = CHANGE) -> None:
    """Re-check after a create or move, inside the transaction, that the result is still in scope."""
    if not type(obj)._default_manager.for_user(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied("操作结果超出您的管理范围")
