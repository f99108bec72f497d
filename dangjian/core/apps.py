from django.apps import AppConfig
from django.db.models.signals import post_migrate

from .extensions import AuditLabels, HomeShortcut, NavItem
from .roles import COUNTY_ROLES


def _ensure_rule_defaults(sender, **kwargs):
    # Every declared rule parameter gets its row with the default after each migrate, so a county
    # always sees and edits real rows, including parameters that later apps declare.
    from .rules import ensure_defaults

    ensure_defaults()


class CoreConfig(AppConfig):
    name = "dangjian.core"
    label = "core"
    verbose_name = "平台核心"
    audit_labels = AuditLabels(object_types={"core.rulesetting": "规则参数"}, field_overrides={"value": "取值"})
    home_shortcuts = [
        HomeShortcut("操作日志", "core:audit_log", roles=COUNTY_ROLES, order=92, style="secondary"),
        HomeShortcut("规则参数", "core:rule_settings", roles=COUNTY_ROLES, order=94, style="secondary"),
    ]
    nav_items: list = [
        NavItem("操作日志", "core:audit_log", roles=COUNTY_ROLES, order=92, group="系统"),
        NavItem("规则参数", "core:rule_settings", roles=COUNTY_ROLES, order=94, group="系统"),
    ]

    def ready(self):
        post_migrate.connect(_ensure_rule_defaults, sender=self, dispatch_uid="core-rule-defaults")
