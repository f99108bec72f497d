"""发展党员全程纪实: one Recruitment per person and attempt, its recorded steps, the events between
steps (half-yearly reviews, 公示, extension or cancellation of probation), attachments, overrides.

The dates that the rules and the to-do list need are kept on the Recruitment itself (``applied_on``,
``activist_on`` …), written by the services together with the step, so that the to-do list of a
whole county is one query over one table.
"""
from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangjian.core import crypto
from dangjian.core.files import AttachmentBase, stored_name
from dangjian.core import roles
from dangjian.core.scope import ScopedQuerySet
from dangjian.register.models import Member, Organization
from dangjian.register.vocab import COLLEGE_OR_ABOVE, ETHNIC_CHOICES, HAN, Education, Occupation, Sex

from .steps import STEP_CHOICES, STEPS, stage_of, STAGE_LABELS


class Status(models.TextChoices):
    OPEN = "进行中", "进行中"
    COMPLETED = "已完成", "已完成"  # ㉕ 材料归档 recorded
    CANCELLED = "已终止", "已终止"  # 取消预备党员资格, or the applicant no longer pursued


class RecruitmentQuerySet(ScopedQuerySet):
    def scope_filter(self, user, action):
        # Members do not see other people's recruitment files.
        return self.in_user_subtree(user, roles.STAFF_ROLES)

    def open(self):
        return self.filter(status=Status.OPEN)

    def with_id_number(self, id_number: str):
        return self.filter(id_number_hash=crypto.lookup_hash(id_number))


class RecruitmentChildQuerySet(ScopedQuerySet):
    """Attachments and overrides are in scope exactly when their recruitment is."""

    def scope_filter(self, user, action):
        return self.filter(recruitment__in=Recruitment.objects.scope_filter(user, action).values("pk"))


class Recruitment(models.Model):
    name = models.CharField("姓名", max_length=50, db_index=True)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    ethnicity = models.CharField("民族", max_length=10, choices=ETHNIC_CHOICES, default=HAN)
    id_number_encrypted = models.TextField("公民身份号码（密文）", editable=False)
    id_number_hash = models.CharField("公民身份号码摘要", max_length=64, db_index=True, editable=False)
    birth_date = models.DateField("出生日期")
    education = models.CharField("学历", max_length=10, choices=Education.choices)
    occupation = models.CharField("人员类别", max_length=20, choices=Occupation.choices)
    unit = models.CharField("工作单位及职务", max_length=200, blank=True)
    organization = models.ForeignKey(Organization, verbose_name="所在党支部", on_delete=models.PROTECT,
                                     related_name="recruitments")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)

    # Kept by the services from the recorded steps and events.
    last_step = models.PositiveSmallIntegerField("已完成至", default=0)
    last_step_on = models.DateField("最近步骤日期", null=True, blank=True)
    applied_on = models.DateField("递交入党申请书日期")
    talked_on = models.DateField("谈话日期", null=True, blank=True)
    activist_on = models.DateField("确定为入党积极分子日期", null=True, blank=True)
    last_review_on = models.DateField("最近一次考察日期", null=True, blank=True)
    target_on = models.DateField("确定为发展对象日期", null=True, blank=True)
    political_review_on = models.DateField("政治审查日期", null=True, blank=True)
    publicity_start_on = models.DateField("公示开始日期", null=True, blank=True)
    publicity_end_on = models.DateField("公示结束日期", null=True, blank=True)
    admitted_on = models.DateField("支部大会通过日期（入党日期）", null=True, blank=True)
    approved_on = models.DateField("上级党委审批日期", null=True, blank=True)
    probation_extension_months = models.PositiveSmallIntegerField("延长预备期（月）", null=True, blank=True)
    probation_ends_on = models.DateField("预备期满日期", null=True, blank=True)
    full_on = models.DateField("转正日期", null=True, blank=True)
    closed_on = models.DateField("终止或归档日期", null=True, blank=True)
    closed_reason = models.TextField("终止原因", blank=True)
    member = models.OneToOneField(Member, verbose_name="党员名册记录", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="recruitment")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = RecruitmentQuerySet.as_manager()

    AUDITED_FIELDS = ("name", "sex", "ethnicity", "birth_date", "education", "occupation", "unit", "organization",
                      "status", "applied_on")

    class Meta:
        verbose_name = "发展党员纪实"
        verbose_name_plural = "发展党员纪实"
        ordering = ["organization_id", "applied_on", "id"]
        constraints = [
            # One person is in at most one recruitment under way.
            models.UniqueConstraint(fields=["id_number_hash"], condition=Q(status="进行中"),
                                    name="recruitment_one_open_per_person"),
        ]
        indexes = [
            models.Index(fields=["status", "last_step"], name="recruitment_status_step"),
            models.Index(fields=["approved_on"], name="recruitment_approved_on"),
        ]

    def __str__(self):
        return self.name

    @property
    def audit_scope_path(self) -> str:
        return self.organization.path

    # Only ever handled decrypted in memory (columns id_number_encrypted, id_number_hash).
    id_number = crypto.encrypted_property("id_number")
    id_number_masked = crypto.masked_property("id_number", crypto.mask_id_number)

    @property
    def stage(self) -> str | None:
        return stage_of(self.last_step) if self.status == Status.OPEN else None

    @property
    def stage_label(self) -> str:
        if self.status != Status.OPEN:
            return self.get_status_display()
        return STAGE_LABELS.get(self.stage, "")

    @property
    def next_step(self):
        return STEPS.get(self.last_step + 1) if self.status == Status.OPEN else None

    @property
    def last_step_title(self) -> str:
        return STEPS[self.last_step].title if self.last_step else ""

    @property
    def is_college_or_above(self) -> bool:
        return self.education in COLLEGE_OR_ABOVE

    @property
    def in_probation(self) -> bool:
        return self.status == Status.OPEN and self.admitted_on is not None and self.full_on is None


class StepRecord(models.Model):
    recruitment = models.ForeignKey(Recruitment, on_delete=models.CASCADE, related_name="steps")
    step = models.PositiveSmallIntegerField("步骤", choices=STEP_CHOICES)
    date = models.DateField("日期")
    note = models.TextField("情况记录", blank=True)
    committee = models.ForeignKey(Organization, verbose_name="审批（备案）党委", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    talker = models.CharField("谈话人", max_length=100, blank=True)
    contacts = models.ManyToManyField(Member, verbose_name="培养联系人", blank=True, related_name="+")
    introducers = models.ManyToManyField(Member, verbose_name="入党介绍人", blank=True, related_name="+")
    votes_entitled = models.PositiveIntegerField("应到会有表决权人数", null=True, blank=True)
    votes_present = models.PositiveIntegerField("实到会有表决权人数", null=True, blank=True)
    votes_for = models.PositiveIntegerField("赞成", null=True, blank=True)
    votes_against = models.PositiveIntegerField("反对", null=True, blank=True)
    votes_abstain = models.PositiveIntegerField("弃权", null=True, blank=True)
    training_days = models.PositiveSmallIntegerField("培训天数", null=True, blank=True)
    training_hours = models.PositiveSmallIntegerField("培训学时", null=True, blank=True)
    approval_extended = models.BooleanField("因特殊情况延长审批时间", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "发展党员步骤"
        verbose_name_plural = "发展党员步骤"
        ordering = ["recruitment_id", "step"]
        constraints = [models.UniqueConstraint(fields=["recruitment", "step"], name="recruitment_step_once")]

    def __str__(self):
        return f"{self.recruitment.name} {self.title}"

    @property
    def title(self) -> str:
        return STEPS[self.step].title

    @property
    def spec(self):
        return STEPS[self.step]

    @property
    def audit_scope_path(self) -> str:
        return self.recruitment.organization.path


class EventKind(models.TextChoices):
    REVIEW = "review", "入党积极分子半年考察"
    PUBLICITY = "publicity", "发展对象公示"
    EXTENSION = "extension", "延长预备期"
    CANCELLATION = "cancellation", "取消预备党员资格"
    TERMINATION = "termination", "终止培养"


class Event(models.Model):
    """What happens between the numbered steps, with its own date."""

    recruitment = models.ForeignKey(Recruitment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=20, choices=EventKind.choices)
    date = models.DateField("日期")
    end_on = models.DateField("结束日期", null=True, blank=True)
    months = models.PositiveSmallIntegerField("延长月数", null=True, blank=True)
    note = models.TextField("情况记录", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "发展党员事项"
        verbose_name_plural = "发展党员事项"
        ordering = ["recruitment_id", "date", "id"]

    def __str__(self):
        return f"{self.recruitment.name} {self.get_kind_display()}"

    @property
    def audit_scope_path(self) -> str:
        return self.recruitment.organization.path


def _upload_to(instance, filename):
    return stored_name("recruitment", filename, datetime.date.today())


class Attachment(AttachmentBase):
    """(original_name, size, uploaded_by, uploaded_at, Meta and __str__: core.files.AttachmentBase.)"""

    recruitment = models.ForeignKey(Recruitment, on_delete=models.CASCADE, related_name="attachments")
    step_record = models.ForeignKey(StepRecord, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="attachments")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to=_upload_to, max_length=255)
    # Blank allowed here (the base's without): the field as the table was made.
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = RecruitmentChildQuerySet.as_manager()


class Override(models.Model):
    """A rule check that an organiser set aside, with the written reason (listed for the county)."""

    recruitment = models.ForeignKey(Recruitment, on_delete=models.CASCADE, related_name="overrides")
    step = models.PositiveSmallIntegerField("步骤", choices=STEP_CHOICES, null=True, blank=True)
    event_kind = models.CharField("事项", max_length=20, choices=EventKind.choices, blank=True)
    rules = models.JSONField("未通过的规则", default=list)
    reason = models.TextField("书面理由")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField("操作人", max_length=150)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    objects = RecruitmentChildQuerySet.as_manager()

    class Meta:
        verbose_name = "规则越过记录"
        verbose_name_plural = "规则越过记录"
        ordering = ["-created_at", "-id"]

    @property
    def what(self) -> str:
        if self.step:
            return STEPS[self.step].title
        return self.get_event_kind_display()
