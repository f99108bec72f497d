"""Attachment checks: the type is judged by the file's first bytes, not by its name alone."""
from __future__ import annotations

import zipfile

from django.core.exceptions import ValidationError

from dangjian.core.rules import get_setting

ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PHOTO_EXTENSIONS = {"jpg", "jpeg", "png"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _magic_matches(ext: str, head: bytes, upload) -> bool:
    if ext == "pdf":
        return head.startswith(b"%PDF-")
    if ext in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("doc", "xls"):
        return head.startswith(OLE_MAGIC)
    if ext in ("docx", "xlsx"):
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            upload.seek(0)
            names = zipfile.ZipFile(upload).namelist()
        except zipfile.BadZipFile:
            return False
        finally:
            upload.seek(0)
        return any(n.startswith("word/" if ext == "docx" else "xl/") for n in names)
    return False


def check_upload(upload) -> tuple[str, bool]:
    """(content type, is a photo) of an acceptable upload, else ValidationError({"file": [...]})."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    limit_mb = get_setting("orglife.attachment_max_mb")
    if ext not in ALLOWED:
        raise ValidationError({"file": [f"文件“{name}”的类型不支持：只能上传 PDF、JPG、PNG、Word（doc/docx）或 Excel（xls/xlsx）文件"]})
    if upload.size > limit_mb * 1024 * 1024:
        raise ValidationError({"file": [f"文件“{name}”大小为{upload.size / 1024 / 1024:.1f}MB，超过{limit_mb}MB的上限"]})
    if upload.size == 0:
        raise ValidationError({"file": [f"文件“{name}”是空文件"]})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not _magic_matches(ext, head, upload):
        raise ValidationError({"file": [f"文件“{name}”的内容与扩展名.{ext}不符（文件可能已损坏或被改名），请上传原始文件"]})
    return ALLOWED[ext], ext in PHOTO_EXTENSIONS
