"""When a member last took part in organisational life here (attendance marked present), for other
apps' rules (a floating member's contact, ``core.extensions.last_participation``)."""
from __future__ import annotations

import datetime
from typing import Optional

from django.db.models import Max

from .models import Attendance
from .vocab import AttendanceStatus


def last_participation(member_id: int) -> Optional[datetime.date]:
    return (Attendance.objects.filter(member_id=member_id, status=AttendanceStatus.PRESENT)
            .aggregate(last=Max("activity__date"))["last"])
