"""Attachments of any app: which uploads are accepted, and how a stored file is served back.

A file is accepted by its extension AND by its first bytes (a renamed .exe is refused; a .docx must
be a zip holding ``word/``, an .xlsx one holding ``xl/``). The size limit is the caller's (each app
has its own setting), and so are the messages: ``upload_errors`` formats the caller's templates.

``file_response`` serves a stored file under its original (Chinese) name, or 404 when the file is
gone; the caller has already fetched the row through ``for_user`` (scope).
``AttachmentBase`` holds the fields every attachment row has (name, size, uploader, time) and makes a
row from an upload (``from_upload``); ``TypedAttachmentBase`` adds the content type. The app's model
adds its links, its ``file`` field (own folder: ``upload_to`` returns ``stored_name(folder, ...)``)
and its scoped manager.
"""
from __future__ import annotations

import datetime
import uuid
import zipfile
from typing import Mapping
from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.http import FileResponse, Http404

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
ZIP_MAGIC = b"PK\x03\x04"
MAGIC = {
    "pdf": b"%PDF-", "jpg": b"\xff\xd8\xff", "jpeg": b"\xff\xd8\xff", "png": b"\x89PNG\r\n\x1a\n",
    "doc": OLE_MAGIC, "xls": OLE_MAGIC, "docx": ZIP_MAGIC, "xlsx": ZIP_MAGIC,
}
ZIP_FOLDER = {"docx": "word/", "xlsx": "xl/"}
MB = 1024 * 1024


def extension(name: str) -> str:
    """Lower-case extension without the dot; "" when the name has none."""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def content_matches(ext: str, upload) -> bool:
    """Whether the upload's first bytes are those of an ``ext`` file (an Office zip: its folder too)."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if ext not in MAGIC or not head.startswith(MAGIC[ext]):
        return False
    if ext not in ZIP_FOLDER:
        return True
    try:
        names = zipfile.ZipFile(upload).namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)
    return any(n.startswith(ZIP_FOLDER[ext]) for n in names)


def upload_errors(upload, *, max_bytes: int, messages: Mapping[str, str]) -> list[str]:
    """[] for an acceptable upload, else the one message for its first problem, checked in this order:
    "type" (extension not allowed), "size" (over ``max_bytes``), "empty" (0 bytes; falls back to the
    "content" message when the caller has none), "content" (first bytes not those of the extension).

    Templates may use {name}, {ext}, {size_mb} (float) and {limit_mb} (whole MB)."""
    name = getattr(upload, "name", "") or ""
    ext = extension(name)
    values = {"name": name, "ext": ext, "size_mb": upload.size / MB, "limit_mb": max_bytes // MB}
    if ext not in ALLOWED:
        problem = "type"
    elif upload.size > max_bytes:
        problem = "size"
    elif upload.size == 0 and "empty" in messages:
        problem = "empty"
    elif not content_matches(ext, upload):
        problem = "content"
    else:
        return []
    return [messages[problem].format(**values)]


def content_disposition(filename: str, *, inline: bool = False, fallback: str = "file") -> str:
    """A Content-Disposition whose Chinese file name survives every browser (RFC 6266 filename*)."""
    return f"{'inline' if inline else 'attachment'}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def file_response(field_file, filename: str, *, content_type: str | None = None, inline: bool = False,
                  missing: str = "文件已不存在") -> FileResponse:
    """The stored file as a download named ``filename`` (inline when asked: a photo in the browser);
    404 with ``missing`` when the file is no longer on disk. The content type, when not given, is
    guessed from ``filename``."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404(missing) from None
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=filename)
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    return response


def stored_name(folder: str, filename: str, day: datetime.date) -> str:
    """Where an upload is stored: ``<folder>/<yyyy>/<mm>/<random>.<ext>`` (the original name stays in the
    row, for the download; a random name reveals nothing and never collides)."""
    return f"{folder}/{day:%Y/%m}/{uuid.uuid4().hex}.{extension(filename) or 'bin'}"


class AttachmentBase(models.Model):
    """The fields every attachment row has. The original name is kept for the download; the stored
    name is random (each app's ``upload_to``, through ``stored_name``)."""

    original_name = models.CharField("文件名", max_length=255)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    @classmethod
    def from_upload(cls, upload, *, uploaded_by, **fields):
        """An unsaved row for an upload already checked (``upload_errors``), its file stored."""
        row = cls(original_name=upload.name[:255], size=upload.size, uploaded_by=uploaded_by, **fields)
        row.file.save(upload.name, upload, save=False)
        return row

    class Meta:
        abstract = True
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class TypedAttachmentBase(AttachmentBase):
    """An attachment that keeps its content type (from its extension, ``ALLOWED``)."""

    content_type = models.CharField("类型", max_length=100)

    class Meta(AttachmentBase.Meta):
        abstract = True

