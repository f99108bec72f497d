from django.apps import AppConfig

from dangjian.core.extensions import NavItem


class StatsConfig(AppConfig):
    name = "dangjian.stats"
    label = "stats"
    verbose_name = "统计分析"
    nav_items: list = [NavItem("统计分析", "stats:index", roles=("county_admin", "organiser", "secretary"), order=70)]
