"""backup → restore onto an empty installation gives the same party_stats (both databases)."""
import json
import os
import subprocess
import sys
import tarfile
import uuid

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from dangjian.api.backup import restore_backup


def manage(*args, env):
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_on_an_empty_installation_gives_the_same_party_stats(users, county, make_member, tmp_path,
                                                                              capsys):
    from dangjian.core.actor import Actor
    from dangjian.core.rules import change_rule_setting

    for i in range(3):
        make_member(county["firm_branch"], name=f"备份{i}", sex="女")
    change_rule_setting("setup.branch_max_members", 40, actor=Actor.command())
    media = settings.MEDIA_ROOT
    (media / "orglife").mkdir(parents=True, exist_ok=True)
    (media / "orglife" / "照片.jpg").write_bytes(b"\xff\xd8\xff photo")
    stats_args = ["party_stats", "--as-of", "2026-06-30", "--org", county["root"].name, "--json"]
    call_command(*stats_args)
    before = json.loads(capsys.readouterr().out)

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "--output", str(archive))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        rules = json.load(tar.extractfile("rule_settings.json"))
    assert "media/orglife/照片.jpg" in names and manifest["counts"]["members"] == 4
    assert {"key": "setup.branch_max_members", "value": 40} in rules
    key_file = (settings.VAR_DIR / "dev-data.key")
    secret = os.environ.get("DANGJIAN_DATA_KEY") or (key_file.read_text().strip() if key_file.exists() else "")
    assert secret and secret.encode() not in archive.read_bytes()  # (compressed; the manifest holds a fingerprint only)

    # Restoring over a non-empty installation is refused.
    with pytest.raises(CommandError, match="只能恢复到空的安装"):
        restore_backup(archive)

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DANGJIAN_MEDIA_ROOT"] = str(tmp_path / "restored-media")
    created_db = None
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    else:
        import psycopg

        s = connection.settings_dict
        created_db = f"restore_{uuid.uuid4().hex[:10]}"
        dsn = dict(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"] or "postgres", autocommit=True)
        with psycopg.connect(dbname="postgres", **dsn) as pg:
            pg.execute(f'CREATE DATABASE "{created_db}"')
        env["DATABASE_URL"] = f"postgres://{dsn['user']}@{dsn['host']}:{dsn['port']}/{created_db}"
    try:
        out = manage("restore", str(archive), env=env)
        assert "已恢复" in out and "党员 4 名" in out
        after = json.loads(manage(*stats_args, env=env))
        assert after == before
        assert (tmp_path / "restored-media" / "orglife" / "照片.jpg").read_bytes() == b"\xff\xd8\xff photo"
    finally:
        if created_db:
            with psycopg.connect(dbname="postgres", **dsn) as pg:
                pg.execute(f'DROP DATABASE IF EXISTS "{created_db}" WITH (FORCE)')
