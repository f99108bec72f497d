"""Every write of organisational life: one durable transaction, the actor explicit, the audit row inside.

Views, the Excel import, the demo and commands call these (``services.record_activity(...)``; the names
below are the API, the modules are its sections). ``check_*`` validate and raise ``ValidationError``
with field-keyed Chinese messages.
"""
from __future__ import annotations

from .activities import EDITABLE, check_activity, delete_activity, record_activity, update_activity
from .attachments import add_attachment, remove_attachment
from .bases import BASE_FIELDS, check_base, create_base, update_base
from .bookings import book_base, cancel_booking, check_booking, complete_booking, decide_booking, may_decide
from .common import snapshot
from .groups import check_party_group, create_party_group, delete_party_group, update_party_group
from .review import add_review_comment, answer_review_comment, is_reviewer, log_review

__all__ = [
    "EDITABLE", "check_activity", "delete_activity", "record_activity", "update_activity",
    "add_attachment", "remove_attachment",
    "BASE_FIELDS", "check_base", "create_base", "update_base",
    "book_base", "cancel_booking", "check_booking", "complete_booking", "decide_booking", "may_decide",
    "snapshot",
    "check_party_group", "create_party_group", "delete_party_group", "update_party_group",
    "add_review_comment", "answer_review_comment", "is_reviewer", "log_review",
]
