from django.apps import AppConfig

from dangjian.core.extensions import NavItem
from dangjian.core.roles import STAFF_ROLES


class RecruitmentConfig(AppConfig):
    name = "dangjian.recruitment"
    label = "recruitment"
    verbose_name = "发展党员"
    nav_items: list = [NavItem("发展党员", "recruitment:todo", roles=STAFF_ROLES, order=40)]

    def ready(self):
        # Declare the rule parameters (core.rules) at start-up, so that post_migrate creates their rows.
        from . import rules  # noqa: F401
