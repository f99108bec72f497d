from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "dangjian.roster"
    label = "roster"
    verbose_name = "名册导入导出"
    nav_items: list = []
