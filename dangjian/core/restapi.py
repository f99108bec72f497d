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
from drf_spectacular.utils import extend_schema_field
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


# --- Writes through the page's own forms ------------------------------------------------------------

def request_body(request) -> dict:
    """The JSON body as a dict; anything else (a list, a string) is refused field-less, in Chinese."""
    data = request.data
    if not isinstance(data, dict):
        raise exceptions.ValidationError({"non_field_errors": ["请求体应为 JSON 对象（字段 → 取值）"]})
    return dict(data.items()) if hasattr(data, "items") else {}


def form_errors(form) -> dict:
    """A Django form's errors as the API's 400 body: field → Chinese messages."""
    return {("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in form.errors.items()}


def bind_form(form_class, body: dict, *, partial: bool = False, **kwargs):
    """The page's form bound to an API body and validated: the same field checks, choice scopes and
    Chinese messages as the page. ``partial`` (PATCH): fields the body leaves out keep the form's
    initial values (the object's current ones). Invalid → 400 with the form's messages."""
    from django import forms

    probe = form_class(**kwargs)
    data, errors = {}, {}
    if partial:
        for name, field in probe.fields.items():
            value = probe.get_initial_for_field(field, name)
            value = getattr(value, "pk", value)
            if value is not None and value is not False:
                data[name] = value
    for name, value in body.items():
        field = probe.fields.get(name)
        many = isinstance(field, (forms.ModelMultipleChoiceField, forms.MultipleChoiceField))
        if isinstance(value, dict) or (isinstance(value, list) and not many):
            errors[name] = [f"“{field.label if field else name}”格式不正确"]
        else:
            data[name] = value
    if errors:
        raise exceptions.ValidationError(errors)
    form = form_class(data=data, **kwargs)
    if not form.is_valid():
        raise exceptions.ValidationError(form_errors(form))
    return form


class LedgerWriteMixin:
    """Create (POST) and change (PATCH) of a ledger row, as on the page: the role check, the page's
    form (``form_class(user=..., initial=...)``) bound to the body, then the app's service
    (``save(instance, values)``, which writes the audit row). ``fields``: what the service takes."""

    form_class = None
    fields: tuple = ()
    roles: tuple = ()
    roles_message = ""

    def save(self, instance, values):  # pragma: no cover - each viewset names its service
        raise NotImplementedError

    def form_kwargs(self, instance) -> dict:
        initial = {f: getattr(instance, f) for f in self.fields} if instance is not None else None
        return {"user": self.request.user, "initial": initial}

    def _write(self, request, instance=None):
        from dangjian.core.views_helpers import require_role

        if self.roles:
            require_role(request.user, self.roles, self.roles_message)
        form = bind_form(self.form_class, request_body(request), partial=instance is not None,
                         **self.form_kwargs(instance))
        return self.save(instance, {f: form.cleaned_data[f] for f in self.fields})

    def create(self, request, *args, **kwargs):
        return created(self.serializer_class, self._write(request), request)

    def partial_update(self, request, *args, **kwargs):
        instance = self.get_object()
        return Response(self.serializer_class(self._write(request, instance), context={"request": request}).data)


@extend_schema_field({"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$", "example": "09:30"})
class ClockField(serializers.TimeField):
    """A local clock time, ``HH:MM`` (JSON Schema's ``format: time`` demands a UTC offset, which a
    meeting's 09:30 does not have)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M", "%H:%M:%S"])
        super().__init__(**kwargs)
