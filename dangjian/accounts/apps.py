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

        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_start_idle_clock, dispatch_uid="dangjian-idle-clock")


def _start_idle_clock(sender, request=None, **kwargs):
    """The idle timeout (core.middleware.SessionSecurityMiddleware) counts from the login."""
    import time

    if request is not None and hasattr(request, "session"):
        request.session["last_seen"] = int(time.time())
