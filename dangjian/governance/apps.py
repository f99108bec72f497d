from django.apps import AppConfig

from dangjian.core import roles
from dangjian.core.extensions import AuditLabels, HomePanel, HomeShortcut, NavItem

STAFF = roles.STAFF_ROLES


class GovernanceConfig(AppConfig):
    name = "dangjian.governance"
    label = "governance"
    verbose_name = "村（社区）治理"
    nav_items = [
        # One entry for the staff (议事事项, 纠纷调处, 便民服务 and 服务目录 are tabs of one page family).
        NavItem("村社治理", "governance:matters", roles=STAFF, order=45, group="基层治理"),
        NavItem("便民服务目录", "governance:catalogue", roles=roles.MEMBER_ROLES, order=48, group="基层治理"),
        NavItem("四风案件", "governance:cases", roles=roles.COUNTY_ROLES + roles.DISCIPLINE_ROLES, order=49, group="基层治理"),
    ]

    audit_labels = AuditLabels(
        object_types={"governance.matter": "议事事项", "governance.stepattachment": "议事步骤附件",
                      "governance.proceduretemplate": "议事程序模板",
                      "governance.dispute": "纠纷调处", "governance.serviceitem": "服务目录事项",
                      "governance.servicerequest": "便民服务", "governance.fourwindscase": "四风案件"},
        fields={"step": "步骤", "votes": "表决人数", "ledger": "台账（类别、各步骤日期、表决人数）",
                "procedure_steps": "议事程序步骤"},
    )
    home_shortcuts = [
        HomeShortcut("登记议事事项", "governance:matter_create", roles=STAFF, order=45),
        HomeShortcut("受理便民服务", "governance:request_create", roles=STAFF, order=47),
        HomeShortcut("四风案件登记簿", "governance:cases", roles=roles.DISCIPLINE_ROLES, order=49, style="primary"),
    ]

    # The members' card on 我的 (the portal): the service catalogue, readable on the phone.
    home_panels = [
        HomePanel("governance/me_catalogue.html", lambda user, today: _me_catalogue(today), roles=roles.MEMBER_ROLES,
                  order=60, placement="me"),
    ]

    def ready(self):
        from . import rules  # noqa: F401  (declares the rule settings)


def _me_catalogue(today):
    from .views import catalogue_groups

    groups = catalogue_groups(today)
    return {"service_groups": groups, "service_item_total": sum(len(items) for _c, items in groups)}
