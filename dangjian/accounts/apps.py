from django.apps import AppConfig

from dangjian.core.extensions import NavItem


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    label = "accounts"
    verbose_name = "用户与角色"
    nav_items: list = [NavItem("用户管理", "accounts:user_list", roles=("county_admin",), order=91)]

    def ready(self):
        from axes.signals import user_locked_out

        from .lockout import record_lockout

        user_locked_out.connect(record_lockout, dispatch_uid="dangjian-audit-lockout")
