"""Attachment checks of activity records (dangjian.core.files): the type is judged by the file's first
bytes, not by its name alone; the size limit is the setting ``orglife.attachment_max_mb``."""
from __future__ import annotations

from django.core.exceptions import ValidationError

from dangjian.core import files
from dangjian.core.rules import get_setting

ALLOWED = files.ALLOWED
PHOTO_EXTENSIONS = files.PHOTO_EXTENSIONS
MESSAGES = {
    "type": "文件“{name}”的类型不支持：只能上传 PDF、JPG、PNG、Word（doc/docx）或 Excel（xls/xlsx）文件",
    "size": "文件“{name}”大小为{size_mb:.1f}MB，超过{limit_mb}MB的上限",
    "empty": "文件“{name}”是空文件",
    "content": "文件“{name}”的内容与扩展名.{ext}不符（文件可能已损坏或被改名），请上传原始文件",
}


def check_upload(upload) -> tuple[str, bool]:
    """(content type, is a photo) of an acceptable upload, else ValidationError({"file": [...]})."""
    limit_mb = get_setting("orglife.attachment_max_mb")
    errors = files.upload_errors(upload, max_bytes=limit_mb * files.MB, messages=MESSAGES)
    if errors:
        raise ValidationError({"file": errors})
    ext = files.extension(upload.name or "")
    return ALLOWED[ext], ext in PHOTO_EXTENSIONS
