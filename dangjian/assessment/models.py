"""Assessment plans, scores, accountability decisions, results used, 述职评议, 三单, the rectification
ledger (整改台账) and the monthly joint meeting. Every write goes through services.py."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangjian.core import roles
from dangjian.core.scope import OrganisationScopedQuerySet, ScopedQuerySet, subtree_q
from dangjian.register.models import Organization

from .vocab import (
    DecisionKind, Grade, IndicatorKind, ListKind, PlanKind, PlanStatus, ProblemCategory, ProblemSource, ProblemState,
    UseKind, Verdict,
)

STAFF_ROLES = roles.STAFF_ROLES
SUPERIOR_ROLES = roles.SUPERVISOR_ROLES


class SubtreeQuerySet(OrganisationScopedQuerySet):
    """Rows of an organisation (``subtree_field``): staff see their subtree; ``change_roles`` may change it."""

    view_roles = change_roles = STAFF_ROLES


# --- 整改台账 ----------------------------------------------------------------------------------

class ProblemQuerySet(SubtreeQuerySet):
    def scope_filter(self, user, action):
        path = user.scope_path
        if path is None or user.role not in STAFF_ROLES:
            return self.none()
        # An overdue problem escalated to a level is also that level's business.
        return self.filter(subtree_q(path, "organization") | subtree_q(path, "escalated_to"))

    def open_on(self, day):
        return self.filter(found_on__lte=day).filter(Q(signed_off_on__isnull=True) | Q(signed_off_on__gt=day))

    def overdue_on(self, day):
        return self.open_on(day).filter(deadline__lt=day)

    def in_state(self, state: str):
        if state == ProblemState.LOOKED_BACK:
            return self.filter(signed_off_on__isnull=False, lookback_on__isnull=False)
        if state == ProblemState.SIGNED_OFF:
            return self.filter(signed_off_on__isnull=False, lookback_on__isnull=True)
        open_ = self.filter(signed_off_on__isnull=True)
        if state == ProblemState.PASSED:
            return open_.filter(verdict=Verdict.PASSED)
        if state == ProblemState.FAILED:
            return open_.filter(verdict=Verdict.FAILED)
        if state == ProblemState.DONE:
            return open_.filter(completed_on__isnull=False, verdict="")
        if state == ProblemState.OPEN:
            return open_.filter(completed_on__isnull=True, verdict="")
        return self


class Problem(models.Model):
    number = models.CharField("问题编号", max_length=30, unique=True)
    organization = models.ForeignKey(Organization, verbose_name="所在党组织", on_delete=models.PROTECT,
                                     related_name="problems")
    source = models.CharField("问题来源", max_length=10, choices=ProblemSource.choices)
    category = models.CharField("问题类别", max_length=10, choices=ProblemCategory.choices, db_index=True)
    description = models.TextField("问题描述")
    standard = models.CharField("整改标准", max_length=300, blank=True)
    found_on = models.DateField("发现日期", db_index=True)
    deadline = models.DateField("整改时限")
    measures = models.TextField("整改措施", blank=True)
    responsible = models.CharField("责任人", max_length=50)
    completed_on = models.DateField("整改完成日期", null=True, blank=True)
    verified_on = models.DateField("复查日期", null=True, blank=True)
    verdict = models.CharField("复查结论", max_length=5, choices=Verdict.choices, blank=True)
    verification_note = models.CharField("复查情况", max_length=300, blank=True)
    signed_off_on = models.DateField("销号日期", null=True, blank=True, db_index=True)
    lookback_on = models.DateField("回头看日期", null=True, blank=True)
    lookback_note = models.CharField("回头看情况", max_length=300, blank=True)
    recurring = models.BooleanField("反复出现", default=False, db_index=True)
    escalated_to = models.ForeignKey(Organization, verbose_name="逾期上报至", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="escalated_problems")
    escalated_on = models.DateField("上报日期", null=True, blank=True)
    origin = models.CharField("来源记录", max_length=80, null=True, blank=True, unique=True)
    plan = models.ForeignKey("Plan", verbose_name="考核方案", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="problems")
    debrief = models.ForeignKey("Debrief", verbose_name="述职评议", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="problems")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ProblemQuerySet.as_manager()

    AUDITED = ("number", "organization", "source", "category", "description", "standard", "found_on", "deadline",
               "measures", "responsible", "completed_on", "verified_on", "verdict", "verification_note",
               "signed_off_on", "lookback_on", "lookback_note", "escalated_to", "escalated_on")

    class Meta:
        verbose_name = "整改问题"
        verbose_name_plural = "整改台账"
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["organization", "category", "found_on"], name="problem_recur_idx")]

    def __str__(self):
        return f"{self.number} {self.description[:30]}"

    @property
    def audit_scope_path(self):
        return self.organization.path

    @property
    def state(self) -> str:
        if self.signed_off_on:
            return ProblemState.LOOKED_BACK if self.lookback_on else ProblemState.SIGNED_OFF
        if self.verdict == Verdict.PASSED:
            return ProblemState.PASSED
        if self.verdict == Verdict.FAILED:
            return ProblemState.FAILED
        return ProblemState.DONE if self.completed_on else ProblemState.OPEN

    @property
    def state_label(self) -> str:
        return ProblemState(self.state).label

    def is_overdue(self, day) -> bool:
        return self.found_on <= day and (self.signed_off_on is None or self.signed_off_on > day) and self.deadline < day


class ProblemProgressQuerySet(SubtreeQuerySet):
    subtree_field = "problem__organization"


class ProblemProgress(models.Model):
    """A progress report, verification, sign-off or 回头看 entry in a problem's history."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="progress")
    day = models.DateField("日期")
    kind = models.CharField("类别", max_length=10, default="进展")
    text = models.TextField("情况")
    author_name = models.CharField("填报人", max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProblemProgressQuerySet.as_manager()

    class Meta:
        verbose_name = "整改进展"
        verbose_name_plural = "整改进展"
        ordering = ["day", "id"]


# --- Assessment plans ----------------------------------------------------------------------------

class PlanQuerySet(ScopedQuerySet):
    """The organising level's staff see and change a plan; the staff of an assessed organisation see it."""

    def scope_filter(self, user, action):
        path = user.scope_path
        if path is None or user.role not in STAFF_ROLES:
            return self.none()
        own = subtree_q(path, "owner")
        if action != "view":
            return self.filter(own) if user.role in SUPERIOR_ROLES else self.none()
        assessed = Q(pk__in=PlanTarget.objects.filter(subtree_q(path, "organization")).values("plan_id"))
        return self.filter(own | assessed)


class Plan(models.Model):
    name = models.CharField("考核方案名称", max_length=200)
    owner = models.ForeignKey(Organization, verbose_name="组织考核的党组织", on_delete=models.PROTECT,
                              related_name="assessment_plans")
    kind = models.CharField("考核类别", max_length=10, choices=PlanKind.choices)
    date_from = models.DateField("考核期间自")
    date_to = models.DateField("考核期间至")
    bottom_places = models.PositiveSmallIntegerField("末位名次数（每个同类组）", default=1)
    status = models.CharField("状态", max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    published_on = models.DateField("公布日期", null=True, blank=True)
    closed_on = models.DateField("结束日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["-date_to", "-id"]

    def __str__(self):
        return self.name

    @property
    def audit_scope_path(self):
        return self.owner.path


class Indicator(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    area = models.CharField("考核方面", max_length=50)
    name = models.CharField("指标", max_length=200)
    points = models.DecimalField("分值", max_digits=6, decimal_places=2)
    kind = models.CharField("评分方式", max_length=10, choices=IndicatorKind.choices)
    computed_key = models.CharField("平台数据指标", max_length=60, blank=True)
    deduction_per_item = models.DecimalField("每项扣分", max_digits=6, decimal_places=2, null=True, blank=True)
    rule = models.CharField("评分（扣分）规则", max_length=300, blank=True)
    check_method = models.CharField("考核方法", max_length=300, blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.area}／{self.name}"


class PlanTargetQuerySet(SubtreeQuerySet):
    def scope_filter(self, user, action):
        path = user.scope_path
        if path is None or user.role not in STAFF_ROLES:
            return self.none()
        owner = subtree_q(path, "plan__owner")
        if action != "view":
            return self.filter(owner) if user.role in SUPERIOR_ROLES else self.filter(subtree_q(path, "organization"))
        return self.filter(owner | subtree_q(path, "organization"))


class PlanTarget(models.Model):
    """An organisation assessed by a plan, in a peer group (同类组) for the ranking."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    organization = models.ForeignKey(Organization, verbose_name="被考核党组织", on_delete=models.PROTECT,
                                     related_name="assessment_targets")
    peer_group = models.CharField("同类组", max_length=30, default="")

    objects = PlanTargetQuerySet.as_manager()

    class Meta:
        verbose_name = "被考核党组织"
        verbose_name_plural = "被考核党组织"
        ordering = ["peer_group", "organization__path"]
        constraints = [models.UniqueConstraint(fields=["plan", "organization"], name="plan_target_unique")]

    def __str__(self):
        return f"{self.plan}：{self.organization}"

    @property
    def audit_scope_path(self):
        return self.organization.path


class Score(models.Model):
    """An assessor's score (or faults found, for a deduction indicator) and the organisation's self-assessment."""

    target = models.ForeignKey(PlanTarget, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="scores")
    self_score = models.DecimalField("自评分", max_digits=6, decimal_places=2, null=True, blank=True)
    self_note = models.CharField("自评说明", max_length=300, blank=True)
    score = models.DecimalField("评分", max_digits=6, decimal_places=2, null=True, blank=True)
    faults = models.PositiveSmallIntegerField("扣分项数", null=True, blank=True)
    comment = models.CharField("评分说明", max_length=300, blank=True)
    evidence = models.CharField("佐证（可选）", max_length=300, blank=True)
    scored_by_name = models.CharField("评分人", max_length=150, blank=True)

    class Meta:
        verbose_name = "考核评分"
        verbose_name_plural = "考核评分"
        constraints = [models.UniqueConstraint(fields=["target", "indicator"], name="score_unique")]


class DecisionQuerySet(SubtreeQuerySet):
    subtree_field = "target__organization"

    def scope_filter(self, user, action):
        path = user.scope_path
        if path is None or user.role not in STAFF_ROLES:
            return self.none()
        return self.filter(subtree_q(path, "target__plan__owner") | subtree_q(path, "target__organization"))


class Decision(models.Model):
    """The accountability decision on a bottom place (末位问责)."""

    target = models.OneToOneField(PlanTarget, on_delete=models.CASCADE, related_name="decision")
    kind = models.CharField("问责决定", max_length=10, choices=DecisionKind.choices)
    reason = models.TextField("决定内容或不予问责的理由")
    decided_on = models.DateField("决定日期")
    decided_by_name = models.CharField("登记人", max_length=150, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "末位问责决定"
        verbose_name_plural = "末位问责决定"



class ResultUseQuerySet(ScopedQuerySet):
    def scope_filter(self, user, action):
        return self.filter(plan__in=Plan.objects.scope_filter(user, action).values("pk"))


class ResultUse(models.Model):
    """A decision (award, promotion, training) that used a plan's results, recorded where it was made."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="uses")
    organization = models.ForeignKey(Organization, verbose_name="涉及党组织", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("运用方式", max_length=10, choices=UseKind.choices)
    decision = models.CharField("决定事项", max_length=300)
    decided_on = models.DateField("决定日期")
    decided_by = models.CharField("决定机关", max_length=100)

    objects = ResultUseQuerySet.as_manager()

    class Meta:
        verbose_name = "考核结果运用"
        verbose_name_plural = "考核结果运用"
        ordering = ["-decided_on", "-id"]


# --- 书记抓基层党建述职评议 ---------------------------------------------------------------------

class Debrief(models.Model):
    organization = models.ForeignKey(Organization, verbose_name="述职党组织", on_delete=models.PROTECT,
                                     related_name="debriefs")
    year = models.PositiveSmallIntegerField("年度")
    secretary = models.CharField("述职书记", max_length=50)
    held_on = models.DateField("评议日期")
    report = models.TextField("述职报告")
    comment = models.TextField("上级党组织点评", blank=True)
    votes_good = models.PositiveIntegerField("好", default=0)
    votes_fairly_good = models.PositiveIntegerField("较好", default=0)
    votes_average = models.PositiveIntegerField("一般", default=0)
    votes_poor = models.PositiveIntegerField("差", default=0)
    grade = models.CharField("评议等次", max_length=5, choices=Grade.choices, blank=True)

    objects = SubtreeQuerySet.as_manager()

    class Meta:
        verbose_name = "书记述职评议"
        verbose_name_plural = "书记述职评议"
        ordering = ["-year", "organization__path"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="debrief_unique_year")]

    def __str__(self):
        return f"{self.year}年{self.organization}书记述职评议"

    @property
    def audit_scope_path(self):
        return self.organization.path

    @property
    def votes_total(self) -> int:
        return self.votes_good + self.votes_fairly_good + self.votes_average + self.votes_poor

    @property
    def good_rate(self):
        t = self.votes_total
        return round((self.votes_good + self.votes_fairly_good) * 100 / t, 1) if t else None


# --- 三单 -------------------------------------------------------------------------------------------

class ListItem(models.Model):
    organization = models.ForeignKey(Organization, verbose_name="党组织", on_delete=models.PROTECT,
                                     related_name="three_list_items")
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("清单", max_length=10, choices=ListKind.choices)
    content = models.CharField("内容", max_length=300)
    owner = models.CharField("责任人", max_length=50)
    deadline = models.DateField("完成时限", null=True, blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)

    objects = SubtreeQuerySet.as_manager()

    class Meta:
        verbose_name = "三单事项"
        verbose_name_plural = "三单事项"
        ordering = ["-year", "organization__path", "kind", "id"]

    @property
    def audit_scope_path(self):
        return self.organization.path


# --- 党建工作联席例会 ----------------------------------------------------------------------------

class MeetingQuerySet(SubtreeQuerySet):
    change_roles = SUPERIOR_ROLES


class JointMeeting(models.Model):
    organization = models.ForeignKey(Organization, verbose_name="召集党组织", on_delete=models.PROTECT,
                                     related_name="joint_meetings")
    held_on = models.DateField("召开日期")
    theme = models.CharField("主题", max_length=200)
    attendance = models.TextField("出席单位和人员")
    progress = models.TextField("各单位工作进度（赛进度）", blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "党建工作联席例会"
        verbose_name_plural = "党建工作联席例会"
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.held_on:%Y年%m月}联席例会：{self.theme}"

    @property
    def audit_scope_path(self):
        return self.organization.path


class MeetingTaskQuerySet(SubtreeQuerySet):
    subtree_field = "meeting__organization"
    change_roles = SUPERIOR_ROLES


class MeetingTask(models.Model):
    meeting = models.ForeignKey(JointMeeting, on_delete=models.CASCADE, related_name="tasks")
    content = models.CharField("任务", max_length=300)
    owner = models.CharField("责任单位（人）", max_length=100)
    deadline = models.DateField("完成时限")
    done_on = models.DateField("完成日期", null=True, blank=True)
    follow_up = models.CharField("下次例会跟进情况", max_length=300, blank=True)
    followed_up_at = models.ForeignKey(JointMeeting, verbose_name="跟进的例会", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="followed_tasks")

    objects = MeetingTaskQuerySet.as_manager()

    class Meta:
        verbose_name = "例会任务"
        verbose_name_plural = "例会任务"
        ordering = ["deadline", "id"]
