"""Delete pending roster uploads older than the rule setting roster.pending_upload_minutes (for cron)."""
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "删除超过保留时间的待导入名册文件（规则参数“待导入名册文件保留时间”）"

    def handle(self, *args, **options):
        from dangjian.roster.views import purge_expired_uploads

        removed = purge_expired_uploads()
        self.stdout.write(f"已删除 {removed} 个过期的待导入名册文件")
