from django.apps import AppConfig

from dangjian.core.extensions import AuditLabels, NavItem
from dangjian.core.roles import SUPERVISOR_ROLES


class RosterConfig(AppConfig):
    name = "dangjian.roster"
    label = "roster"
    verbose_name = "名册导入导出"
    audit_labels = AuditLabels(object_types={"roster.workbook": "名册工作簿"})
    nav_items: list = [NavItem("名册导入导出", "roster:import", roles=SUPERVISOR_ROLES, order=80, group="组织与党员")]

    def ready(self):
        # Declares the rule settings (the workbook row limit) at start-up.
        from . import rules  # noqa: F401
