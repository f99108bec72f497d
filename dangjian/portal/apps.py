from django.apps import AppConfig

from dangjian.core.extensions import HomeShortcut, NavItem
from dangjian.core.roles import MEMBER_ROLES


class PortalConfig(AppConfig):
    name = "dangjian.portal"
    label = "portal"
    verbose_name = "我的"
    home_shortcuts = [HomeShortcut("我的政治生日、组织活动和转接", "portal:me", roles=MEMBER_ROLES, order=10,
                                   style="primary")]
    nav_items = [NavItem("我的", "portal:me", roles=MEMBER_ROLES, order=10)]
