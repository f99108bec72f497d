"""``manage.py reconcile_post_accounts [--date YYYY-MM-DD]``: make the secretary accounts follow the
secretary posts on the day (issue 14; idempotent — run it daily from cron, after midnight)."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from dangjian.core.actor import Actor
from dangjian.core.dates import command_day

from ...posts import reconcile_post_accounts


class Command(BaseCommand):
    help = "账号随职务调整：书记职务结束之日起，账号不再具有该组织的管理范围（可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天的任职核对（默认今天），格式 YYYY-MM-DD")

    def handle(self, *args, **opts):
        day = command_day(opts.get("date"))
        result = reconcile_post_accounts(actor=Actor.command(), day=day)
        for user, org in result.lost:
            self.stdout.write(f"不再担任{org}书记：{user.get_full_name()}（{user.username}）")
        for user, org in result.gained:
            self.stdout.write(f"担任{org}书记：{user.get_full_name()}（{user.username}）")
        self.stdout.write(f"核对完毕：{len(result.lost)}个账号不再具有管理范围，{len(result.gained)}个账号取得管理范围。")
