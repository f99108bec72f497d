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
    nav_items: list = [NavItem("用户管理", "accounts:user_list", roles=COUNTY_ROLES, order=91, group="系统")]

    def ready(self):
        from axes.signals import user_locked_out

        from .lockout import record_lockout

        user_locked_out.connect(record_lockout, dispatch_uid="dangjian-audit-lockout")

        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_start_idle_clock, dispatch_uid="dangjian-idle-clock")

        # Accounts follow the secretary post (issue 14): reconcile at once when the posts change.
        from dangjian.core.extensions import register_posts_changed_receiver

        from .posts import reconcile_after_posts_changed

        register_posts_changed_receiver(reconcile_after_posts_changed)


def _start_idle_clock(sender, request=None, **kwargs):
    """The idle timeout (core.middleware.SessionSecurityMiddleware) counts from the login."""
    import time

    if request is not None and hasattr(request, "session"):
        request.session["last_seen"] = int(time.time())
