"""``python manage.py backup [--output 文件.tar.gz]``: database, attachments, rule settings (never the data key)."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from dangjian.api.backup import write_backup


class Command(BaseCommand):
    help = "备份数据库（一致性快照）、附件和规则参数；不含个人信息加密密钥"

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="备份文件（.tar.gz），默认 var/backups/dangjian-时间.tar.gz")

    def handle(self, *args, output=None, **options):
        path = Path(output) if output else Path(settings.VAR_DIR) / "backups" / (
            f"dangjian-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz")
        manifest = write_backup(path)
        c = manifest["counts"]
        self.stdout.write(f"已备份到 {path}：党组织 {c['organizations']} 个，党员 {c['members']} 名，"
                          f"用户 {c['users']} 个（{manifest['vendor']}）。加密密钥不在备份中，请另行妥善保管。")
