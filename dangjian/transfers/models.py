"""组织关系转接 (membership transfers) and 流动党员 (floating members).

A transfer inside the platform moves a member from one organisation to another through a
transfer letter (介绍信, three parts: 存根, 介绍信, 回执). Transfers to or from outside the platform
(another county or province, abroad, the armed forces) are recorded with the letter's number and
the receipt; the member leaves (已转出) or enters the register.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangjian.core import crypto
from dangjian.core import roles
from dangjian.core.scope import VIEW, ScopedQuerySet, subtree_q
from dangjian.register.models import Member, Organization


class Kind(models.TextChoices):
    INTERNAL = "internal", "平台内转接"
    OUT = "out", "转出平台外"
    IN = "in", "从平台外转入"


class Status(models.TextChoices):
    REQUESTED = "requested", "待审批"
    ISSUED = "issued", "已开具介绍信，待接收"
    ACCEPTED = "accepted", "已接收，待回执"
    COMPLETED = "completed", "已办结"
    RETURNED = "returned", "已退回"
    REJECTED = "rejected", "未批准"
    CANCELLED = "cancelled", "已撤销"


OPEN_STATUSES = (Status.REQUESTED, Status.ISSUED, Status.ACCEPTED)
CLOSED_STATUSES = (Status.COMPLETED, Status.RETURNED, Status.REJECTED, Status.CANCELLED)


class Destination(models.TextChoices):
    """Where a letter to or from outside the platform goes or comes from (sets its validity)."""

    CITY = "city", "本市其他县（市、区）"
    PROVINCE = "province", "本省其他市"
    OTHER_PROVINCE = "other_province", "外省（区、市）"
    ABROAD = "abroad", "出国（境）"
    MILITARY = "military", "军队"


class TransferQuerySet(ScopedQuerySet):
    """Staff see the transfers whose sending or receiving organisation lies in their subtree;
    a member sees their own. Which step a user may take is decided by the services."""

    def scope_filter(self, user, action):
        if user.role == roles.MEMBER:
            return self.filter(member_id=user.member_id) if user.member_id else self.none()
        path = user.scope_path
        if path is None or user.role not in roles.STAFF_ROLES:
            return self.none()
        return self.filter(subtree_q(path, "from_org") | subtree_q(path, "to_org"))

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Transfer(models.Model):
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.INTERNAL)
    member = models.ForeignKey(Member, verbose_name="党员", on_delete=models.PROTECT, related_name="transfers")
    from_org = models.ForeignKey(Organization, verbose_name="转出党组织", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="transfers_out")
    to_org = models.ForeignKey(Organization, verbose_name="转入党组织", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="transfers_in")
    # For a transfer to or from outside the platform: the other side's organisation, in words.
    external_org_name = models.CharField("平台外党组织", max_length=200, blank=True)
    # A member asking for their own transfer names where they go in words; the committee picks the
    # organisation when it approves.
    requested_destination = models.CharField("拟转入党组织（党员填写）", max_length=200, blank=True)
    destination = models.CharField("去向/来源", max_length=20, choices=Destination.choices, blank=True)
    reason = models.CharField("转接原因", max_length=300, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_on = models.DateField("申请日期")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    by_member = models.BooleanField("党员本人申请", default=False)
    # The letter (介绍信): its number, day of issue and last valid day (inclusive).
    letter_number = models.CharField("介绍信编号", max_length=50, blank=True)
    issued_on = models.DateField("开具日期", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    letters_issued = models.PositiveSmallIntegerField("开具次数", default=0)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decision_note = models.CharField("审批意见", max_length=300, blank=True)
    accepted_on = models.DateField("接收日期", null=True, blank=True)
    reported_on = models.DateField("报到日期", null=True, blank=True)
    returned_on = models.DateField("退回日期", null=True, blank=True)
    return_reason = models.CharField("退回原因", max_length=300, blank=True)
    receipt_on = models.DateField("回执日期", null=True, blank=True)
    completed_on = models.DateField("办结日期", null=True, blank=True, db_index=True)
    closed_on = models.DateField("关闭日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = TransferQuerySet.as_manager()

    AUDITED_FIELDS = (
        "kind", "member", "from_org", "to_org", "external_org_name", "requested_destination", "destination", "reason", "status",
        "letter_number", "issued_on", "valid_until", "decision_note", "accepted_on", "reported_on", "returned_on",
        "return_reason", "receipt_on", "completed_on",
    )

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        ordering = ["-requested_on", "-id"]
        constraints = [
            # A person has at most one open transfer (the service says so in words first).
            models.UniqueConstraint(fields=["member"], condition=Q(status__in=OPEN_STATUSES),
                                    name="transfer_one_open_per_member"),
            # Numbers of the letters this county issues are unique; incoming letters carry other counties' numbers.
            models.UniqueConstraint(fields=["letter_number"], condition=~Q(letter_number="") & ~Q(kind="in"),
                                    name="transfer_unique_letter_number"),
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"], name="transfer_status_valid"),
            models.Index(fields=["kind", "completed_on"], name="transfer_kind_completed"),
        ]

    def __str__(self):
        target = self.to_display
        return f"{self.member.name} 转往 {target}" if self.kind != Kind.IN else f"{self.member.name} 自 {self.external_org_name} 转入"

    @property
    def audit_scope_path(self) -> str:
        org = self.from_org or self.to_org
        return org.path if org else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def letter_expired(self) -> bool:
        """An issued letter past its validity: no longer waiting, it must be issued again (issue 14)."""
        from django.utils import timezone

        return self.status == Status.ISSUED and self.valid_until is not None and timezone.localdate() > self.valid_until

    @property
    def from_display(self) -> str:
        return self.from_org.name if self.from_org_id else self.external_org_name

    @property
    def to_display(self) -> str:
        if self.to_org_id:
            return self.to_org.name
        return self.external_org_name or (f"{self.requested_destination}（待党委确定）" if self.requested_destination else "")


class LetterSequence(models.Model):
    """The last letter number used in a year (numbers run 0001, 0002… within each year)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)


# --- 流动党员 ----------------------------------------------------------------------------------

class Direction(models.TextChoices):
    OUT = "out", "外出流动"
    IN = "in", "流入本地"


class ContactKind(models.TextChoices):
    CONTACT = "contact", "联系"
    ORGLIFE = "orglife", "参加组织生活"
    DUES = "dues", "交纳党费"


class FloatingQuerySet(ScopedQuerySet):
    """Staff see the records of their subtree: a member going out by their own organisation,
    a member coming in by the branch they join."""

    def scope_filter(self, user, action):
        if user.role == roles.MEMBER:
            return self.filter(member_id=user.member_id) if user.member_id and action == VIEW else self.none()
        return self.in_user_subtree(user, roles.STAFF_ROLES)

    def active(self):
        return self.filter(ended_on__isnull=True)


class FloatingRecord(models.Model):
    direction = models.CharField("流动方向", max_length=5, choices=Direction.choices)
    # Going out: the member of the register (their own organisation keeps them).
    member = models.ForeignKey(Member, verbose_name="党员", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="floating_records")
    # Going out: the member's organisation; coming in: the local branch whose activities they join.
    organization = models.ForeignKey(Organization, verbose_name="管理党组织", on_delete=models.PROTECT,
                                     related_name="floating_records")
    # Coming in: the person is a member elsewhere, not in this county's register.
    name = models.CharField("姓名", max_length=50)
    home_org_name = models.CharField("原党组织", max_length=200, blank=True)
    place = models.CharField("外出地点/流出地", max_length=200)
    since = models.DateField("流动开始日期")
    contact_encrypted = models.TextField("联系方式（密文）", blank=True, editable=False)
    certificate_number = models.CharField("流动党员活动证编号", max_length=50, blank=True)
    ended_on = models.DateField("结束日期", null=True, blank=True)
    end_reason = models.CharField("结束原因", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = FloatingQuerySet.as_manager()

    AUDITED_FIELDS = ("direction", "member", "organization", "name", "home_org_name", "place", "since",
                      "certificate_number", "ended_on", "end_reason")

    class Meta:
        verbose_name = "流动党员"
        verbose_name_plural = "流动党员"
        ordering = ["-since", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(ended_on__isnull=True, member__isnull=False),
                                    name="floating_one_active_per_member"),
            # Coming in, the person is not in the register: one open record per person (name and home
            # organisation) and local branch, so a double submit cannot create two.
            models.UniqueConstraint(fields=["organization", "name", "home_org_name"],
                                    condition=Q(ended_on__isnull=True, direction="in"),
                                    name="floating_one_open_inflow_per_person"),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_direction_display()}）"

    @property
    def audit_scope_path(self) -> str:
        return self.organization.path

    contact = crypto.encrypted_property("contact", hashed=False, empty_if_none=True)
    contact_masked = crypto.masked_property("contact", crypto.mask_phone)


class FloatingContact(models.Model):
    """One entry of the contact log: a contact, attendance of organisational life, or dues paid."""

    record = models.ForeignKey(FloatingRecord, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField("类型", max_length=10, choices=ContactKind.choices)
    on = models.DateField("日期")
    note = models.CharField("情况说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "流动党员联系记录"
        verbose_name_plural = "流动党员联系记录"
        ordering = ["-on", "-id"]
