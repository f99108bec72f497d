from django.apps import AppConfig

from dangjian.core.extensions import NavItem
from dangjian.core.roles import COUNTY_ROLES


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    label = "accounts"
    verbose_name = "用户与角色"
    nav_items: list = [NavItem("用户管理", "accounts:user_list", roles=COUNTY_ROLES, order=91)]
