from django.apps import AppConfig

from dangjian.core.extensions import NavItem


class JobsConfig(AppConfig):
    name = "dangjian.jobs"
    label = "jobs"
    verbose_name = "后台任务"
    nav_items = [NavItem("我的任务", "jobs:list", roles=("county_admin", "organiser", "secretary"), order=90)]

    def ready(self):
        from . import rules  # noqa: F401
