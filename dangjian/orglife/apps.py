from django.apps import AppConfig

from dangjian.core.extensions import AuditLabels, HomeShortcut, NavItem
from dangjian.core.roles import STAFF_ROLES


class OrglifeConfig(AppConfig):
    name = "dangjian.orglife"
    label = "orglife"
    verbose_name = "组织生活"
    audit_labels = AuditLabels(fields={"attachments": "附件", "members": "成员", "answer": "支部答复", "time": "时段",
                                       "base": "基地", "attendance": "出席名单"})
    home_shortcuts = [HomeShortcut("登记组织生活（三会一课）", "orglife:activity_create", order=40)]
    nav_items = [
        NavItem("组织生活", "orglife:index", roles=STAFF_ROLES, order=40, group="组织生活"),
        NavItem("活动基地", "orglife:bases", roles=STAFF_ROLES, order=41, group="组织生活"),
    ]

    def ready(self):
        # Declares the rule settings (frequencies, lock window…) at start-up.
        from . import rules  # noqa: F401
