from django.apps import AppConfig

from dangjian.core.extensions import NavItem

STAFF = ("county_admin", "organiser", "secretary")


class NotificationsConfig(AppConfig):
    name = "dangjian.notifications"
    label = "notifications"
    verbose_name = "消息通知"
    nav_items: list = [
        NavItem("消息中心", "notifications:inbox", roles=STAFF, order=80),
        NavItem("我的", "notifications:me", roles=("member",), order=10),
    ]

    def ready(self):
        # Declare the rule settings (quiet hours, birthday basis) at start-up.
        from . import rules  # noqa: F401
