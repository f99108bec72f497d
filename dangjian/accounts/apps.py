from django.apps import AppConfig

from dangjian.core.extensions import AuditLabels, HomeShortcut, NavItem
from dangjian.core.roles import COUNTY_ROLES


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    label = "accounts"
    verbose_name = "用户与角色"
    audit_labels = AuditLabels(object_types={"accounts.user": "用户账号"},
                               field_overrides={"password": "密码", "full_name": "姓名"})
    home_shortcuts = [HomeShortcut("用户管理", "accounts:user_list", roles=COUNTY_ROLES, order=90, style="secondary")]
    nav_items: list = [NavItem("用户管理", "accounts:user_list", roles=COUNTY_ROLES, order=91)]
