"""What every app's ``api.py`` builds its REST routes from (Django REST framework).

An app contributes routes by listing ``ROUTES: list[ApiRoute]`` in ``<app>/api.py``
(``dangjian.core.extensions.api_routes`` finds them; the ``api`` app mounts them under
``/api/v1/``). The rules of the pages hold here too:

- every queryset through ``for_user`` (``ScopedViewSetMixin``): out of scope 404, read-only 403;
- every write through the app's service function with ``actor_for(request)``; the service's Django
  ``ValidationError`` (field → Chinese messages) becomes a 400 with the same field → messages
  (``exception_handler``), its ``PermissionDenied`` a 403 with the Chinese reason;
- lists are paginated (``page``, ``page_size`` ≤ 200) and take the same filters as the pages.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dangjian.core.actor import Actor, client_address
from dangjian.core.scope import CHANGE, VIEW, get_for_user_or_403, get_for_user_or_404


def actor_for(request) -> Actor:
    """The actor of an API call: the user (an API key acts as its system's own account), via "api"."""
    return Actor(user=request.user, ip_address=client_address(request), via="api")


def _messages(error: DjangoValidationError) -> dict | list:
    if hasattr(error, "error_dict"):
        out = {}
        for key, errors in error.message_dict.items():
            out["non_field_errors" if key == "__all__" else key] = list(errors)
        return out
    return {"non_field_errors": list(error.messages)}


def exception_handler(exc, context):
    """DRF's handler, plus Django's own exceptions as the services raise them (Chinese messages)."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_messages(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or "您没有执行该操作的权限")
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "对象不存在或不在您的管理范围内")
    return drf_exception_handler(exc, context)


class ScopedViewSetMixin:
    """``queryset`` → ``Model.objects.for_user(user, VIEW)``; ``get_object`` 404 out of scope, and for
    a write (any unsafe method) 403 when the user may see but not change it."""

    scoped_model = None  # the model whose manager has for_user

    def scoped_queryset(self):
        return self.scoped_model.objects.for_user(self.request.user, VIEW)

    def get_queryset(self):
        return self.scoped_queryset()

    def get_object(self):
        lookup = {self.lookup_field: self.kwargs[self.lookup_url_kwarg or self.lookup_field]}
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            obj = get_for_user_or_404(self.get_queryset(), self.request.user, **lookup)
        else:
            obj = get_for_user_or_403(self.scoped_model.objects, self.request.user, CHANGE, **lookup)
        self.check_object_permissions(self.request, obj)
        return obj


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ChineseErrorSerializer(serializers.Serializer):
    """The shape of a 400: field → list of Chinese messages (``non_field_errors`` for the whole)."""

    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


def created(serializer_class, obj, request) -> Response:
    return Response(serializer_class(obj, context={"request": request}).data, status=201)
