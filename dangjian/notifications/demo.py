"""The notifications' part of the 演示县: a week of the daily job (political-birthday SMS and every
app's reminders) up to ``ctx.today``, past days' SMS delivered (nowhere), and one failed SMS for the
county's 发送失败 list. Runs after the apps whose reminders it gathers (INSTALLED_APPS order)."""
from __future__ import annotations

import datetime

from . import outbox
from .models import Message


class _DemoSms:
    """Delivers nowhere: the demo's SMS are marked sent without leaving the machine."""

    name = "demo"

    def send(self, sms):
        return f"demo-{sms.message_id}"


def populate(ctx) -> None:
    today = ctx.today
    for back in range(6, -1, -1):
        outbox.run_daily(today - datetime.timedelta(days=back))
    noon = outbox.start_of(today) + datetime.timedelta(hours=12)
    outbox.send_pending(now=noon, backend=_DemoSms(), limit=100000)
    # One failure, for the county's "发送失败" list.
    sample = Message.objects.filter(channel="sms", status="sent").order_by("id").first()
    if sample is not None:
        Message.objects.filter(pk=sample.pk).update(status="failed", attempts=5, last_error="演示：号码已停机（服务商返回）")
