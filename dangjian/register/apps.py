from django.apps import AppConfig

from dangjian.core.extensions import NavItem
from dangjian.core.roles import COUNTY_ROLES, STAFF_ROLES


class RegisterConfig(AppConfig):
    name = "dangjian.register"
    label = "register"
    verbose_name = "组织与党员名册"
    nav_items: list = [
        NavItem("组织架构", "register:org_tree", roles=STAFF_ROLES, order=10),
        NavItem("党员名册", "register:member_list", roles=STAFF_ROLES, order=20),
        NavItem("行政区划", "register:division_list", roles=COUNTY_ROLES, order=90),
    ]
