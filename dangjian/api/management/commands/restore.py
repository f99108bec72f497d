"""``python manage.py restore 文件.tar.gz``: onto an empty installation of the same database engine."""
from django.core.management.base import BaseCommand

from dangjian.api.backup import restore_backup


class Command(BaseCommand):
    help = "从 manage.py backup 的备份文件恢复到空的安装（同类数据库、相同的加密密钥）"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份文件（.tar.gz）")

    def handle(self, *args, archive, **options):
        manifest = restore_backup(archive)
        c = manifest["counts"]
        self.stdout.write(f"已恢复 {manifest['created_at']} 的备份：党组织 {c['organizations']} 个，党员 {c['members']} 名，"
                          f"用户 {c['users']} 个。")
