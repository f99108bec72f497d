from django.apps import AppConfig

from dangjian.core.extensions import NavItem


class ApiConfig(AppConfig):
    name = "dangjian.api"
    label = "api"
    verbose_name = "数据接口"
    nav_items = [NavItem("接口密钥", "api:keys", roles=("county_admin",), order=95, group="系统")]

    def ready(self):
        from . import rules  # noqa: F401
