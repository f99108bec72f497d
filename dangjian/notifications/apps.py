from django.apps import AppConfig

from dangjian.core.extensions import AuditLabels, HomeShortcut, NavItem
from dangjian.core.roles import MEMBER_ROLES, STAFF_ROLES


class NotificationsConfig(AppConfig):
    name = "dangjian.notifications"
    label = "notifications"
    verbose_name = "消息通知"
    audit_labels = AuditLabels(fields={"birthday_sms": "政治生日短信"})
    home_shortcuts = [HomeShortcut("我的政治生日、组织活动和转接", "notifications:me", roles=MEMBER_ROLES, order=10,
                                   style="primary")]
    nav_items: list = [
        NavItem("消息中心", "notifications:inbox", roles=STAFF_ROLES, order=80),
        NavItem("我的", "notifications:me", roles=MEMBER_ROLES, order=10),
    ]

    def ready(self):
        # Declare the rule settings (quiet hours, birthday basis) at start-up.
        from . import rules  # noqa: F401
