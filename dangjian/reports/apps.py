from django.apps import AppConfig

from dangjian.core.extensions import NavItem


class ReportsConfig(AppConfig):
    name = "dangjian.reports"
    label = "reports"
    verbose_name = "工作汇报"
    nav_items = [NavItem("工作汇报", "reports:index", roles=("county_admin", "organiser", "secretary"), order=72)]
