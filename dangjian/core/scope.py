"""The data scope: one method every view, export, statistic and download passes through.

``Model.objects.for_user(user, action)`` returns only the rows the user may see ("view") or
change ("change"). Out of scope is 404; in scope for viewing but not for changing is 403
(``get_for_user_or_403``). Each scoped model's queryset implements ``scope_filter``.

"In the subtree of" is spelled once, here: ``subtree_q(root, via)`` (a Q for querysets),
``is_in_subtree(node, root)`` (for objects already loaded), ``ScopedQuerySet.in_subtree(root)``
and ``ScopedQuerySet.in_user_subtree(user, roles)`` (the common staff rule). Nowhere else filters
on a path prefix.
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
