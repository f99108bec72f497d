"""The closed lists of co-building and "两新" party building (ledger-sheets.md)."""
from django.db import models


class RegionKind(models.TextChoices):
    STREET_COMMITTEE = "street", "街道大工委"
    COMMUNITY_COMMITTEE = "community", "社区大党委"
    JOINT_MEETING = "joint", "党建联席会议"


class ListKind(models.TextChoices):
    NEED = "need", "需求清单"
    RESOURCE = "resource", "资源清单"
    PROJECT = "project", "项目清单"


class MatterCategory(models.TextChoices):
    PROBLEM = "协商问题", "协商问题"
    COMMITMENT = "共建承诺", "共建承诺"


class ResourceCategory(models.TextChoices):
    VENUE = "场地", "场地"
    MATERIAL = "物资", "物资"
    FACILITY = "设施", "设施"
    OTHER = "其他", "其他"


class BookingStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已同意"
    DECLINED = "declined", "未同意"
    CANCELLED = "cancelled", "已取消"


HOLDING_STATUSES = (BookingStatus.PENDING, BookingStatus.APPROVED)


class UnitCategory(models.TextChoices):
    ENTERPRISE = "非公有制企业", "非公有制企业"
    SOCIAL = "社会组织", "社会组织"


class RatingStatus(models.TextChoices):
    SELF = "self", "自评待审核"
    REVIEWED = "reviewed", "乡镇（街道）已审核"
    PUBLISHED = "published", "县委组织部已审定公布"
    RETURNED = "returned", "已退回"


class BrandStatus(models.TextChoices):
    APPLIED = "applied", "已立项"
    RECOGNISED = "recognised", "已认定"
    REVOKED = "revoked", "已撤销"


# Size bands of a "两新" unit by its staff (从业人员数).
SIZE_BANDS = [("小型（50人以下）", 0, 49), ("中型（50-299人）", 50, 299), ("大型（300人以上）", 300, None)]


def size_band(staff: int) -> str:
    for label, low, high in SIZE_BANDS:
        if staff >= low and (high is None or staff <= high):
            return label
    return SIZE_BANDS[0][0]
