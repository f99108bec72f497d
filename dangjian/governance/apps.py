from django.apps import AppConfig

from dangjian.core.extensions import NavItem

STAFF = ("county_admin", "organiser", "secretary")


class GovernanceConfig(AppConfig):
    name = "dangjian.governance"
    label = "governance"
    verbose_name = "村（社区）治理"
    nav_items = [
        NavItem("议事事项", "governance:matters", roles=STAFF, order=45),
        NavItem("纠纷调处", "governance:disputes", roles=STAFF, order=46),
        NavItem("便民服务", "governance:requests", roles=STAFF, order=47),
        NavItem("服务目录", "governance:catalogue", roles=STAFF + ("member",), order=48),
        NavItem("四风案件", "governance:cases", roles=("county_admin", "discipline"), order=49),
    ]

    def ready(self):
        from . import rules  # noqa: F401  (declares the rule settings)
