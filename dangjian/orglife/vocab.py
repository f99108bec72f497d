"""Vocabularies of organisational life. Stored values are the statistics keys; labels are Chinese."""
from django.db import models


class ActivityType(models.TextChoices):
    BRANCH_GENERAL_MEETING = "branch_general_meeting", "支部党员大会"
    BRANCH_COMMITTEE_MEETING = "branch_committee_meeting", "支部委员会会议"
    GROUP_MEETING = "group_meeting", "党小组会"
    PARTY_LECTURE = "party_lecture", "党课"
    THEME_DAY = "theme_day", "主题党日"
    LIFE_MEETING = "life_meeting", "组织生活会"
    DEMOCRATIC_APPRAISAL = "democratic_appraisal", "民主评议党员"
    HEART_TO_HEART_TALK = "heart_to_heart_talk", "谈心谈话"


TYPE_BY_LABEL = {label: value for value, label in ActivityType.choices}
# Meetings whose attendance rate goes into the bulletin (a talk is between two people).
MEETING_TYPES = [t for t in ActivityType.values if t != ActivityType.HEART_TO_HEART_TALK]


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "出席"
    ABSENT = "absent", "缺席"
    LEAVE = "leave", "请假"


class Source(models.TextChoices):
    WEB = "web", "平台录入"
    IMPORT = "import", "台账导入"


class CommentKind(models.TextChoices):
    COMMENT = "comment", "调阅意见"
    RECTIFICATION = "rectification", "整改要求"


class BaseKind(models.TextChoices):
    OPEN_BASE = "open_base", "开放式组织生活基地"
    ROOM = "room", "党员活动室"


class BookingStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已同意"
    DECLINED = "declined", "未同意"
    CANCELLED = "cancelled", "已取消"
    HELD = "held", "已开展"


# Bookings that hold their time slot.
HOLDING_STATUSES = (BookingStatus.PENDING, BookingStatus.APPROVED, BookingStatus.HELD)

from dangjian.core.booking import WEEKDAY_LABELS  # noqa: E402  (one list for every bookable)

# 六有: 有场所、有设施、有标志、有党旗、有资料、有制度.
SIX_HAVES = [
    ("has_venue", "有场所"), ("has_facilities", "有设施"), ("has_sign", "有标志"),
    ("has_flag", "有党旗"), ("has_materials", "有资料"), ("has_rules", "有制度"),
]
