from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "dangjian.stats"
    label = "stats"
    verbose_name = "统计分析"
    nav_items: list = []
