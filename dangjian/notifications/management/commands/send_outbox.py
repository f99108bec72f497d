"""``python manage.py send_outbox [--limit N]``: deliver the pending SMS through the configured backend.

Safe to run from several workers at once: each message is claimed by a conditional UPDATE.
During quiet hours (settings) SMS stay pending until the morning.
"""
from django.core.management.base import BaseCommand

from dangjian.notifications.outbox import send_pending


class Command(BaseCommand):
    help = "发送待发短信（免打扰时段自动暂缓；失败按间隔重试）"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000, help="本次最多发送条数")

    def handle(self, *args, **options):
        report = send_pending(limit=options["limit"])
        self.stdout.write(
            f"已发送{report.sent}条，稍后重试{report.retried}条，最终失败{report.failed}条，"
            f"免打扰暂缓{report.held}条，中断待核实{report.stale}条")
