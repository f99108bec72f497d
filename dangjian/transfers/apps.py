from django.apps import AppConfig

from dangjian.core.extensions import AuditLabels, HomeShortcut, NavItem
from dangjian.core.roles import STAFF_ROLES


class TransfersConfig(AppConfig):
    name = "dangjian.transfers"
    label = "transfers"
    verbose_name = "组织关系转接"
    audit_labels = AuditLabels(fields={"contact_log": "联系记录"})
    home_shortcuts = [HomeShortcut("组织关系转接", "transfers:list", order=60)]
    nav_items: list = [
        NavItem("组织关系转接", "transfers:list", roles=STAFF_ROLES, order=60, group="组织与党员"),
        NavItem("流动党员", "transfers:floating_list", roles=STAFF_ROLES, order=61, group="组织与党员"),
    ]

    def ready(self):
        # Declare the letter-validity settings at start-up.
        from . import rules  # noqa: F401
