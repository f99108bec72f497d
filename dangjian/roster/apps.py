from django.apps import AppConfig

from dangjian.core.extensions import NavItem
from dangjian.core.roles import SUPERVISOR_ROLES


class RosterConfig(AppConfig):
    name = "dangjian.roster"
    label = "roster"
    verbose_name = "名册导入导出"
    nav_items: list = [NavItem("名册导入导出", "roster:import", roles=SUPERVISOR_ROLES, order=80)]
