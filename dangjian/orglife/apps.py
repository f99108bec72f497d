from django.apps import AppConfig

from dangjian.core.extensions import NavItem
from dangjian.core.roles import STAFF_ROLES


class OrglifeConfig(AppConfig):
    name = "dangjian.orglife"
    label = "orglife"
    verbose_name = "组织生活"
    nav_items = [
        NavItem("组织生活", "orglife:index", roles=STAFF_ROLES, order=40),
        NavItem("活动基地", "orglife:bases", roles=STAFF_ROLES, order=41),
    ]

    def ready(self):
        # Declares the rule settings (frequencies, lock window…) at start-up.
        from . import rules  # noqa: F401
