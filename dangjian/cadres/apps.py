from django.apps import AppConfig

from dangjian.core.extensions import AuditLabels, HomeShortcut, NavItem
from dangjian.core.roles import STAFF_ROLES, SUPERVISOR_ROLES


class CadresConfig(AppConfig):
    name = "dangjian.cadres"
    label = "cadres"
    verbose_name = "干部队伍"
    nav_items = [
        NavItem("干部队伍", "cadres:index", roles=STAFF_ROLES, order=55, group="干部与考核"),
    ]
    audit_labels = AuditLabels(
        object_types={"cadres.cadre": "干部任职", "cadres.trainingclass": "培训班", "cadres.trainingattendance": "参训记录",
                      "cadres.paystandard": "报酬标准", "cadres.communityfund": "社区经费",
                      "cadres.venueinvestment": "阵地投入", "cadres.election": "换届选举", "cadres.candidate": "候选人",
                      "cadres.vetting": "联审意见"},
        fields={"id_number": "公民身份号码", "training": "培训班", "state": "联审结果", "outcome": "结果"})
    home_shortcuts = [HomeShortcut("干部队伍", "cadres:index", roles=SUPERVISOR_ROLES, order=55)]

    def ready(self):
        # Declares the rule settings (reserve range, funds minimum, negative list…) at start-up.
        from . import rules  # noqa: F401
