from django.apps import AppConfig

from dangjian.core.extensions import NavItem
from dangjian.core.roles import STAFF_ROLES


class StatsConfig(AppConfig):
    name = "dangjian.stats"
    label = "stats"
    verbose_name = "统计分析"
    nav_items: list = [NavItem("统计分析", "stats:index", roles=STAFF_ROLES, order=70, group="统计与报告")]
