"""One outbox for SMS and in-app messages, the county's message templates, members' opt-outs and
the warnings about members who cannot be reached.

A message is unique by (recipient, kind, day, channel, ref): the daily job may run twice, crash and
restart, or run twice at once, and the database still holds one row, so nothing is sent twice.
``day`` is the day the message is for (a political birthday's anniversary), not the day it went out.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from dangjian.core import roles
from dangjian.core.scope import ScopedQuerySet, subtree_q
from dangjian.register.models import Member, Organization


class Channel(models.TextChoices):
    SMS = "sms", "短信"
    IN_APP = "in_app", "站内消息"


class MessageStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


# Known kinds and their labels; reminders of other apps bring their own kinds (shown as they are).
KIND_LABELS = {
    "political_birthday": "政治生日",
    "term_ending": "换届提醒",
    "transfer_expiring": "介绍信到期提醒",
    "transfer_expired": "介绍信已过期",
    "transfer": "组织关系转接",
    "floating_warning": "流动党员失联预警",
    "recruitment_due": "发展党员待办",
    "activity_missing": "组织生活提醒",
}
SMS_KINDS = ("political_birthday",)


class MessageQuerySet(ScopedQuerySet):
    """A user sees the messages addressed to them (and a member those to their member record);
    county admins and organisers also see the outbox of their subtree."""

    def scope_filter(self, user, action):
        mine = Q(user=user)
        if user.member_id:
            mine |= Q(member_id=user.member_id)
        if roles.is_supervisor(user) and user.scope_path:
            return self.filter(mine | subtree_q(user.scope_path, "organization"))
        return self.filter(mine)

    def addressed_to(self, user):
        mine = Q(user=user)
        if user.member_id:
            mine |= Q(member_id=user.member_id)
        return self.filter(mine)


class Message(models.Model):
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    kind = models.CharField("类别", max_length=40)
    day = models.DateField("日期")
    # Distinguishes several messages of one kind to one recipient on one day (e.g. two letters).
    ref = models.CharField("关联事项", max_length=100, blank=True, default="")
    member = models.ForeignKey(Member, verbose_name="党员", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="messages")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", null=True, blank=True,
                             on_delete=models.CASCADE, related_name="messages")
    # The organisation the message is about (for the outbox's scope and the statistics).
    organization = models.ForeignKey(Organization, verbose_name="党组织", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    text = models.TextField("内容")
    params = models.JSONField("模板参数", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    next_attempt_at = models.DateTimeField("下次发送时间", null=True, blank=True)
    claimed_at = models.DateTimeField("开始发送时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    last_error = models.TextField("失败原因", blank=True)
    vendor_id = models.CharField("服务商回执编号", max_length=100, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-day", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(member__isnull=False) | Q(user__isnull=False), name="message_has_recipient"),
            models.UniqueConstraint(fields=["member", "kind", "day", "channel", "ref"],
                                    condition=Q(member__isnull=False), name="message_unique_member_key"),
            models.UniqueConstraint(fields=["user", "kind", "day", "channel", "ref"],
                                    condition=Q(member__isnull=True), name="message_unique_user_key"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_outbox"),
            models.Index(fields=["day", "channel", "kind"], name="message_day_kind"),
        ]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.kind_label} → {self.recipient_name}"

    @property
    def shown_on(self):
        """The date a reader sees: the message's day, but never later than it arrived (a term
        reminder is keyed by the term's end, which lies ahead)."""
        if self.created_at is None:
            return self.day
        return min(self.day, timezone.localdate(self.created_at))

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def recipient_name(self) -> str:
        if self.member_id:
            return self.member.name
        return self.user.display_name if self.user_id else ""

    @property
    def audit_scope_path(self) -> str:
        return self.organization.path if self.organization_id else ""


class MessageTemplate(models.Model):
    """The county's text of an SMS kind, with placeholders such as {姓名} and {周年}."""

    kind = models.CharField("类别", max_length=40, unique=True)
    text = models.TextField("模板内容")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "短信模板"
        verbose_name_plural = "短信模板"

    def __str__(self):
        return KIND_LABELS.get(self.kind, self.kind)


class SmsOptOut(models.Model):
    """A member who asked not to receive political-birthday SMS."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="sms_opt_out")
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = "不接收政治生日短信"
        verbose_name_plural = "不接收政治生日短信"


class ContactWarningQuerySet(ScopedQuerySet):
    subtree_field = "member__organization"

    def scope_filter(self, user, action):
        if user.role == roles.MEMBER:
            return self.filter(member_id=user.member_id) if user.member_id else self.none()
        if not user.scope_path:
            return self.none()
        return self.in_subtree(user.scope_path)


class ContactWarning(models.Model):
    """A member the platform could not send to (e.g. the number is not a mobile number)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="contact_warnings")
    kind = models.CharField("类别", max_length=40)
    text = models.CharField("说明", max_length=300)
    day = models.DateField("发现日期")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    objects = ContactWarningQuerySet.as_manager()

    class Meta:
        verbose_name = "联系方式问题"
        verbose_name_plural = "联系方式问题"
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["member", "kind"], name="contact_warning_unique")]
