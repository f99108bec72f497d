"""Walk the audit trail's hash chain (core.audit_chain); exit non-zero when it is broken."""
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "校验操作日志的防篡改链：每条日志的校验值与内容、与前一条是否相接"

    def handle(self, *args, **options):
        from dangjian.core.audit_chain import head, verify

        checked, problems = verify()
        for p in problems:
            self.stderr.write(p)
        if problems:
            raise CommandError(f"操作日志防篡改链有 {len(problems)} 处问题（共检查 {checked} 条）")
        self.stdout.write(f"操作日志防篡改链完整：共 {checked} 条；最新校验值 {head() or '（无）'}（可另行留存以便日后比对）")
