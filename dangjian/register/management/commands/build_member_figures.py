"""``python manage.py build_member_figures [--date YYYY-MM-DD]``: the day's per-organisation member
figures (issue 15), from which the statistics of that day sum their member figures instead of scanning
every member. Idempotent: a rerun rewrites the day's rows; days before it are dropped. Schedule it
once a day just after midnight (README: 定时运行); member writes keep the day's rows current after that.
"""
import time

from django.core.management.base import BaseCommand

from dangjian.core.dates import command_day

from dangjian.register import figures


class Command(BaseCommand):
    help = "生成某日各党组织的党员数字汇总（统计分析按汇总计算当天的党员数字；可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="日期 YYYY-MM-DD，默认今天")

    def handle(self, *args, **options):
        day = command_day(options["date"])
        started = time.perf_counter()
        rows = figures.build(day)
        self.stdout.write(f"{day:%Y-%m-%d} 党员数字汇总：{rows}行，用时{time.perf_counter() - started:.1f}秒")
