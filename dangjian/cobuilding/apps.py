from django.apps import AppConfig

from dangjian.core.extensions import NavItem

STAFF = ("county_admin", "organiser")


class CobuildingConfig(AppConfig):
    name = "dangjian.cobuilding"
    label = "cobuilding"
    verbose_name = "区域化党建与两新党建"
    nav_items = [
        NavItem("区域化党建", "cobuilding:index", roles=STAFF, order=60),
        NavItem("两新党建", "cobuilding:twonew", roles=STAFF + ("secretary",), order=61),
    ]

    def ready(self):
        from . import rules  # noqa: F401  (declares the rule settings)
