from django.http import Http404


class SuperuserOnlyAdminMiddleware:
    """The Django admin is for the superuser only; everyone else gets a plain 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/") and request.user.is_authenticated and not request.user.is_superuser:
            raise Http404("页面不存在")
        return self.get_response(request)


EXPORT_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)


class AuditExportsMiddleware:
    """Every export leaves an ``exported`` audit row: any successful answer that carries an .xlsx or
    .docx file (``core.exports.record_export``). This is the one place exports are logged, so a new
    export cannot forget it; a view that already wrote a more specific row sets ``response.audited``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Streaming answers are stored attachments (a user's own uploaded file), not exports.
        if (response.status_code == 200 and not response.streaming
                and response.get("Content-Type", "").startswith(EXPORT_TYPES)
                and not getattr(response, "audited", False) and getattr(request, "user", None) is not None
                and request.user.is_authenticated):
            from .exports import record_export

            record_export(request, response)
        return response


class RejectHostileParametersMiddleware:
    """Bad parameters are a 400, never a 500.

    - A NUL character in the query string or path is refused before any view runs: no database
      stores it (PostgreSQL refuses it with an error), no search needs it. Form fields refuse it
      themselves (Django's ProhibitNullCharactersValidator).
    - A reading request (GET/HEAD) whose view fails on a parameter it could not convert (a value
      error, a number too large for the database, a database data error) answers 400 with a Chinese
      message, as the net under every list's own parameter checks.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def process_exception(self, request, exception):
        from django.core.exceptions import ValidationError
        from django.db import DataError

        if request.method not in ("GET", "HEAD") or not request.GET:
            return None
        if isinstance(exception, (ValueError, OverflowError, ValidationError, DataError)):
            import logging

            from django.shortcuts import render

            logging.getLogger(__name__).warning("bad parameter %s?%s: %r", request.path,
                                                request.META.get("QUERY_STRING", "")[:200], exception)
            return render(request, "400.html", {"message": "请求参数不正确，请检查筛选条件后重试"}, status=400)
        return None

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or any("\x00" in v for v in values)
                                           for key, values in request.GET.lists()):
            from django.http import HttpResponseBadRequest

            return HttpResponseBadRequest("请求参数中含有不允许的字符（NUL），请检查后重试".encode(),
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class SessionSecurityMiddleware:
    """等保 2.0 session rules, after authentication:

    - idle timeout: a session unused for ``DANGJIAN_IDLE_MINUTES`` is logged out (the next request goes
      to the login page with a message);
    - forced password change: a user whose password an administrator set (``must_change_password``)
      can open nothing but the password page and log out until they change it.
    """

    ALLOWED_WHILE_FORCED = ("/accounts/password/", "/accounts/logout/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        from django.conf import settings
        from django.contrib import messages
        from django.contrib.auth import logout
        from django.shortcuts import redirect

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen")
            idle = settings.DANGJIAN_IDLE_MINUTES * 60
            if last is not None and now - int(last) > idle:
                from django.contrib.auth.views import redirect_to_login

                logout(request)
                messages.info(request, f"超过 {settings.DANGJIAN_IDLE_MINUTES} 分钟没有操作，已自动退出，请重新登录")
                return redirect_to_login(request.get_full_path())
            if last is None or now - int(last) > 30:  # write the session at most every 30 s (and at login)
                request.session["last_seen"] = now
            if getattr(user, "must_change_password", False) and not request.path.startswith(self.ALLOWED_WHILE_FORCED):
                from django.urls import reverse

                return redirect(reverse("accounts:password_change"))
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than any upload the platform takes (``DANGJIAN_REQUEST_MAX_BYTES``:
    the workbook limit plus 1 MiB), from its declared length, before Django reads or spools it to disk."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DANGJIAN_REQUEST_MAX_BYTES:
            from django.http import HttpResponse

            limit = settings.DANGJIAN_REQUEST_MAX_BYTES // (1024 * 1024)
            response = HttpResponse(f"提交的内容太大（上限 {limit} MB），未接收。".encode(), status=413,
                                    content_type="text/plain; charset=utf-8")
            response["Connection"] = "close"
            return response
        return self.get_response(request)
