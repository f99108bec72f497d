from django.http import Http404


class SuperuserOnlyAdminMiddleware:
    """The Django admin is for the superuser only; everyone else gets a plain 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/") and request.user.is_authenticated and not request.user.is_superuser:
            raise Http404("页面不存在")
        return self.get_response(request)
