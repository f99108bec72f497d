from django.apps import AppConfig

from dangjian.core.extensions import AuditLabels, HomePanel, HomeShortcut, NavItem
from dangjian.core.roles import MEMBER, MEMBER_ROLES, SECRETARY, SUPERVISOR_ROLES


def _me():
    from . import me

    return me


class CobuildingConfig(AppConfig):
    name = "dangjian.cobuilding"
    label = "cobuilding"
    verbose_name = "区域化党建与两新党建"
    nav_items = [
        NavItem("区域化党建", "cobuilding:index", roles=SUPERVISOR_ROLES, order=60, group="共建与两新"),
        NavItem("两新党建", "cobuilding:twonew", roles=SUPERVISOR_ROLES + (SECRETARY,), order=61, group="共建与两新"),
        NavItem("党建品牌", "cobuilding:brands", roles=(SECRETARY,), order=62, group="共建与两新"),
        NavItem("双报到", "cobuilding:dual_list", roles=(SECRETARY, MEMBER), order=63, group="共建与两新"),
    ]
    audit_labels = AuditLabels(
        object_types={"cobuilding.region": "区域党建组织", "cobuilding.resourcebooking": "共享场地预约",
                      "cobuilding.servicerecord": "双报到服务记录", "cobuilding.milestone": "品牌创建节点",
                      "cobuilding.agendasending": "议程送达"},
        fields={"resource": "共享场地", "time": "时段", "agenda_units": "议程送达单位"})
    home_panels = [
        HomePanel("cobuilding/me_dual_report.html", lambda user, today: _me().dual_card(user, today),
                  roles=MEMBER_ROLES, order=40, placement="me"),
    ]
    home_shortcuts = [
        HomeShortcut("区域化党建", "cobuilding:index", roles=SUPERVISOR_ROLES, order=60),
        HomeShortcut("两新组织排查登记", "cobuilding:unit_create", roles=SUPERVISOR_ROLES, order=61),
    ]

    def ready(self):
        from . import rules  # noqa: F401  (declares the rule settings)
