from django.apps import AppConfig

from dangjian.core.extensions import AuditLabels, HomePanel, HomeShortcut, NavItem
from dangjian.core.roles import COUNTY_ROLES, MEMBER_ROLES, STAFF_ROLES, SUPERVISOR_ROLES


def _home():
    from . import home  # the models are ready by the time the home page asks

    return home


class RegisterConfig(AppConfig):
    name = "dangjian.register"
    label = "register"
    verbose_name = "组织与党员名册"
    audit_labels = AuditLabels(
        object_types={"register.member": "党员", "register.organization": "党组织", "register.division": "行政区划"},
        field_overrides={"id_number": "公民身份号码", "phone": "手机号码", "parent": "上级"},
    )
    home_panels = [
        HomePanel("register/home_member.html", lambda user, today: _home().member_card(user, today),
                  roles=MEMBER_ROLES, owns_shortcuts=True),
        HomePanel("register/home_counts.html", lambda user, today: _home().scope_counts(user, today),
                  roles=STAFF_ROLES, order=10),
        HomePanel("register/home_warnings.html", roles=STAFF_ROLES, order=60, placement="side"),
    ]
    home_shortcuts = [
        HomeShortcut("党员名册 — 查询、导出", "register:member_list", order=10),
        HomeShortcut(lambda user: f"本组织 — {user.organization.name}", "register:org_detail", order=20,
                     url_args=lambda user: (user.organization_id,) if user.organization_id else None),
        HomeShortcut("新增党员", "register:member_create", order=30),
        HomeShortcut("组织架构", "register:org_tree", roles=SUPERVISOR_ROLES, order=70),
        HomeShortcut("查看我的党员信息", "register:member_detail", roles=MEMBER_ROLES, order=20,
                     url_args=lambda user: (user.member_id,) if user.member_id else None),
    ]
    nav_items: list = [
        NavItem("组织架构", "register:org_tree", roles=STAFF_ROLES, order=10, group="组织与党员"),
        NavItem("党员名册", "register:member_list", roles=STAFF_ROLES, order=20, group="组织与党员"),
        NavItem("行政区划", "register:division_list", roles=COUNTY_ROLES, order=90, group="系统"),
    ]
