from django.apps import AppConfig

from dangjian.core.extensions import AuditLabels, HomeShortcut, NavItem
from dangjian.core.roles import STAFF_ROLES, SUPERVISOR_ROLES


class AssessmentConfig(AppConfig):
    name = "dangjian.assessment"
    label = "assessment"
    verbose_name = "考核与整改"
    nav_items = [
        NavItem("考核评议", "assessment:plans", roles=STAFF_ROLES, order=70, group="干部与考核"),
        NavItem("整改台账", "assessment:problems", roles=STAFF_ROLES, order=71, group="干部与考核"),
    ]
    audit_labels = AuditLabels(
        object_types={"assessment.problem": "整改问题", "assessment.plan": "考核方案",
                      "assessment.plantarget": "考核评分和问责决定", "assessment.debrief": "书记述职评议",
                      "assessment.listitem": "三单事项", "assessment.jointmeeting": "党建工作联席例会"},
        # Keys the services write that are not model fields (a problem's progress, a plan's indicators …).
        fields={"整改进展": "整改进展", "指标": "考核指标", "被考核组织": "被考核党组织", "问责决定": "末位问责决定",
                "结果运用": "考核结果运用", "布置任务": "布置任务数", "例会任务": "例会任务"})
    home_shortcuts = [
        HomeShortcut("登记整改问题", "assessment:problem_create", roles=SUPERVISOR_ROLES, order=70),
        HomeShortcut("整改台账", "assessment:problems", roles=STAFF_ROLES, order=71),
        HomeShortcut("考核评议", "assessment:plans", roles=SUPERVISOR_ROLES, order=72),
    ]

    def ready(self):
        from dangjian.core.extensions import register_problem_receiver

        from . import rules  # noqa: F401  (declares the rule settings)
        from .services import receive_answer, receive_problem

        register_problem_receiver(receive_problem, receive_answer)
