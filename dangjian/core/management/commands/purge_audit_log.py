"""Delete audit rows older than the retention setting (never less than 6 months), oldest first."""
import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone


class Command(BaseCommand):
    help = "删除超过保存期限（规则参数“操作日志保存月数”，不少于 6 个月）的操作日志"

    def handle(self, *args, **options):
        from dangjian.core import audit
        from dangjian.core.actor import Actor
        from dangjian.core.models import AuditLog
        from dangjian.core.rules import get_setting

        months = max(6, int(get_setting("core.audit_retention_months")))
        today = timezone.localdate()
        year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
        cutoff_day = datetime.date(year, month + 1, min(today.day, 28))
        cutoff = timezone.make_aware(datetime.datetime.combine(cutoff_day, datetime.time.min))
        with transaction.atomic(durable=True):
            # Only a prefix of the chain goes: the rest still verifies from the oldest row kept.
            last_old = AuditLog.objects.filter(created_at__lt=cutoff).order_by("-id").values_list("id", flat=True).first()
            deleted = AuditLog.objects.filter(id__lte=last_old).delete()[0] if last_old else 0
            audit.record(actor=Actor.command(), action=AuditLog.Action.DELETED, object_type="core.auditlog",
                         object_repr="操作日志", note=f"删除 {cutoff_day} 之前的操作日志 {deleted} 条（保存 {months} 个月）")
        self.stdout.write(f"已删除 {cutoff_day} 之前的操作日志 {deleted} 条（保存 {months} 个月）")
