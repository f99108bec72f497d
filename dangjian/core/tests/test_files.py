import io
import zipfile
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from dangjian.core import files

MESSAGES = {"type": "type {name}", "size": "size {size_mb:.1f}/{limit_mb}", "empty": "empty {name}",
            "content": "content .{ext}"}


def _zip(folder: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(f"{folder}x.xml", "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize("name,content,expected", [
    ("a.pdf", b"%PDF-1.4", []),
    ("a.PNG", b"\x89PNG\r\n\x1a\n..", []),
    ("a.docx", _zip("word/"), []),
    ("a.xlsx", _zip("xl/"), []),
    ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 ole", []),
    ("a.exe", b"MZ", ["type a.exe"]),
    ("noext", b"%PDF-1.4", ["type noext"]),
    ("a.png", b"%PDF-1.4", ["content .png"]),
    ("a.xlsx", _zip("word/"), ["content .xlsx"]),
    ("a.docx", b"PK\x03\x04 not a zip", ["content .docx"]),
    ("a.pdf", b"", ["empty a.pdf"]),
])
def test_it_judges_an_upload_by_extension_and_first_bytes(name, content, expected):
    upload = SimpleUploadedFile(name, content)
    assert files.upload_errors(upload, max_bytes=files.MB, messages=MESSAGES) == expected
    assert upload.tell() == 0


def test_it_refuses_one_byte_over_the_limit_and_accepts_the_limit():
    exactly = b"%PDF-" + b"0" * (files.MB - 5)
    assert files.upload_errors(SimpleUploadedFile("a.pdf", exactly), max_bytes=files.MB, messages=MESSAGES) == []
    assert files.upload_errors(SimpleUploadedFile("a.pdf", exactly + b"0"), max_bytes=files.MB,
                               messages=MESSAGES) == ["size 1.0/1"]


def test_an_empty_file_without_its_own_message_gets_the_content_message():
    messages = {k: v for k, v in MESSAGES.items() if k != "empty"}
    assert files.upload_errors(SimpleUploadedFile("a.pdf", b""), max_bytes=files.MB, messages=messages) == ["content .pdf"]


def test_it_serves_a_stored_file_under_its_chinese_name(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    name = default_storage.save("t/x.pdf", ContentFile(b"%PDF-1.4 hi"))
    field_file = default_storage.open(name)
    response = files.file_response(field_file, "入党申请书.pdf")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 hi"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"attachment; filename=\"file\"; filename*=UTF-8''{quote('入党申请书.pdf')}"
    photo = files.file_response(default_storage.open(name), "照片.png", content_type="image/png", inline=True)
    assert photo["Content-Disposition"].startswith("inline;") and photo["Content-Type"] == "image/png"


def test_a_missing_file_is_404_with_the_callers_message():
    class Gone:
        def open(self, mode):
            raise FileNotFoundError

    with pytest.raises(Http404, match="附件已丢失"):
        files.file_response(Gone(), "a.pdf", missing="附件已丢失")
