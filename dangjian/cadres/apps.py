from django.apps import AppConfig

from dangjian.core.extensions import NavItem

STAFF = ("county_admin", "organiser", "secretary")


class CadresConfig(AppConfig):
    name = "dangjian.cadres"
    label = "cadres"
    verbose_name = "干部队伍"
    nav_items = [
        NavItem("干部队伍", "cadres:index", roles=STAFF, order=55),
    ]

    def ready(self):
        # Declares the rule settings (reserve range, funds minimum, negative list…) at start-up.
        from . import rules  # noqa: F401
