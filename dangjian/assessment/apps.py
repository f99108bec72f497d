from django.apps import AppConfig

from dangjian.core.extensions import NavItem

STAFF = ("county_admin", "organiser", "secretary")


class AssessmentConfig(AppConfig):
    name = "dangjian.assessment"
    label = "assessment"
    verbose_name = "考核与整改"
    nav_items = [
        NavItem("考核评议", "assessment:plans", roles=STAFF, order=70),
        NavItem("整改台账", "assessment:problems", roles=STAFF, order=71),
    ]

    def ready(self):
        from dangjian.core.extensions import register_problem_receiver

        from . import rules  # noqa: F401  (declares the rule settings)
        from .services import receive_answer, receive_problem

        register_problem_receiver(receive_problem, receive_answer)
