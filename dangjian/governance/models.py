"""Village and community governance: matters decided by procedure (一征三议两公开 / 四议两公开) and their
steps, dispute mediation, the three-level service platform (catalogue and requests), and the
四风 and corruption cases the discipline office counts.

Scope (``for_user``): matters by their Party organisation's subtree; disputes, service requests and
cases by their division (所在行政区划), in the subtree of the user's organisation's division. The
catalogue is the county's: every signed-in user reads it, the county admin keeps it. Cases are the
discipline office's register (role ``discipline``): it sees and edits them in its division subtree,
the county admin too; nobody else.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangjian.core.files import TypedAttachmentBase, stored_name
from dangjian.core import roles, scope
from dangjian.core.scope import VIEW, ScopedQuerySet
from dangjian.register.models import Division, Organization
from dangjian.register.vocab import VILLAGE_LEVEL

from .vocab import (
    CaseCategory, DisputeCategory, DisputeResult, MatterCategory, MatterStatus, MeetingForm, MotionOrigin,
    ServiceLevel, StepKind,
)

# Who works with the governance registers (role names from the role policy, core.roles). The
# discipline office's role sees only the 四风 register; the county admin keeps it too.
STAFF_ROLES = roles.STAFF_ROLES
DISCIPLINE_ROLE = roles.DISCIPLINE
CASE_ROLES = roles.COUNTY_ROLES + roles.DISCIPLINE_ROLES
role_of = roles.role_of


def user_division_path(user) -> str | None:
    """The path of the user's organisation's division (the root of the user's division scope)."""
    return scope.user_division_path(user)


def secretary_division_ok(user) -> bool:
    """A secretary sees a division's registers only when the branch is a village's or community's."""
    return Division.objects.filter(organizations__pk=user.organization_id, category__in=VILLAGE_LEVEL).exists()


class OrgScopedQuerySet(scope.OrganisationScopedQuerySet):
    """Rows of a Party organisation (``subtree_field``): staff see and change their subtree."""


class DivisionScopedQuerySet(scope.DivisionScopedQuerySet):
    """Rows of a division: staff see and change those in their organisation's division subtree; a
    secretary only when their branch is a village's or community's."""

    def user_division_root(self, user):
        if role_of(user) == roles.SECRETARY and not secretary_division_ok(user):
            return None
        return super().user_division_root(user)


# --- Matters -------------------------------------------------------------------------------------

class ProcedureTemplateQuerySet(ScopedQuerySet):
    """The county's procedure templates: read by the staff, kept by the county admin."""

    def scope_filter(self, user, action):
        if role_of(user) == "county_admin" or (action == VIEW and role_of(user) in STAFF_ROLES):
            return self
        return self.none()


class ProcedureTemplate(models.Model):
    """议事程序模板: a county's procedure for matters, as ordered steps (a rule setting names the one in force)."""

    name = models.CharField("模板名称", max_length=30, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = ProcedureTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = "议事程序模板"
        verbose_name_plural = "议事程序模板"
        ordering = ["pk"]

    def __str__(self):
        return self.name

    @property
    def audit_scope_path(self):
        return ""

    def steps_data(self) -> list[dict]:
        return [s.as_data() for s in self.steps.all()]

    def procedure(self):
        from .rules import procedure_from_data

        return procedure_from_data(self.name, self.steps_data())


class ProcedureStep(models.Model):
    """One step of a procedure template."""

    template = models.ForeignKey(ProcedureTemplate, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField("序号")
    kind = models.CharField("步骤类型", max_length=10, choices=StepKind.choices)
    label = models.CharField("步骤名称", max_length=30)
    meets = models.CharField("参加（公开）范围", max_length=100, blank=True)
    quorum_rule = models.CharField("到会要求", max_length=20, default="none")
    vote_rule = models.CharField("表决规则", max_length=30, default="none")
    mergeable = models.BooleanField("“一肩挑”时可并入上一步", default=False)

    class Meta:
        verbose_name = "议事程序步骤"
        verbose_name_plural = "议事程序步骤"
        ordering = ["template_id", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "order"], name="procedure_step_unique_order")]

    def __str__(self):
        return f"{self.order}. {self.label}"

    def as_data(self) -> dict:
        return {"order": self.order, "kind": self.kind, "label": self.label, "meets": self.meets,
                "quorum_rule": self.quorum_rule, "vote_rule": self.vote_rule, "mergeable": self.mergeable}


class MatterQuerySet(OrgScopedQuerySet):
    pass


class Matter(models.Model):
    """议事事项: a matter a village or community decides by the procedure of its template."""

    organization = models.ForeignKey(Organization, verbose_name="所在党组织", on_delete=models.PROTECT,
                                     related_name="governance_matters")
    name = models.CharField("事项名称", max_length=200)
    category = models.CharField("事项类别", max_length=20, choices=MatterCategory.choices)
    origin = models.CharField("提议来源", max_length=30, choices=MotionOrigin.choices, blank=True)
    template = models.CharField("议事程序", max_length=30, default="一征三议两公开")
    # The steps of the template when the matter was opened (rules.StepSpec.as_data each): every step
    # rule of the matter reads these, so that editing or switching the template never changes it.
    procedure_steps = models.JSONField("议事程序步骤", default=list)
    one_shoulder = models.BooleanField("“一肩挑”（商议并入提议）", default=False)
    status = models.CharField("状态", max_length=10, choices=MatterStatus.choices, default=MatterStatus.OPEN,
                              db_index=True)
    opened_on = models.DateField("征求意见（提议）日期")
    steps_done = models.PositiveSmallIntegerField("已进行到第几步", default=1)
    last_step_on = models.DateField("最近一步日期")
    decided_on = models.DateField("结果公开日期", null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = MatterQuerySet.as_manager()

    AUDITED_FIELDS = ("organization", "name", "category", "origin", "template", "one_shoulder", "opened_on")

    class Meta:
        verbose_name = "议事事项"
        verbose_name_plural = "议事事项"
        ordering = ["-last_step_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["organization", "name", "opened_on"], name="matter_natural_key")]
        indexes = [models.Index(fields=["status", "last_step_on"], name="matter_status_last")]

    def __str__(self):
        return self.name

    @property
    def audit_scope_path(self):
        return self.organization.path

    @property
    def procedure(self):
        """The matter's own procedure (its snapshot), cached on the instance."""
        cached = self.__dict__.get("_procedure")
        if cached is None or cached[0] is not self.procedure_steps:
            from .rules import DEFAULT_TEMPLATE, SHIPPED_TEMPLATES, procedure_from_data

            if self.procedure_steps:
                procedure = procedure_from_data(self.template, self.procedure_steps)
            else:  # a row written without its snapshot (bench data): the shipped template of its name
                procedure = SHIPPED_TEMPLATES.get(self.template, SHIPPED_TEMPLATES[DEFAULT_TEMPLATE])[1]
            cached = (self.procedure_steps, procedure)
            self.__dict__["_procedure"] = cached
        return cached[1]


class MatterStepQuerySet(OrgScopedQuerySet):
    subtree_field = "matter__organization"

    def published(self):
        return self.filter(is_publication=True)


class MatterStep(models.Model):
    """One step of a matter's procedure, as it took place."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField("步骤序号")
    kind = models.CharField("步骤类别", max_length=10, choices=StepKind.choices)
    label = models.CharField("步骤", max_length=30)
    date = models.DateField("日期")
    meeting_form = models.CharField("会议形式", max_length=20, choices=MeetingForm.choices, blank=True)
    due = models.PositiveIntegerField("应到人数", null=True, blank=True)
    present = models.PositiveIntegerField("实到人数", null=True, blank=True)
    in_favour = models.PositiveIntegerField("赞成票数", null=True, blank=True)
    against = models.PositiveIntegerField("反对票数", null=True, blank=True)
    content = models.TextField("内容（议定事项、公开内容）", blank=True)
    passed = models.BooleanField("通过", null=True, blank=True)
    is_publication = models.BooleanField("公开步骤", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = MatterStepQuerySet.as_manager()

    class Meta:
        verbose_name = "议事步骤"
        verbose_name_plural = "议事步骤"
        ordering = ["matter_id", "number"]
        constraints = [models.UniqueConstraint(fields=["matter", "number"], name="matter_step_unique_number")]
        indexes = [models.Index(fields=["is_publication", "date"], name="matter_step_published")]

    def __str__(self):
        return f"{self.matter.name}：{self.label}"

    @property
    def audit_scope_path(self):
        return self.matter.organization.path


def step_attachment_path(instance, filename):
    return stored_name("governance", filename, instance.step.date)


class StepAttachmentQuerySet(OrgScopedQuerySet):
    subtree_field = "step__matter__organization"


class StepAttachment(TypedAttachmentBase):
    """(original_name, size, content_type, uploaded_by, uploaded_at, Meta: core.files.TypedAttachmentBase.)"""

    step = models.ForeignKey(MatterStep, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to=step_attachment_path)

    objects = StepAttachmentQuerySet.as_manager()

    @property
    def audit_scope_path(self):
        return self.step.matter.organization.path


# --- Disputes ------------------------------------------------------------------------------------

class DisputeQuerySet(DivisionScopedQuerySet):
    pass


class Dispute(models.Model):
    """纠纷调处: a case counted and followed, without the parties' names (no case files)."""

    case_no = models.CharField("案件编号", max_length=50, unique=True)
    division = models.ForeignKey(Division, verbose_name="所在行政区划", on_delete=models.PROTECT, related_name="+")
    category = models.CharField("纠纷类别", max_length=10, choices=DisputeCategory.choices)
    accepted_on = models.DateField("受理日期", db_index=True)
    mediator = models.CharField("调解员", max_length=50, blank=True)
    result = models.CharField("调处结果", max_length=10, choices=DisputeResult.choices, blank=True)
    transferred_to = models.CharField("移交单位", max_length=100, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = DisputeQuerySet.as_manager()

    AUDITED_FIELDS = ("case_no", "division", "category", "accepted_on", "mediator", "result", "transferred_to",
                      "closed_on")

    class Meta:
        verbose_name = "纠纷调处"
        verbose_name_plural = "纠纷调处"
        ordering = ["-accepted_on", "-id"]

    def __str__(self):
        return self.case_no

    @property
    def audit_scope_path(self):
        return ""


# --- The service platform -------------------------------------------------------------------------

class ServiceItemQuerySet(ScopedQuerySet):
    """The county's catalogue: read by every signed-in user, kept by the county admin."""

    def scope_filter(self, user, action):
        if action == VIEW or role_of(user) == "county_admin":
            return self
        return self.none()

    def in_use_on(self, day):
        return self.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=day),
                           Q(stops_on__isnull=True) | Q(stops_on__gt=day))


class ServiceItem(models.Model):
    """服务目录: one service item of the county's catalogue, offered at one level."""

    category = models.CharField("服务大类", max_length=50)
    name = models.CharField("服务事项", max_length=100, unique=True)
    level = models.CharField("提供层级", max_length=10, choices=ServiceLevel.choices)
    starts_on = models.DateField("启用日期", null=True, blank=True)
    stops_on = models.DateField("停用日期", null=True, blank=True)
    description = models.TextField("办理说明", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ServiceItemQuerySet.as_manager()

    AUDITED_FIELDS = ("category", "name", "level", "starts_on", "stops_on", "description")

    class Meta:
        verbose_name = "服务事项"
        verbose_name_plural = "服务目录"
        ordering = ["category", "name"]

    def __str__(self):
        return self.name

    @property
    def audit_scope_path(self):
        return ""

    def in_use_on(self, day) -> bool:
        from .rules import item_in_use

        return item_in_use(self.starts_on, self.stops_on, day)


class ServiceRequestQuerySet(DivisionScopedQuerySet):
    # The centre that accepted a request, and the centre it was handed up to (代办), both see it.
    subtree_fields = ("division", "handled_division")


class ServiceRequest(models.Model):
    """便民服务: a request accepted at a county, township or village service centre.

    ``level``/``division`` are where it was accepted (受理层级, counted by the statistics);
    ``handled_level``/``handled_division`` where it is being handled after a hand-up (代办),
    under the same number."""

    number = models.CharField("受理编号", max_length=50, unique=True)
    level = models.CharField("受理层级", max_length=10, choices=ServiceLevel.choices)
    division = models.ForeignKey(Division, verbose_name="所在行政区划", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(ServiceItem, verbose_name="服务事项", on_delete=models.PROTECT, related_name="requests")
    accepted_on = models.DateField("受理日期", db_index=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    handled_level = models.CharField("办理层级", max_length=10, choices=ServiceLevel.choices)
    handled_division = models.ForeignKey(Division, verbose_name="办理中心", on_delete=models.PROTECT, related_name="+")
    handed_up_on = models.DateField("代办上交日期", null=True, blank=True)
    # 办结日期 − 受理日期, kept with the closing so that the average days to close is one indexed sum.
    days_to_close = models.PositiveIntegerField("办理天数", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = ServiceRequestQuerySet.as_manager()

    AUDITED_FIELDS = ("number", "level", "division", "item", "accepted_on", "closed_on", "handled_level",
                      "handled_division", "handed_up_on")

    class Meta:
        verbose_name = "便民服务"
        verbose_name_plural = "便民服务"
        ordering = ["-accepted_on", "-id"]
        indexes = [models.Index(fields=["accepted_on", "level", "division", "days_to_close"],
                                name="service_request_accepted_level")]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        self.days_to_close = closing_days(self.accepted_on, self.closed_on)
        super().save(*args, **kwargs)

    @property
    def audit_scope_path(self):
        return ""


def closing_days(accepted_on, closed_on):
    return (closed_on - accepted_on).days if closed_on and accepted_on else None


# --- 四风 and corruption cases --------------------------------------------------------------------

class CaseQuerySet(DivisionScopedQuerySet):
    view_roles = change_roles = CASE_ROLES


class FourWindsCase(models.Model):
    """四风案件: counts only, kept by the discipline office; no names."""

    case_no = models.CharField("案件编号", max_length=50, unique=True)
    division = models.ForeignKey(Division, verbose_name="所在行政区划", on_delete=models.PROTECT, related_name="+")
    category = models.CharField("案件类别", max_length=10, choices=CaseCategory.choices)
    opened_on = models.DateField("立案日期")
    concluded_on = models.DateField("结案日期", null=True, blank=True, db_index=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = CaseQuerySet.as_manager()

    AUDITED_FIELDS = ("case_no", "division", "category", "opened_on", "concluded_on")

    class Meta:
        verbose_name = "四风案件"
        verbose_name_plural = "四风案件"
        ordering = ["-opened_on", "-id"]

    def __str__(self):
        return self.case_no

    @property
    def audit_scope_path(self):
        return ""
