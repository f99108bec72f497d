"""``python manage.py party_stats [--org 组织名称] [--as-of YYYY-MM-DD] [--from … --to …] --json``."""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dangjian.register.models import Organization
from dangjian.stats.services import compute_party_stats, parse_date, report_paragraph, to_json


class Command(BaseCommand):
    help = "党内统计：按组织（含下级）和统计日期输出党组织、党员等数据（见 stats-contract.md）"

    def add_arguments(self, parser):
        parser.add_argument("--org", metavar="组织名称", help="党组织全称；统计该组织及其全部下级。不填则统计全库")
        parser.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD", help="统计日期，默认今天")
        parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="统计期间起始日期，默认统计日期当年1月1日")
        parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="统计期间截止日期，默认统计日期")
        parser.add_argument("--json", action="store_true", help="输出 JSON（否则输出工作汇报首段文字）")

    def handle(self, *args, org=None, as_of=None, date_from=None, date_to=None, json=False, **options):
        scope_org = None
        if org is not None:
            scope_org = Organization.objects.filter(name=org.strip()).select_related("division").first()
            if scope_org is None:
                similar = list(Organization.objects.filter(name__contains=org.strip()).values_list("name", flat=True)[:5])
                hint = f"；名称相近的组织：{'、'.join(similar)}" if similar else "；请填写组织全称"
                raise CommandError(f"未找到党组织“{org}”{hint}")
        try:
            dates = {
                "as_of": parse_date(as_of, "--as-of 统计日期") if as_of else None,
                "date_from": parse_date(date_from, "--from 起始日期") if date_from else None,
                "date_to": parse_date(date_to, "--to 截止日期") if date_to else None,
            }
            stats = compute_party_stats(scope_org, **dates)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        if json:
            self.stdout.write(to_json(stats))
        else:
            self.stdout.write(f"统计日期：{stats['as_of']}")
            if scope_org is None:
                # The whole database: worded for the county when it holds just one.
                roots = list(Organization.objects.filter(depth=1).select_related("division")[:2])
                scope_org = roots[0] if len(roots) == 1 else None
            self.stdout.write(report_paragraph(stats, scope_org))
