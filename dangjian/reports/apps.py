from django.apps import AppConfig

from dangjian.core.extensions import AuditLabels, HomeShortcut, NavItem
from dangjian.core.roles import STAFF_ROLES, SUPERVISOR_ROLES


class ReportsConfig(AppConfig):
    name = "dangjian.reports"
    label = "reports"
    verbose_name = "工作汇报"
    audit_labels = AuditLabels(object_types={"reports.reporttemplate": "工作汇报模板"}, fields={"text": "内容"})
    home_shortcuts = [HomeShortcut("生成工作情况汇报", "reports:index", roles=SUPERVISOR_ROLES, order=75)]
    nav_items = [NavItem("工作汇报", "reports:index", roles=STAFF_ROLES, order=72, group="统计与报告")]
