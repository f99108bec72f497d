from django.conf import settings


def navigation(request):
    """What the shell needs on every page: the user's role and the app name."""
    user = getattr(request, "user", None)
    return {
        "APP_NAME": "基层党建工作平台",
        "DEMO_MODE": getattr(settings, "DANGJIAN_DEMO_BANNER", False),
        "nav_user_role": user.get_role_display() if user and user.is_authenticated and hasattr(user, "get_role_display") else "",
    }
