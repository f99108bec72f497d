from django.apps import AppConfig

from dangjian.core.extensions import NavItem


class RosterConfig(AppConfig):
    name = "dangjian.roster"
    label = "roster"
    verbose_name = "名册导入导出"
    nav_items: list = [NavItem("名册导入导出", "roster:import", roles=("county_admin", "organiser"), order=80)]

    def ready(self):
        # Declares the rule settings (the workbook row limit) at start-up.
        from . import rules  # noqa: F401
