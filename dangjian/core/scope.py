"""The data scope: one method every view, export, statistic and download passes through.

``Model.objects.for_user(user, action)`` returns only the rows the user may see ("view") or
change ("change"). Out of scope is 404; in scope for viewing but not for changing is 403
(``get_for_user_or_403``). Each scoped model's queryset implements ``scope_filter``.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404

VIEW = "view"
CHANGE = "change"
ACTIONS = (VIEW, CHANGE)


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, action: str = VIEW):
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
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
