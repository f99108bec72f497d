"""Organisational life: activity records (三会一课 and the rest), party groups, reviews (调阅),
open bases (开放式组织生活基地) and their bookings."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangjian.core.booking import open_days_display
from dangjian.core.files import TypedAttachmentBase, stored_name
from dangjian.core import roles
from dangjian.core.scope import CALENDAR, VIEW, ScopedQuerySet, subtree_q
from dangjian.core.tree import STEP
from dangjian.register.models import Member, Organization

from .vocab import ActivityType, AttendanceStatus, BaseKind, BookingStatus, CommentKind, Source


def ancestor_paths(path: str) -> list[str]:
    return [path[:i] for i in range(STEP, len(path), STEP)]


class BranchScopedQuerySet(ScopedQuerySet):
    """Rows that belong to a branch (``subtree_field``): staff see and change their subtree; members nothing."""

    subtree_field = "organization"

    def scope_filter(self, user, action):
        return self.in_user_subtree(user, roles.STAFF_ROLES)


class PartyGroupQuerySet(BranchScopedQuerySet):
    subtree_field = "branch"


class PartyGroup(models.Model):
    """党小组: a sub-unit of a branch with its own members."""

    branch = models.ForeignKey(Organization, verbose_name="所在党支部", on_delete=models.PROTECT, related_name="party_groups")
    name = models.CharField("党小组名称", max_length=100)
    leader = models.ForeignKey(Member, verbose_name="党小组组长", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    members = models.ManyToManyField(Member, verbose_name="党小组成员", blank=True, related_name="party_groups")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = PartyGroupQuerySet.as_manager()

    class Meta:
        verbose_name = "党小组"
        verbose_name_plural = "党小组"
        ordering = ["branch_id", "name"]
        constraints = [models.UniqueConstraint(fields=["branch", "name"], name="party_group_unique_name")]

    def __str__(self):
        return self.name

    @property
    def audit_scope_path(self):
        return self.branch.path


class BaseQuerySet(ScopedQuerySet):
    """A base is visible to the organisations above and below its owner (a county base is open to every
    branch of the county, a township's to that township's branches); changed by the staff above it and
    by its manager."""

    def scope_filter(self, user, action):
        path = user.scope_path
        if path is None or user.role not in roles.STAFF_ROLES:
            return self.none()
        managed = Q(manager=user)
        if action == VIEW:
            return self.filter(
                subtree_q(path, "organization") | Q(organization__path__in=ancestor_paths(path) + [path]) | managed
            )
        if user.role in roles.SUPERVISOR_ROLES:
            return self.filter(subtree_q(path, "organization") | managed)
        return self.filter(managed)


class Base(models.Model):
    """开放式组织生活基地 or 党员活动室."""

    kind = models.CharField("类型", max_length=20, choices=BaseKind.choices, default=BaseKind.OPEN_BASE)
    name = models.CharField("名称", max_length=200, unique=True)
    organization = models.ForeignKey(Organization, verbose_name="所属党组织", on_delete=models.PROTECT, related_name="bases")
    address = models.CharField("地址", max_length=255)
    capacity = models.PositiveIntegerField("可容纳人数")
    opens_at = models.TimeField("开放开始时间")
    closes_at = models.TimeField("开放结束时间")
    open_days = models.CharField("开放日（1-7 表示周一至周日）", max_length=7, default="12345")
    theme = models.CharField("主题", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="管理人（审核预约）", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="managed_bases")
    has_venue = models.BooleanField("有场所", default=False)
    has_facilities = models.BooleanField("有设施", default=False)
    has_sign = models.BooleanField("有标志", default=False)
    has_flag = models.BooleanField("有党旗", default=False)
    has_materials = models.BooleanField("有资料", default=False)
    has_rules = models.BooleanField("有制度", default=False)
    is_active = models.BooleanField("开放中", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = BaseQuerySet.as_manager()

    AUDITED_FIELDS = (
        "kind", "name", "organization", "address", "capacity", "opens_at", "closes_at", "open_days", "theme",
        "contact_name", "contact_phone", "manager", "has_venue", "has_facilities", "has_sign", "has_flag",
        "has_materials", "has_rules", "is_active",
    )

    class Meta:
        verbose_name = "组织生活基地"
        verbose_name_plural = "组织生活基地"
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    @property
    def audit_scope_path(self):
        return self.organization.path

    @property
    def six_haves_count(self) -> int:
        return sum(bool(getattr(self, f)) for f in ("has_venue", "has_facilities", "has_sign", "has_flag",
                                                     "has_materials", "has_rules"))

    @property
    def open_days_display(self) -> str:
        return open_days_display(self.open_days)


def _own_branch_calendar(queryset, user):
    """calendar: a member reads their own branch's activities and bookings (the 我的 page)."""
    if roles.is_member(user):
        member = user.member
        return queryset.filter(organization_id=member.organization_id) if member is not None else queryset.none()
    return queryset.scope_filter(user, VIEW)


class ActivityQuerySet(BranchScopedQuerySet):
    named_actions = (CALENDAR,)

    def scope_filter(self, user, action):
        if action == CALENDAR:
            return _own_branch_calendar(self, user)
        return super().scope_filter(user, action)


class Activity(models.Model):
    """One record of organisational life (一次会议、党课、主题党日或谈心谈话)."""

    organization = models.ForeignKey(Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="activities")
    party_group = models.ForeignKey(PartyGroup, verbose_name="党小组", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="activities")
    activity_type = models.CharField("活动类型", max_length=30, choices=ActivityType.choices)
    date = models.DateField("日期")
    start_time = models.TimeField("开始时间")
    end_time = models.TimeField("结束时间")
    base = models.ForeignKey(Base, verbose_name="活动基地", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="activities")
    place = models.CharField("地点", max_length=200, blank=True)
    host = models.CharField("主持人", max_length=50)
    recorder = models.CharField("记录人", max_length=50, blank=True)
    topic = models.CharField("主题", max_length=300)
    lecturer = models.CharField("授课人", max_length=50, blank=True)
    minutes = models.TextField("会议记录", blank=True)
    decisions = models.TextField("议定事项", blank=True)
    # Counts are kept on the record (from the attendance list, or from an imported ledger that has none).
    expected_count = models.PositiveIntegerField("应到人数", default=0)
    present_count = models.PositiveIntegerField("实到人数", default=0)
    leave_count = models.PositiveIntegerField("请假人数", default=0)
    quorum_met = models.BooleanField("达到法定人数", default=True)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.WEB)
    recorded_on = models.DateField("录入日期")
    is_late = models.BooleanField("补录", default=False)
    review_count = models.PositiveIntegerField("调阅次数", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = ActivityQuerySet.as_manager()

    AUDITED_FIELDS = (
        "activity_type", "party_group", "date", "start_time", "end_time", "base", "place", "host", "recorder", "topic",
        "lecturer", "minutes", "decisions", "expected_count", "present_count", "leave_count",
    )

    class Meta:
        verbose_name = "组织生活记录"
        verbose_name_plural = "组织生活记录"
        ordering = ["-date", "-start_time", "-id"]
        indexes = [
            models.Index(fields=["organization", "activity_type", "date"], name="activity_org_type_date"),
            models.Index(fields=["date", "organization"], name="activity_date_org"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organization", "activity_type", "date", "start_time"],
                                    name="activity_natural_key"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_activity_type_display()}：{self.topic}"

    @property
    def audit_scope_path(self):
        return self.organization.path

    @property
    def absent_count(self) -> int:
        return max(self.expected_count - self.present_count - self.leave_count, 0)

    @property
    def attendance_rate(self):
        return round(self.present_count * 100 / self.expected_count, 1) if self.expected_count else None

    @property
    def place_display(self) -> str:
        return self.base.name if self.base_id else self.place

    @property
    def locked(self) -> bool:
        from django.utils import timezone

        from .rules import is_locked

        return is_locked(self.recorded_on, timezone.localdate())

    @property
    def lock_date(self):
        from .rules import lock_date

        return lock_date(self.recorded_on)


class Attendance(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, verbose_name="党员", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("出席情况", max_length=10, choices=AttendanceStatus.choices)
    reason = models.CharField("缺席/请假事由", max_length=200, blank=True)

    class Meta:
        verbose_name = "出席情况"
        verbose_name_plural = "出席情况"
        ordering = ["activity_id", "member__name", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="attendance_unique_member")]


def attachment_path(instance, filename):
    return stored_name("orglife", filename, instance.activity.date)


class AttachmentQuerySet(BranchScopedQuerySet):
    subtree_field = "activity__organization"


class Attachment(TypedAttachmentBase):
    """A photo or document of a record; served only through the scoped download view.
    (original_name, size, content_type, uploaded_by, uploaded_at, Meta and __str__: core.files.TypedAttachmentBase.)"""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to=attachment_path)
    is_photo = models.BooleanField("照片", default=False)

    objects = AttachmentQuerySet.as_manager()

    @property
    def audit_scope_path(self):
        return self.activity.organization.path


class Amendment(models.Model):
    """A correction of a locked record: what changed and why."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="amendments")
    reason = models.TextField("更正理由")
    changes = models.JSONField("更正内容", default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("更正人", max_length=150)
    created_at = models.DateTimeField("更正时间", auto_now_add=True)

    class Meta:
        verbose_name = "更正记录"
        verbose_name_plural = "更正记录"
        ordering = ["created_at", "id"]


class ReviewQuerySet(BranchScopedQuerySet):
    subtree_field = "activity__organization"


class Review(models.Model):
    """调阅: an organiser or the county opened a record."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="调阅人", on_delete=models.PROTECT,
                                 related_name="orglife_reviews")
    reviewer_name = models.CharField("调阅人姓名", max_length=150)
    reviewed_at = models.DateTimeField("调阅时间", auto_now_add=True, db_index=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = "调阅记录"
        verbose_name_plural = "调阅记录"
        ordering = ["-reviewed_at", "-id"]


class ReviewCommentQuerySet(BranchScopedQuerySet):
    subtree_field = "activity__organization"

    def open_rectifications(self):
        return self.filter(kind=CommentKind.RECTIFICATION, answered_at__isnull=True)


class ReviewComment(models.Model):
    """A reviewer's comment or rectification request (整改要求), and the branch's answer."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="comments")
    kind = models.CharField("类别", max_length=20, choices=CommentKind.choices)
    text = models.TextField("内容")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField("提出人", max_length=150)
    created_at = models.DateTimeField("提出时间", auto_now_add=True)
    answer = models.TextField("支部答复", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_by_name = models.CharField("答复人", max_length=150, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    objects = ReviewCommentQuerySet.as_manager()

    class Meta:
        verbose_name = "调阅意见"
        verbose_name_plural = "调阅意见"
        ordering = ["created_at", "id"]

    @property
    def audit_scope_path(self):
        return self.activity.organization.path

    @property
    def needs_answer(self) -> bool:
        return self.kind == CommentKind.RECTIFICATION and self.answered_at is None


class BookingQuerySet(ScopedQuerySet):
    """The booking branch's staff see their bookings; the base's side (its manager and the staff above
    its owner) see the bookings of their bases; a member their branch's (calendar)."""

    named_actions = (CALENDAR,)

    def scope_filter(self, user, action):
        if action == CALENDAR:
            return _own_branch_calendar(self, user)
        path = user.scope_path
        if path is None or user.role not in roles.STAFF_ROLES:
            return self.none()
        own = subtree_q(path, "organization")
        base_side = Q(base__manager=user)
        if user.role in roles.SUPERVISOR_ROLES:
            base_side |= subtree_q(path, "base__organization")
        return self.filter(own | base_side)


class Booking(models.Model):
    base = models.ForeignKey(Base, verbose_name="基地", on_delete=models.PROTECT, related_name="bookings")
    organization = models.ForeignKey(Organization, verbose_name="预约党组织", on_delete=models.PROTECT,
                                     related_name="base_bookings")
    date = models.DateField("日期")
    start_time = models.TimeField("开始时间")
    end_time = models.TimeField("结束时间")
    expected_count = models.PositiveIntegerField("预计人数")
    purpose = models.CharField("活动内容", max_length=300)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    status = models.CharField("状态", max_length=20, choices=BookingStatus.choices, default=BookingStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_note = models.CharField("审核意见", max_length=300, blank=True)
    visitors = models.PositiveIntegerField("实到人数", null=True, blank=True)
    activity = models.ForeignKey(Activity, verbose_name="对应活动记录", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="bookings")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("申请时间", auto_now_add=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = "基地预约"
        verbose_name_plural = "基地预约"
        ordering = ["-date", "-start_time", "-id"]
        indexes = [models.Index(fields=["base", "date"], name="booking_base_date")]

    def __str__(self):
        return f"{self.base.name} {self.date:%Y-%m-%d} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    @property
    def audit_scope_path(self):
        return self.organization.path
