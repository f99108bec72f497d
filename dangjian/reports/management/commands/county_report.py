"""``python manage.py county_report --org 组织名称 --from YYYY-MM-DD --to YYYY-MM-DD [--docx FILE] [--json]``."""
import json as jsonlib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangjian.register.models import Organization
from dangjian.reports.document import blanks_note, build
from dangjian.reports.docx_writer import to_docx
from dangjian.reports.report import compute_report, default_period
from dangjian.stats.services import parse_date


class Command(BaseCommand):
    help = "基层党建工作情况汇报：按组织（含下级）和期间计算 F01–F46 各项数据（见 report-figures.md），可生成 Word"

    def add_arguments(self, parser):
        parser.add_argument("--org", metavar="组织名称", help="党组织全称；不填则为全库（库中只有一个县时即该县）")
        parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="期间起始日期，默认四年前的1月1日")
        parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="期间截止日期（时点数据取该日），默认今天")
        parser.add_argument("--docx", metavar="FILE", help="同时写出 Word 文件（GB/T 9704 公文格式）")
        parser.add_argument("--json", action="store_true", help="输出 JSON：{org, from, to, figures, missing}")

    def handle(self, *args, org=None, date_from=None, date_to=None, docx=None, json=False, **options):
        scope_org = None
        if org:
            scope_org = Organization.objects.filter(name=org.strip()).select_related("division").first()
            if scope_org is None:
                similar = list(Organization.objects.filter(name__contains=org.strip()).values_list("name", flat=True)[:5])
                hint = f"；名称相近的组织：{'、'.join(similar)}" if similar else "；请填写组织全称"
                raise CommandError(f"未找到党组织“{org}”{hint}")
        else:
            roots = list(Organization.objects.filter(depth=1).select_related("division")[:2])
            scope_org = roots[0] if len(roots) == 1 else None
        try:
            default_from, default_to = default_period()
            start = parse_date(date_from, "--from 起始日期") if date_from else default_from
            end = parse_date(date_to, "--to 截止日期") if date_to else default_to
            if start > end:
                raise ValidationError(f"起始日期{start:%Y-%m-%d}晚于截止日期{end:%Y-%m-%d}")
            report = compute_report(scope_org, start, end)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        document = None
        if docx:
            document = build(report)
            Path(docx).write_bytes(to_docx(document))
        if json:
            self.stdout.write(jsonlib.dumps(report.to_json(), ensure_ascii=False, indent=1))
            return
        document = document or build(report)
        self.stdout.write(document.title)
        for para in document.paragraphs:
            self.stdout.write(para.text)
        note = blanks_note(document)
        if note:
            self.stdout.write("说明：" + note)
        if docx:
            self.stdout.write(f"已写出 {docx}")
