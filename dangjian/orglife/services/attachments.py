"""Attachments of activity records."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.core import audit
from dangjian.core.actor import Actor
from dangjian.core.dates import today  # one today(); tests patch it here (orglife/tests/conftest.py freeze_today)
from dangjian.core.models import AuditLog

from .. import rules
from ..files import check_upload
from ..models import Activity, Attachment
from .common import _check_user_may_change, _delete_files


# --- Attachments -----------------------------------------------------------------------------

@transaction.atomic(durable=True)
def add_attachment(activity: Activity, *, actor: Actor, upload) -> Attachment:
    """Attach a file (pdf, jpg, png, doc, docx, xls, xlsx; checked by content, limit a setting). Attachments
    are never required: 整治形式主义为基层减负."""
    activity = Activity.objects.select_related("organization").get(pk=activity.pk)
    content_type, is_photo = check_upload(upload)
    attachment = Attachment.from_upload(upload, uploaded_by=actor.user, activity=activity,
                                        content_type=content_type, is_photo=is_photo)
    saved_name = attachment.file.name
    try:
        attachment.save()
        _check_user_may_change(attachment, actor)
        audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=activity,
                     changes={"attachments": [None, attachment.original_name]}, note="上传附件")
    except Exception:
        _delete_files([saved_name])
        raise
    return attachment


@transaction.atomic(durable=True)
def remove_attachment(attachment: Attachment, *, actor: Actor) -> None:
    attachment = Attachment.objects.select_related("activity__organization").get(pk=attachment.pk)
    if rules.is_locked(attachment.activity.recorded_on, today()):
        raise ValidationError({"__all__": ["该记录已锁定，附件不能删除"]})
    name = attachment.file.name
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=attachment.activity,
                 changes={"attachments": [attachment.original_name, None]}, note="删除附件")
    attachment.delete()
    transaction.on_commit(lambda: _delete_files([name]))
