from django.apps import AppConfig

from dangjian.core.extensions import AuditLabels, NavItem
from dangjian.core.roles import STAFF_ROLES


class NotificationsConfig(AppConfig):
    name = "dangjian.notifications"
    label = "notifications"
    verbose_name = "消息通知"
    audit_labels = AuditLabels(fields={"birthday_sms": "政治生日短信"})
    nav_items: list = [
        NavItem("消息中心", "notifications:inbox", roles=STAFF_ROLES, order=80),
    ]

    def ready(self):
        # Declare the rule settings (quiet hours, birthday basis) at start-up.
        from . import rules  # noqa: F401
