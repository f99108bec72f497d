"""python manage.py import_roster FILE.xlsx [--dry-run] [--user USERNAME]"""
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dangjian.core import roles
from dangjian.core.actor import Actor
from dangjian.roster.engine import import_workbook


class Command(BaseCommand):
    help = "导入党建基础信息表（名册工作簿）：先检查整个工作簿，有任何错误则一条也不写入"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 文件路径")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入（预检）")
        parser.add_argument("--user", help="以该用户的身份和管理范围导入（默认：命令行，不限范围）")

    def handle(self, *args, file, dry_run, user, **options):
        User = get_user_model()
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        account = None
        scope_org = None
        if user:
            try:
                account = User.objects.select_related("organization").get(username=user)
            except User.DoesNotExist:
                raise CommandError(f"用户不存在：{user}") from None
            if not account.is_county_admin:
                if account.role != roles.ORGANISER or account.organization_id is None:
                    raise CommandError("只有县委组织部管理员和乡镇（街道）组织员可以导入名册")
                scope_org = account.organization
        result = import_workbook(path, actor=Actor.command(account), scope_org=scope_org, dry_run=dry_run,
                                 filename=path.name)
        if result.faults:
            for f in result.faults:
                where = f"{f.sheet} 第{f.row}行" if f.row else (f.sheet or "文件")
                column = f" 【{f.column}】" if f.column else ""
                self.stderr.write(f"{where}{column} {f.message}")
            raise CommandError(f"发现 {len(result.faults)} 处错误，未写入任何数据")
        for w in result.warnings:
            where = f"{w.sheet} 第{w.row}行" if w.row else (w.sheet or "文件")
            column = f" 【{w.column}】" if w.column else ""
            self.stdout.write(f"提示：{where}{column} {w.message}")
        for sheet, counts in result.counts.items():
            self.stdout.write(f"{sheet}：新增 {counts['created']}，更新 {counts['updated']}，未变 {counts['unchanged']}")
        self.stdout.write("预检通过，未写入（--dry-run）" if dry_run else "导入完成")
