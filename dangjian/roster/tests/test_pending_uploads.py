"""Pending uploads (issue 16): written 0600 in a 0700 directory, deleted after the decision and after
the expiry setting roster.pending_upload_minutes (on the next visit, or by purge_pending_uploads)."""
import io
import os
import stat
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from .helpers import ORG, xlsx


def faulty_workbook() -> bytes:
    return xlsx({"党组织": [ORG, ["甲镇新支部", "党支部", "不存在的上级", "村", "一村", "2020-01-01", None, None]]})


def upload(client):
    return client.post(reverse("roster:import"), {"step": "check", "file": SimpleUploadedFile("名册.xlsx", faulty_workbook())})


def test_a_pending_upload_is_private_and_expires(users, client_for, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client = client_for(users["admin"])
    assert upload(client).status_code == 200
    uploads = tmp_path / "uploads"
    files = sorted(uploads.glob("roster-user*"))
    assert [f.suffix for f in files] == [".json", ".xlsx"]
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    assert stat.S_IMODE(uploads.stat().st_mode) == 0o700
    # Still there within the expiry (the fault list can be downloaded) ...
    assert client.get(reverse("roster:faults_xlsx")).status_code == 200
    # ... gone after it, at the next visit of the page.
    old = time.time() - 61 * 60
    for f in files:
        os.utime(f, (old, old))
    assert client.get(reverse("roster:import")).status_code == 200
    assert not list(uploads.glob("roster-user*"))


def test_the_command_purges_expired_uploads(users, client_for, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    upload(client_for(users["admin"]))
    old = time.time() - 2 * 3600
    for f in (tmp_path / "uploads").glob("*"):
        os.utime(f, (old, old))
    out = io.StringIO()
    call_command("purge_pending_uploads", stdout=out)
    assert "已删除 2 个" in out.getvalue()
