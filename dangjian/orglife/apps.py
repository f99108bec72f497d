from django.apps import AppConfig

from dangjian.core.extensions import NavItem

STAFF = ("county_admin", "organiser", "secretary")


class OrglifeConfig(AppConfig):
    name = "dangjian.orglife"
    label = "orglife"
    verbose_name = "组织生活"
    nav_items = [
        NavItem("组织生活", "orglife:index", roles=STAFF, order=40),
        NavItem("活动基地", "orglife:bases", roles=STAFF, order=41),
    ]

    def ready(self):
        # Declares the rule settings (frequencies, lock window…) at start-up.
        from . import rules  # noqa: F401
