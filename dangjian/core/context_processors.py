from django.conf import settings
from django.urls import NoReverseMatch, reverse

from . import roles
from .demo import demo_loaded
from .extensions import nav_items_for


def navigation(request):
    """What the shell needs on every page: the role, and the menu of the apps this role uses."""
    user = getattr(request, "user", None)
    menu = []
    if user is not None and user.is_authenticated:
        for item in nav_items_for(user):
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            menu.append({"label": item.label, "url": url, "active": False})
        # One highlighted item: the longest menu address the page is under (活动基地 /orglife/bases/,
        # not also 组织生活 /orglife/).
        matching = [m for m in menu if m["url"] != "/" and request.path.startswith(m["url"])]
        if matching:
            max(matching, key=lambda m: len(m["url"]))["active"] = True
    return {
        "APP_NAME": "基层党建工作平台",
        # The "演示数据" badge: set explicitly, or whenever the database holds the demo county.
        "DEMO_MODE": getattr(settings, "DANGJIAN_DEMO_BANNER", False) or demo_loaded(),
        "nav_menu": menu,
        "role_is": roles.flags(user),
        "nav_user_role": user.get_role_display() if user is not None and user.is_authenticated and hasattr(user, "get_role_display") else "",
    }
