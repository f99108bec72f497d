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
    """A NUL character in the query string or path is refused with 400 before any view runs: no
    database stores it (PostgreSQL refuses it with an error, which would otherwise be a 500), no
    search needs it. Form fields refuse it themselves (Django's ProhibitNullCharactersValidator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or any("\x00" in v for v in values)
                                           for key, values in request.GET.lists()):
            from django.http import HttpResponseBadRequest

            return HttpResponseBadRequest("请求参数中含有不允许的字符（NUL），请检查后重试".encode(),
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)
