from django.conf import settings
from django.urls import NoReverseMatch, reverse

from . import roles
from .demo import demo_loaded
from .extensions import nav_menu_for


def navigation(request):
    """What the shell needs on every page: the role, and the menu of the apps this role uses.

    ``nav_menu``: one entry per link or dropdown of the top menu, ``{"label", "url", "active", "items"}``;
    a dropdown has ``items`` (each ``{"label", "url", "active"}``) and no url of its own.
    """
    user = getattr(request, "user", None)
    menu = []
    links = []
    if user is not None and user.is_authenticated:
        for heading, items in nav_menu_for(user):
            entry_links = []
            for item in items:
                try:
                    entry_links.append({"label": item.label, "url": reverse(item.url_name), "active": False, "items": []})
                except NoReverseMatch:
                    continue
            if len(entry_links) > 1:
                menu.append({"label": heading, "url": "", "active": False, "items": entry_links})
            else:
                menu += entry_links
            links += entry_links
        # One highlighted item: the longest menu address the page is under (活动基地 /orglife/bases/,
        # not also 组织生活 /orglife/); its dropdown is highlighted with it.
        matching = [m for m in links if m["url"] != "/" and request.path.startswith(m["url"])]
        if matching:
            active = max(matching, key=lambda m: len(m["url"]))
            active["active"] = True
            for entry in menu:
                if any(i is active for i in entry["items"]):
                    entry["active"] = True
    return {
        "APP_NAME": "基层党建工作平台",
        # The "演示数据" badge: set explicitly, or whenever the database holds the demo county.
        "DEMO_MODE": getattr(settings, "DANGJIAN_DEMO_BANNER", False) or demo_loaded(),
        "nav_menu": menu,
        "role_is": roles.flags(user),
        "nav_user_role": user.get_role_display() if user is not None and user.is_authenticated and hasattr(user, "get_role_display") else "",
    }
