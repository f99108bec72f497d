from django.apps import AppConfig

from dangjian.core.extensions import NavItem

STAFF = ("county_admin", "organiser", "secretary")


class GovernanceConfig(AppConfig):
    name = "dangjian.governance"
    label = "governance"
    verbose_name = "村（社区）治理"
    nav_items = [
        # One entry for the staff (议事事项, 纠纷调处, 便民服务 and 服务目录 are tabs of one page family).
        NavItem("村社治理", "governance:matters", roles=STAFF, order=45),
        NavItem("便民服务目录", "governance:catalogue", roles=("member",), order=48),
        NavItem("四风案件", "governance:cases", roles=("county_admin", "discipline"), order=49),
    ]

    def ready(self):
        from . import rules  # noqa: F401  (declares the rule settings)
