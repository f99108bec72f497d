"""Controlled vocabularies of the cadre ledgers (ledger-sheets.md 干部, 报酬标准, 社区经费, 培训)."""
from django.db import models


class Post(models.TextChoices):
    SECRETARY = "书记", "书记"
    DEPUTY = "副书记", "副书记"
    FULL_TIME_DEPUTY = "专职副书记", "专职副书记"
    COMMITTEE = "委员", "委员"
    RESERVE = "后备干部", "后备干部"
    PARTY_WORKER = "专职党务工作者", "专职党务工作者"


# The team (班子) proper: those elected at a 换届.
TEAM_POSTS = (Post.SECRETARY, Post.DEPUTY, Post.FULL_TIME_DEPUTY, Post.COMMITTEE)


class CommunityCategory(models.TextChoices):
    URBAN_COMMUNITY = "城市社区", "城市社区"
    VILLAGE_TO_COMMUNITY = "村改居社区", "村改居社区"
    VILLAGE = "村", "村"


# 报酬标准 covers the team posts only.
PAY_POSTS = TEAM_POSTS


class FundCategory(models.TextChoices):
    WORK = "社区工作经费", "社区工作经费"
    PARTY_BUILDING = "党建工作经费", "党建工作经费"
    SERVICE = "服务群众专项经费", "服务群众专项经费"


class TraineeRole(models.TextChoices):
    SECRETARY = "书记", "书记"
    PARTY_WORKER = "党务工作者", "党务工作者"
    MEMBER = "党员", "党员"
    INVESTOR = "出资人", "出资人"


class ElectionStatus(models.TextChoices):
    PLANNED = "planned", "已制定方案"
    VETTING = "vetting", "候选人联审中"
    HELD = "held", "已完成选举"
    CANCELLED = "cancelled", "已取消"


OPEN_ELECTION_STATUSES = (ElectionStatus.PLANNED, ElectionStatus.VETTING)


class VettingOutcome(models.TextChoices):
    PASSED = "passed", "通过"
    FAILED = "failed", "不通过"


class CandidateState(models.TextChoices):
    PENDING = "pending", "联审未完成"
    PASSED = "passed", "联审通过"
    FAILED = "failed", "联审未通过"
