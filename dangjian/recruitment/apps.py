from django.apps import AppConfig

from dangjian.core.extensions import AuditLabels, HomeShortcut, NavItem
from dangjian.core.roles import STAFF_ROLES


class RecruitmentConfig(AppConfig):
    name = "dangjian.recruitment"
    label = "recruitment"
    verbose_name = "发展党员"
    audit_labels = AuditLabels(fields={"attachments": "附件", "rules": "未通过的规则"})
    home_shortcuts = [HomeShortcut("发展党员待办", "recruitment:todo", order=50)]
    nav_items: list = [NavItem("发展党员", "recruitment:todo", roles=STAFF_ROLES, order=40, group="组织与党员")]

    def ready(self):
        # Declare the rule parameters (core.rules) at start-up, so that post_migrate creates their rows.
        from . import rules  # noqa: F401
