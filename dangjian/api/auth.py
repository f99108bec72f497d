"""API key authentication, read/write enforcement, rate limits and the use log."""
from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions, throttling

from dangjian.core.actor import client_address

from .models import PREFIX_LENGTH, ApiKey, ApiKeyUse

HEADER_PREFIX = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """``Authorization: Api-Key djk_<prefix>_<secret>`` (or the header ``X-Api-Key``)."""

    def authenticate(self, request):
        raw = request.META.get("HTTP_X_API_KEY", "")
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not raw and header.startswith(HEADER_PREFIX + " "):
            raw = header[len(HEADER_PREFIX) + 1:].strip()
        if not raw:
            return None
        parts = raw.split("_")
        if len(parts) < 3 or parts[0] != "djk" or len(parts[1]) != PREFIX_LENGTH:
            raise exceptions.AuthenticationFailed("接口密钥格式不正确")
        key = ApiKey.objects.select_related("user", "user__organization").filter(prefix=parts[1]).first()
        if key is None or not key.matches(raw):
            raise exceptions.AuthenticationFailed("接口密钥无效")
        if key.revoked_at:
            raise exceptions.AuthenticationFailed("接口密钥已被吊销")
        if key.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed("接口密钥已过期，请联系县委组织部重新签发")
        # The use log (middleware) and the audit trail name the key's system.
        request._request.dangjian_api_key = key
        return key.user, key

    def authenticate_header(self, request):
        return HEADER_PREFIX


class KeyAccess(permissions.BasePermission):
    """A read-only key may not write; a session user is judged by the views' own scope checks."""

    message = "该接口密钥只读，不能修改数据"

    def has_permission(self, request, view):
        key = request.auth if isinstance(request.auth, ApiKey) else None
        if key is None or request.method in permissions.SAFE_METHODS:
            return True
        return key.access == ApiKey.Access.WRITE


class KeyRateThrottle(throttling.SimpleRateThrottle):
    """Per key: ``DANGJIAN_API_KEY_RATE`` (default 120/min). Session users: ``DANGJIAN_API_USER_RATE``."""

    scope = "api_key"

    def get_rate(self):
        return settings.DANGJIAN_API_KEY_RATE

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class UserRateThrottle(throttling.UserRateThrottle):
    def get_rate(self):
        return settings.DANGJIAN_API_USER_RATE

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            return None
        return super().get_cache_key(request, view)


class ApiKeyUseMiddleware:
    """Writes one ``ApiKeyUse`` row for every request a key authenticated (whatever the answer)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "dangjian_api_key", None)
        if key is not None:
            now = timezone.now()
            ApiKeyUse.objects.create(key=key, key_name=key.name, method=request.method[:8],
                                     path=request.get_full_path()[:300], status=response.status_code,
                                     ip_address=client_address(request))
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return response


try:
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class ApiKeyScheme(OpenApiAuthenticationExtension):
        target_class = "dangjian.api.auth.ApiKeyAuthentication"
        name = "ApiKey"

        def get_security_definition(self, auto_schema):
            return {"type": "apiKey", "in": "header", "name": "Authorization",
                    "description": "Api-Key <密钥>（县委组织部在“接口密钥”页面签发）"}
except ImportError:  # pragma: no cover
    pass
