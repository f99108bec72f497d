"""python manage.py export_roster FILE.xlsx [--org 组织名称]"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangjian.core.actor import Actor
from dangjian.roster.engine import export_workbook
from dangjian.roster.sheets import scope_model


class Command(BaseCommand):
    help = "导出党建基础信息表（行政区划、党组织、党员三个工作表），可重新导入"

    def add_arguments(self, parser):
        parser.add_argument("file", help="输出的 .xlsx 文件路径")
        parser.add_argument("--org", help="只导出该党组织及其下级（组织名称）")

    def handle(self, *args, file, org, **options):
        Organization = scope_model()
        scope_org = None
        if org:
            try:
                scope_org = Organization.objects.get(name=org)
            except Organization.DoesNotExist:
                raise CommandError(f"党组织不存在：{org}") from None
        content = export_workbook(None, scope_org, actor=Actor.command())
        path = Path(file)
        path.write_bytes(content)
        self.stdout.write(f"已导出到 {path}（{len(content) // 1024} KB）")
