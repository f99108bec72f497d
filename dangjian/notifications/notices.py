"""In-app notices other apps send (``core.extensions.send_notice``): written to the outbox as messages
to the staff of the organisations concerned and to the member."""
from __future__ import annotations

from dangjian.core.extensions import Notice

from .services import notify_staff_and_member


def deliver(notice: Notice) -> int:
    return notify_staff_and_member(orgs=notice.organizations, member=notice.member, kind=notice.kind,
                                   text=notice.text, ref=notice.ref, day=notice.day)
