"""Backup and restore of a whole installation (``manage.py backup`` / ``manage.py restore``).

The archive (``.tar.gz``) holds:

- ``manifest.json``: when, which database engine, the migrations applied, row counts, and a
  fingerprint of the data key (an HMAC of a constant under the key — the key itself is never in the
  archive; restore refuses an archive made under another key, whose numbers could not be decrypted);
- ``database.sqlite3`` (SQLite: the online backup API, a consistent copy while the platform runs) or
  ``database.pgdump`` (PostgreSQL: ``pg_dump -Fc``, one consistent snapshot);
- ``media/``: the attachments (MEDIA_ROOT);
- ``rule_settings.json``: the rule parameters in force (also inside the database; kept readable).

Restore goes onto an EMPTY installation of the same engine (no organisation and no user yet; run
``migrate`` first or not at all): the database is replaced as a whole, then the attachments.
"""
from __future__ import annotations

import datetime
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import timezone

FORMAT = "dangjian-backup-1"


def key_fingerprint() -> str:
    from dangjian.core import crypto

    return crypto.lookup_hash("dangjian backup key check")[:32]


def _pg_env_and_args() -> tuple[dict, list[str]]:
    s = connection.settings_dict
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    args = ["-h", s.get("HOST") or "127.0.0.1", "-p", str(s.get("PORT") or 5432), "-U", s.get("USER") or "postgres"]
    return env, args


def _counts() -> dict:
    from dangjian.accounts.models import User
    from dangjian.core.models import AuditLog
    from dangjian.register.models import Member, Organization

    return {"organizations": Organization.objects.count(), "members": Member.objects.count(),
            "users": User.objects.count(), "audit_rows": AuditLog.objects.count()}


def _rule_settings() -> list[dict]:
    from dangjian.core.models import RuleSetting

    return list(RuleSetting.objects.order_by("key").values("key", "value"))


def _migrations() -> list[str]:
    from django.db.migrations.recorder import MigrationRecorder

    return [f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()]


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def write_backup(output: Path) -> dict:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise CommandError(f"不支持的数据库：{vendor}")
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if vendor == "sqlite":
            db_name = "database.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(Path(tmp) / db_name)
            with target:
                connection.connection.backup(target)
            target.close()
        else:
            db_name = "database.pgdump"
            env, args = _pg_env_and_args()
            done = subprocess.run(["pg_dump", "-Fc", "--no-owner", "--no-acl", *args, "-f", str(Path(tmp) / db_name),
                                   connection.settings_dict["NAME"]], env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise CommandError(f"pg_dump 失败：{done.stderr.strip()[:500]}")
        manifest = {
            "format": FORMAT, "created_at": timezone.now().isoformat(), "vendor": vendor, "database_file": db_name,
            "migrations": sorted(_migrations()), "counts": _counts(), "key_fingerprint": key_fingerprint(),
        }
        media = Path(settings.MEDIA_ROOT)
        with tarfile.open(output, "w:gz") as tar:
            _add_bytes(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            _add_bytes(tar, "rule_settings.json",
                       json.dumps(_rule_settings(), ensure_ascii=False, indent=1, default=str).encode())
            tar.add(Path(tmp) / db_name, arcname=db_name)
            if media.exists():
                tar.add(media, arcname="media")
    output.chmod(0o600)
    return manifest


def _installation_is_empty() -> bool:
    tables = connection.introspection.table_names()
    if "register_organization" not in tables:
        return True
    with connection.cursor() as c:
        c.execute("SELECT (SELECT COUNT(*) FROM register_organization) + (SELECT COUNT(*) FROM accounts_user)")
        return c.fetchone()[0] == 0


def _safe_members(tar: tarfile.TarFile):
    for m in tar.getmembers():
        name = m.name
        if name.startswith("/") or ".." in Path(name).parts or not (m.isfile() or m.isdir()):
            raise CommandError(f"备份文件中有不安全的路径：{name}")
        yield m


def restore_backup(archive: Path) -> dict:
    archive = Path(archive)
    if not archive.exists():
        raise CommandError(f"备份文件不存在：{archive}")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r:gz") as tar:
        members = list(_safe_members(tar))
        tar.extractall(tmp, members=members)
        tmp = Path(tmp)
        try:
            manifest = json.loads((tmp / "manifest.json").read_text())
        except (OSError, ValueError):
            raise CommandError("不是本平台的备份文件（缺少 manifest.json）") from None
        if manifest.get("format") != FORMAT:
            raise CommandError("不是本平台的备份文件（格式不符）")
        if manifest["vendor"] != connection.vendor:
            raise CommandError(f"备份来自 {manifest['vendor']} 数据库，当前是 {connection.vendor}：请恢复到同类数据库")
        if manifest["key_fingerprint"] != key_fingerprint():
            raise CommandError("当前的个人信息加密密钥（DANGJIAN_DATA_KEY）与备份时不同，恢复后号码无法解密。"
                               "请先设置备份时使用的密钥")
        if not _installation_is_empty():
            raise CommandError("当前数据库已有党组织或用户：只能恢复到空的安装（新建数据库后再恢复）")
        db_file = tmp / manifest["database_file"]
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            source = sqlite3.connect(db_file)
            with source:
                source.backup(connection.connection)
            source.close()
        else:
            connections.close_all()
            env, args = _pg_env_and_args()
            done = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl",
                                   "--single-transaction", *args, "-d", connection.settings_dict["NAME"], str(db_file)],
                                  env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise CommandError(f"pg_restore 失败：{done.stderr.strip()[:800]}")
        media_src = tmp / "media"
        if media_src.exists():
            media = Path(settings.MEDIA_ROOT)
            media.mkdir(parents=True, exist_ok=True)
            shutil.copytree(media_src, media, dirs_exist_ok=True)
    from django.core.cache import cache

    cache.clear()  # cached rule settings belong to the installation that was replaced
    return manifest
