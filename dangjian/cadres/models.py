"""Teams and cadres, training, pay standards, community funds, venue investments and 两委 elections.

A cadre record is one person in one post of one Party organisation from ``started_on``; it
**serves** from that day to the day before ``ended_on`` (ledger-sheets.md 干部). ``serving_on(day)``
is the one query that says who holds which post on a day (issue 14: an account follows its
holder's post). ID numbers are stored encrypted with a keyed digest, like the member register.
"""
from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangjian.core import crypto, roles
from dangjian.core.scope import (
    CHANGE, VIEW, DivisionScopedQuerySet, OrganisationScopedQuerySet, ScopedQuerySet, subtree_q,
)
from dangjian.core.tree import STEP
from dangjian.register.models import Division, Member, Organization
from dangjian.register.vocab import Education, Sex

from .vocab import (
    CandidateState, CommunityCategory, ElectionStatus, FundCategory, OPEN_ELECTION_STATUSES, Post, TraineeRole,
    VettingOutcome,
)

STAFF_ROLES = roles.STAFF_ROLES
MANAGER_ROLES = roles.SUPERVISOR_ROLES  # township organisers and the county: record and change


class _OrgScoped(OrganisationScopedQuerySet):
    """Rows of an organisation subtree: organisers and the county see and change their subtree,
    a secretary sees (only) their own organisation's subtree, members see nothing."""

    view_roles, change_roles = STAFF_ROLES, MANAGER_ROLES


class _DivisionScoped(DivisionScopedQuerySet):
    """Rows of a division subtree: the user's organisation's division and below."""

    view_roles, change_roles = STAFF_ROLES, MANAGER_ROLES

    def in_division(self, division):
        return self.in_subtree(division)


class CadreQuerySet(_OrgScoped):
    def serving_on(self, day: datetime.date):
        """Records serving on ``day``: started on or before it, not yet ended (离任日期 after it)."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day), started_on__lte=day)

    def secretaries(self):
        return self.filter(post=Post.SECRETARY)

    def of_person(self, *, id_number: str = "", member=None):
        """Every post a person has held (issue 14: a user's posts), by member or ID number."""
        q = Q(pk__in=[])
        if member is not None:
            q |= Q(member=member)
        if id_number:
            q |= Q(id_number_hash=crypto.lookup_hash(id_number))
        return self.filter(q)


class PersonMixin(models.Model):
    """Name, encrypted ID number, the member it links to, and what the structure counts need."""

    name = models.CharField("姓名", max_length=50, db_index=True)
    id_number_encrypted = models.TextField("公民身份号码（密文）", blank=True, editable=False)
    id_number_hash = models.CharField("公民身份号码摘要", max_length=64, blank=True, db_index=True, editable=False)
    member = models.ForeignKey(Member, verbose_name="党员", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    sex = models.CharField("性别", max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    education = models.CharField("学历", max_length=10, choices=Education.choices, blank=True)

    id_number = crypto.encrypted_property("id_number", empty_if_none=True)
    id_number_masked = crypto.masked_property("id_number", crypto.mask_id_number)

    class Meta:
        abstract = True


class Cadre(PersonMixin):
    organization = models.ForeignKey(Organization, verbose_name="所在党组织", on_delete=models.PROTECT,
                                     related_name="cadres")
    post = models.CharField("职务", max_length=10, choices=Post.choices)
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("离任日期", null=True, blank=True,
                                help_text="任职至离任日期的前一天；仍在任的不填")
    one_shoulder = models.BooleanField("一肩挑", default=False,
                                       help_text="书记同时担任村（居）民委员会主任")
    concurrent_post = models.CharField("交叉任职", max_length=100, blank=True,
                                       help_text="如“两新”组织书记兼任的经营管理职务")
    election = models.ForeignKey("Election", verbose_name="选举产生", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="elected_cadres")
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = CadreQuerySet.as_manager()

    AUDITED_FIELDS = ("name", "organization", "post", "started_on", "ended_on", "one_shoulder", "concurrent_post",
                      "education", "note")

    class Meta:
        verbose_name = "干部"
        verbose_name_plural = "干部"
        ordering = ["organization__path", "post", "-started_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name", "post", "started_on"], name="cadre_natural_key"),
            # One serving 书记 per organisation: at most one open-ended record (the service also
            # refuses any overlap of dated records, which an index cannot express portably).
            models.UniqueConstraint(fields=["organization"], condition=Q(post="书记", ended_on__isnull=True),
                                    name="cadre_one_open_secretary"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gt=models.F("started_on")),
                                   name="cadre_ends_after_start"),
        ]
        indexes = [models.Index(fields=["post", "organization", "started_on"], name="cadre_post_org_start")]

    def __str__(self):
        return f"{self.organization.name} {self.post} {self.name}"

    @property
    def audit_scope_path(self) -> str:
        return self.organization.path

    def serves_on(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on > day)

    @property
    def last_day(self) -> datetime.date | None:
        return self.ended_on - datetime.timedelta(days=1) if self.ended_on else None


class TrainingClassQuerySet(ScopedQuerySet):
    """A class is seen by staff of the organisation that holds it, of its subtree, and of the
    organisations above (a county class is seen everywhere); changed by organisers of the holder's subtree."""

    def scope_filter(self, user, action):
        path = user.scope_path
        if path is None or not roles.has_role(user, STAFF_ROLES):
            return self.none()
        own = subtree_q(path, "organization")
        if action == CHANGE:
            return self.filter(own) if roles.has_role(user, MANAGER_ROLES) else self.none()
        ancestors = [path[:i] for i in range(STEP, len(path), STEP)]
        return self.filter(own | Q(organization__path__in=ancestors))


class TrainingClass(models.Model):
    name = models.CharField("培训班名称", max_length=100)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期")
    hours = models.DecimalField("学时", max_digits=6, decimal_places=1)
    audience = models.CharField("培训对象", max_length=100, blank=True)
    organization = models.ForeignKey(Organization, verbose_name="举办单位", on_delete=models.PROTECT,
                                     related_name="training_classes")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = TrainingClassQuerySet.as_manager()
    AUDITED_FIELDS = ("name", "started_on", "ended_on", "hours", "audience", "organization")

    class Meta:
        verbose_name = "培训班"
        verbose_name_plural = "培训班"
        ordering = ["-started_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "started_on"], name="training_class_key"),
            models.CheckConstraint(condition=Q(ended_on__gte=models.F("started_on")), name="training_class_dates"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_class_hours"),
        ]

    def __str__(self):
        return f"{self.name}（{self.started_on:%Y-%m-%d}）"

    @property
    def audit_scope_path(self) -> str:
        return self.organization.path


class AttendanceQuerySet(_OrgScoped):
    pass


class TrainingAttendance(PersonMixin):
    training = models.ForeignKey(TrainingClass, verbose_name="培训班", on_delete=models.CASCADE,
                                 related_name="attendances")
    organization = models.ForeignKey(Organization, verbose_name="所在党组织", on_delete=models.PROTECT,
                                     related_name="+")
    role = models.CharField("参训身份", max_length=10, choices=TraineeRole.choices)
    cadre = models.ForeignKey(Cadre, verbose_name="干部", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="trainings")

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = "参训记录"
        verbose_name_plural = "参训记录"
        ordering = ["training", "organization__path", "name"]
        constraints = [models.UniqueConstraint(fields=["training", "name", "organization"],
                                               name="training_attendance_key")]

    def __str__(self):
        return f"{self.training.name} {self.name}"

    @property
    def audit_scope_path(self) -> str:
        return self.organization.path


class CountyWideQuerySet(ScopedQuerySet):
    """County-wide tables (pay standards): staff see them, the county organisation department changes them."""

    def scope_filter(self, user, action):
        if action == VIEW and roles.has_role(user, STAFF_ROLES):
            return self
        if action == CHANGE and roles.is_county_admin(user):
            return self
        return self.none()


class PayStandard(models.Model):
    category = models.CharField("社区类别", max_length=10, choices=CommunityCategory.choices)
    post = models.CharField("职务", max_length=10, choices=[(p, p) for p in ("书记", "副书记", "专职副书记", "委员")])
    amount = models.DecimalField("月标准（元）", max_digits=10, decimal_places=2)
    effective_on = models.DateField("执行日期")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = CountyWideQuerySet.as_manager()
    AUDITED_FIELDS = ("category", "post", "amount", "effective_on")

    class Meta:
        verbose_name = "报酬标准"
        verbose_name_plural = "报酬标准"
        ordering = ["category", "post", "-effective_on"]
        constraints = [
            models.UniqueConstraint(fields=["category", "post", "effective_on"], name="pay_standard_key"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="pay_standard_amount"),
        ]

    def __str__(self):
        return f"{self.category}{self.post} {self.amount}元/月（{self.effective_on:%Y-%m-%d}起）"


class CommunityFund(models.Model):
    division = models.ForeignKey(Division, verbose_name="所在行政区划", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    category = models.CharField("经费类别", max_length=10, choices=FundCategory.choices)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = _DivisionScoped.as_manager()
    AUDITED_FIELDS = ("division", "year", "category", "amount")

    class Meta:
        verbose_name = "社区经费"
        verbose_name_plural = "社区经费"
        ordering = ["-year", "division__path", "category"]
        constraints = [
            models.UniqueConstraint(fields=["division", "year", "category"], name="community_fund_key"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="community_fund_amount"),
        ]

    def __str__(self):
        return f"{self.division.name}{self.year}年{self.category}"


class VenueInvestment(models.Model):
    division = models.ForeignKey(Division, verbose_name="所在行政区划", on_delete=models.PROTECT, related_name="+")
    project = models.CharField("项目名称", max_length=100)
    invested_on = models.DateField("投入日期")
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = _DivisionScoped.as_manager()
    AUDITED_FIELDS = ("division", "project", "invested_on", "amount")

    class Meta:
        verbose_name = "阵地投入"
        verbose_name_plural = "阵地投入"
        ordering = ["-invested_on", "division__path"]
        constraints = [
            models.UniqueConstraint(fields=["division", "project", "invested_on"], name="venue_investment_key"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="venue_investment_amount"),
        ]
        indexes = [models.Index(fields=["invested_on"], name="venue_investment_date")]

    def __str__(self):
        return f"{self.division.name} {self.project}"


class ElectionQuerySet(_OrgScoped):
    pass


class Election(models.Model):
    """A 换届选举 of one organisation's team (两委: with the village/residents' committee)."""

    organization = models.ForeignKey(Organization, verbose_name="党组织", on_delete=models.PROTECT,
                                     related_name="elections")
    term_ends_on = models.DateField("本届届满日期", null=True, blank=True)
    planned_on = models.DateField("计划选举日期")
    plan = models.TextField("换届工作方案", blank=True)
    status = models.CharField("状态", max_length=10, choices=ElectionStatus.choices, default=ElectionStatus.PLANNED)
    held_on = models.DateField("选举日期", null=True, blank=True)
    result_note = models.TextField("选举结果说明", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = ElectionQuerySet.as_manager()
    AUDITED_FIELDS = ("organization", "term_ends_on", "planned_on", "plan", "status", "held_on", "result_note")

    class Meta:
        verbose_name = "换届选举"
        verbose_name_plural = "换届选举"
        ordering = ["-planned_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization"], condition=Q(status__in=list(OPEN_ELECTION_STATUSES)),
                                    name="election_one_open_per_org"),
        ]

    def __str__(self):
        return f"{self.organization.name}换届选举（{self.planned_on:%Y-%m-%d}）"

    @property
    def audit_scope_path(self) -> str:
        return self.organization.path

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ELECTION_STATUSES


class CandidateQuerySet(_OrgScoped):
    subtree_field = "election__organization"


class Candidate(PersonMixin):
    election = models.ForeignKey(Election, verbose_name="换届选举", on_delete=models.CASCADE, related_name="candidates")
    post = models.CharField("拟任职务", max_length=10, choices=[(p, p) for p in ("书记", "副书记", "专职副书记", "委员")])
    state = models.CharField("联审结果", max_length=10, choices=CandidateState.choices, default=CandidateState.PENDING)
    elected = models.BooleanField("当选", default=False)

    objects = CandidateQuerySet.as_manager()
    AUDITED_FIELDS = ("name", "post", "state", "elected")

    class Meta:
        verbose_name = "候选人"
        verbose_name_plural = "候选人"
        ordering = ["election", "post", "id"]
        constraints = [models.UniqueConstraint(fields=["election", "name", "post"], name="candidate_key")]

    def __str__(self):
        return f"{self.name}（{self.post}）"

    @property
    def audit_scope_path(self) -> str:
        return self.election.organization.path


class Vetting(models.Model):
    """One department's answer in the joint vetting (联审) of a candidate."""

    candidate = models.ForeignKey(Candidate, verbose_name="候选人", on_delete=models.CASCADE, related_name="vettings")
    department = models.CharField("联审部门", max_length=50)
    outcome = models.CharField("结果", max_length=10, choices=VettingOutcome.choices)
    negative_item = models.CharField("负面清单情形", max_length=200, blank=True)
    reason = models.CharField("理由", max_length=300, blank=True)
    vetted_on = models.DateField("联审日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = "联审意见"
        verbose_name_plural = "联审意见"
        ordering = ["candidate", "department"]
        constraints = [models.UniqueConstraint(fields=["candidate", "department"], name="vetting_one_per_department")]

    def __str__(self):
        return f"{self.candidate.name} {self.department} {self.get_outcome_display()}"
