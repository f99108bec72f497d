"""The assessment module's fixed vocabularies (ledger-sheets.md 整改台账, domain-rules §7)."""
from django.db import models


class ProblemSource(models.TextChoices):
    ASSESSMENT = "考核", "考核"
    SUPERVISION = "督查", "督查"
    INSPECTION = "巡察", "巡察"
    REVIEW = "调阅", "调阅"
    DEBRIEF = "述职评议", "述职评议"
    OTHER = "其他", "其他"


class ProblemCategory(models.TextChoices):
    ORGLIFE = "组织生活", "组织生活"
    RECRUITMENT = "发展党员", "发展党员"
    MEMBERS = "党员管理", "党员管理"
    POSITIONS = "阵地建设", "阵地建设"
    LEADERSHIP = "班子建设", "班子建设"
    DUES = "党费", "党费"
    SYSTEMS = "制度落实", "制度落实"
    OTHER = "其他", "其他"


class Verdict(models.TextChoices):
    PASSED = "通过", "通过"
    FAILED = "未通过", "未通过"


class ProblemState(models.TextChoices):
    OPEN = "open", "整改中"
    DONE = "done", "已整改待复查"
    FAILED = "failed", "复查未通过"
    PASSED = "passed", "复查通过待销号"
    SIGNED_OFF = "signed_off", "已销号"
    LOOKED_BACK = "looked_back", "已回头看"


class PlanKind(models.TextChoices):
    HALF_YEAR = "half_year", "半年考核"
    YEAR_END = "year_end", "年终考核"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "制定中"
    SCORING = "scoring", "自评和评分中"
    PUBLISHED = "published", "已公布"
    CLOSED = "closed", "已结束"


class IndicatorKind(models.TextChoices):
    COMPUTED = "computed", "平台数据自动计算"
    SCORED = "scored", "考核组评分"
    DEDUCTION = "deduction", "考核组按项扣分"


class DecisionKind(models.TextChoices):
    TALK = "约谈", "约谈"
    CRITICISM = "通报批评", "通报批评"
    ACCOUNTABILITY = "问责", "问责"
    NONE = "不予问责", "不予问责（写明理由）"


class UseKind(models.TextChoices):
    AWARD = "表彰奖励", "表彰奖励"
    PROMOTION = "提拔任用", "提拔任用"
    TRAINING = "教育培训", "教育培训"
    OTHER = "其他", "其他"


class Grade(models.TextChoices):
    GOOD = "好", "好"
    FAIRLY_GOOD = "较好", "较好"
    AVERAGE = "一般", "一般"
    POOR = "差", "差"


class ListKind(models.TextChoices):
    PROBLEM = "问题清单", "问题清单"
    TASK = "任务清单", "任务清单"
    DUTY = "责任清单", "责任清单"
