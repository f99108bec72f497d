from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_rule_defaults(sender, **kwargs):
    # Every declared rule parameter gets its row with the default after each migrate, so a county
    # always sees and edits real rows, including parameters that later apps declare.
    from .rules import ensure_defaults

    ensure_defaults()


class CoreConfig(AppConfig):
    name = "dangjian.core"
    label = "core"
    verbose_name = "平台核心"

    def ready(self):
        post_migrate.connect(_ensure_rule_defaults, sender=self, dispatch_uid="core-rule-defaults")
