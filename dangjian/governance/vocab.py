"""Vocabularies of village and community governance (ledger-sheets.md). Stored values are the
Chinese words of the sheets, so that the Excel ledger, the pages and the database agree."""
from django.db import models


class MatterCategory(models.TextChoices):
    VILLAGE_RULES = "村规民约", "村规民约"
    DEVELOPMENT_PLAN = "发展规划", "发展规划"
    COLLECTIVE_ASSETS = "集体资产资源", "集体资产资源"
    PROJECT = "工程项目", "工程项目"
    WELFARE_POLICY = "惠民政策", "惠民政策"
    OTHER = "其他", "其他"


class MotionOrigin(models.TextChoices):
    PARTY = "党组织提议", "党组织提议"
    COMMITTEE = "村（居）民委员会提议", "村（居）民委员会提议"
    VILLAGERS = "十分之一以上村（居）民联名", "十分之一以上村（居）民联名"
    REPRESENTATIVES = "五分之一以上村（居）民代表联名", "五分之一以上村（居）民代表联名"
    OPINIONS = "征求群众意见", "征求群众意见"
    OTHER = "其他", "其他"


class MatterStatus(models.TextChoices):
    OPEN = "open", "办理中"
    FAILED = "failed", "未通过（终止）"
    DECIDED = "decided", "已办结（结果已公开）"


class MeetingForm(models.TextChoices):
    MEETING = "现场会议", "现场会议"
    VISIT = "入户走访", "入户走访"
    SURVEY = "问卷/意见箱", "问卷/意见箱"
    ONLINE = "网络（微信群等）", "网络（微信群等）"
    NOTICEBOARD = "村务公开栏", "村务公开栏"
    OTHER = "其他", "其他"


class StepKind(models.TextChoices):
    CONSULT = "征求意见", "征求意见"
    PROPOSE = "提议", "提议"
    DELIBERATE = "商议", "商议"
    REVIEW = "审议", "审议"
    RESOLVE = "决议", "决议"
    PUBLISH = "公开", "公开"


class DisputeCategory(models.TextChoices):
    FAMILY = "婚姻家庭", "婚姻家庭"
    NEIGHBOURS = "邻里", "邻里"
    LAND = "土地山林", "土地山林"
    EXPROPRIATION = "征地拆迁", "征地拆迁"
    LABOUR = "劳动争议", "劳动争议"
    CONTRACT = "合同", "合同"
    DAMAGES = "损害赔偿", "损害赔偿"
    OTHER = "其他", "其他"


class DisputeResult(models.TextChoices):
    RESOLVED = "调处成功", "调处成功"
    UNRESOLVED = "调处不成功", "调处不成功"
    TRANSFERRED = "移交", "移交"


class ServiceLevel(models.TextChoices):
    COUNTY = "县级", "县级"
    TOWNSHIP = "乡镇级", "乡镇级"
    VILLAGE = "村级", "村级"


LEVEL_STAT_KEYS = {ServiceLevel.COUNTY: "county", ServiceLevel.TOWNSHIP: "township", ServiceLevel.VILLAGE: "village"}
# The level above each level, for 代办 (handing a request up).
LEVEL_ABOVE = {ServiceLevel.VILLAGE: ServiceLevel.TOWNSHIP, ServiceLevel.TOWNSHIP: ServiceLevel.COUNTY}


class CaseCategory(models.TextChoices):
    FORMALISM = "形式主义", "形式主义"
    BUREAUCRATISM = "官僚主义", "官僚主义"
    HEDONISM = "享乐主义", "享乐主义"
    EXTRAVAGANCE = "奢靡之风", "奢靡之风"
    CORRUPTION = "腐败", "腐败"
