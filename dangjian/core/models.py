from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from . import roles
from .scope import ScopedQuerySet, subtree_q


class AuditLogQuerySet(ScopedQuerySet):
    """The county administrator reads the rows recorded in the county and the county-wide rows
    (settings, divisions, users: no organisation path); township organisers and branch secretaries
    the rows recorded under their subtree (the audit page further asks them for one object); a member
    reads none."""

    def scope_filter(self, user, action):
        path = user.scope_path
        if path is None:
            return self.none()
        own = subtree_q(path, path_field="scope_path")
        if user.role == roles.COUNTY_ADMIN:
            return self.filter(own | Q(scope_path=""))
        if user.role in roles.LOCAL_STAFF_ROLES:
            return self.filter(own)
        return self.none()

    def bulk_create(self, objs, *args, **kwargs):
        """Chained like ``save`` (``core.audit_chain``), in the order given."""
        from . import audit_chain

        objs = list(objs)
        with transaction.atomic(using=self.db):
            audit_chain.seal([o for o in objs if not o.row_hash])
            return super().bulk_create(objs, *args, **kwargs)


class AuditLog(models.Model):
    """One row per change, written by the service in the same transaction as the change."""

    class Action(models.TextChoices):
        CREATED = "created", "新增"
        CHANGED = "changed", "修改"
        MOVED = "moved", "调整隶属"
        SUSPENDED = "suspended", "停用/停止党籍"
        RESTORED = "restored", "恢复"
        DELETED = "deleted", "删除"
        IMPORTED = "imported", "导入"
        EXPORTED = "exported", "导出"
        VIEWED_PII = "viewed_pii", "查看完整个人信息"
        SETTING_CHANGED = "setting_changed", "修改规则参数"
        OVERRIDDEN = "overridden", "越过规则检查"
        LOGGED_IN = "logged_in", "登录"
        LOCKED_OUT = "locked_out", "登录失败锁定"
        UNLOCKED = "unlocked", "解除登录锁定"

    # Set when the row is made (not by the database) so that it is part of the row's hash.
    created_at = models.DateTimeField("时间", default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("操作人姓名", max_length=150)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    via = models.CharField("途径", max_length=20, default="web")
    action = models.CharField("操作", max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=50, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=255, blank=True)
    # The organisation path the object lies under, so that a scoped reader sees only its subtree.
    scope_path = models.CharField("所属组织路径", max_length=255, blank=True, db_index=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    note = models.TextField("说明", blank=True)
    # Tamper evidence (core.audit_chain): the previous row's hash and this row's.
    prev_hash = models.CharField("前一条校验值", max_length=64, blank=True, default="", editable=False)
    row_hash = models.CharField("校验值", max_length=64, blank=True, default="", editable=False)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = "操作日志"
        verbose_name_plural = "操作日志"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self._state.adding and not self.row_hash:
            from . import audit_chain

            with transaction.atomic(using=kwargs.get("using")):
                audit_chain.seal([self])
                return super().save(*args, **kwargs)
        return super().save(*args, **kwargs)


class RuleSetting(models.Model):
    """A county-editable rule parameter (domain-rules.md "setting"); declared in core.rules."""

    key = models.CharField("参数", max_length=100, unique=True)
    value = models.JSONField("取值")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "规则参数"
        verbose_name_plural = "规则参数"
        ordering = ["key"]

    def __str__(self):
        return self.key
