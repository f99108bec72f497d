"""``python manage.py notify_daily [--date YYYY-MM-DD]``: fill the outbox for a day (idempotent).

Queues the day's political-birthday SMS and every app's reminders as in-app messages. Run it as
often as you like: each message has a unique key, so a rerun, a crash and restart, or two runs at
once never queue anything twice. Schedule it once a day, then ``send_outbox`` every few minutes
(see README: one cron line).
"""

from django.core.management.base import BaseCommand

from dangjian.core.dates import command_day

from dangjian.notifications.outbox import run_daily


class Command(BaseCommand):
    help = "生成某日的政治生日短信和各类提醒（可重复运行，不会重复生成）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="日期 YYYY-MM-DD，默认今天")

    def handle(self, *args, **options):
        day = command_day(options["date"])
        report = run_daily(day)
        b = report.birthdays
        self.stdout.write(f"{day:%Y-%m-%d} 政治生日短信：应发{b.due}条，新生成{b.queued}条，号码无效{b.invalid_phone}人")
        for name, count in report.reminders.items():
            self.stdout.write(f"提醒 {name}：新生成{count}条")
        for error in report.errors:
            self.stderr.write(f"提醒生成失败 {error}")
