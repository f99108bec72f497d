"""Controlled vocabularies of the roster (roster-format.md), with their statistics keys."""
import datetime

from django.db import models


class DivisionCategory(models.TextChoices):
    COUNTY = "县", "县"
    COUNTY_CITY = "县级市", "县级市"
    DISTRICT = "区", "区"
    TOWNSHIP = "乡", "乡"
    TOWN = "镇", "镇"
    SUBDISTRICT = "街道", "街道"
    VILLAGE = "村", "村"
    URBAN_COMMUNITY = "城市社区", "城市社区"
    VILLAGE_TO_COMMUNITY = "村改居社区", "村改居社区"


ROOT_DIVISION_CATEGORIES = {DivisionCategory.COUNTY, DivisionCategory.COUNTY_CITY, DivisionCategory.DISTRICT}
TOWNSHIP_LEVEL = {DivisionCategory.TOWNSHIP, DivisionCategory.TOWN, DivisionCategory.SUBDISTRICT}
VILLAGE_LEVEL = {DivisionCategory.VILLAGE, DivisionCategory.URBAN_COMMUNITY, DivisionCategory.VILLAGE_TO_COMMUNITY}

DIVISION_STAT_KEYS = {
    DivisionCategory.TOWNSHIP: "township",
    DivisionCategory.TOWN: "town",
    DivisionCategory.SUBDISTRICT: "subdistrict",
    DivisionCategory.VILLAGE: "village",
    DivisionCategory.URBAN_COMMUNITY: "urban_community",
    DivisionCategory.VILLAGE_TO_COMMUNITY: "village_to_community",
}


class OrgType(models.TextChoices):
    COUNTY_COMMITTEE = "县委", "县委"
    COMMITTEE = "党委", "党委"
    WORKING_COMMITTEE = "党工委", "党工委"
    GENERAL_BRANCH = "党总支", "党总支"
    BRANCH = "党支部", "党支部"
    JOINT_BRANCH = "联合党支部", "联合党支部"


ORG_STAT_KEYS = {
    OrgType.COMMITTEE: "committee",
    OrgType.WORKING_COMMITTEE: "working_committee",
    OrgType.GENERAL_BRANCH: "general_branch",
    OrgType.JOINT_BRANCH: "joint_branch",
    OrgType.BRANCH: "branch",
}
BRANCH_TYPES = {OrgType.BRANCH, OrgType.JOINT_BRANCH}
COMMITTEE_TYPES = {OrgType.COUNTY_COMMITTEE, OrgType.COMMITTEE, OrgType.WORKING_COMMITTEE}

# Which organisation types may sit directly under which (the root 县委 has no parent).
ALLOWED_PARENT_TYPES = {
    OrgType.COUNTY_COMMITTEE: set(),
    OrgType.COMMITTEE: {OrgType.COUNTY_COMMITTEE, OrgType.COMMITTEE, OrgType.WORKING_COMMITTEE},
    OrgType.WORKING_COMMITTEE: {OrgType.COUNTY_COMMITTEE, OrgType.COMMITTEE},
    OrgType.GENERAL_BRANCH: {OrgType.COUNTY_COMMITTEE, OrgType.COMMITTEE, OrgType.WORKING_COMMITTEE},
    OrgType.BRANCH: {OrgType.COUNTY_COMMITTEE, OrgType.COMMITTEE, OrgType.WORKING_COMMITTEE, OrgType.GENERAL_BRANCH},
    OrgType.JOINT_BRANCH: {
        OrgType.COUNTY_COMMITTEE, OrgType.COMMITTEE, OrgType.WORKING_COMMITTEE, OrgType.GENERAL_BRANCH,
    },
}


class UnitType(models.TextChoices):
    AGENCY = "机关", "机关"
    INSTITUTION = "事业单位", "事业单位"
    STATE_ENTERPRISE = "国有企业", "国有企业"
    PRIVATE_ENTERPRISE = "非公有制企业", "非公有制企业"
    SOCIAL_ORGANIZATION = "社会组织", "社会组织"
    TOWNSHIP = "乡镇", "乡镇"
    SUBDISTRICT = "街道", "街道"
    VILLAGE = "村", "村"
    COMMUNITY = "社区", "社区"
    OTHER = "其他", "其他"


# "两新" organisations: 新经济组织 and 新社会组织.
TWO_NEW_UNIT_TYPES = {UnitType.PRIVATE_ENTERPRISE, UnitType.SOCIAL_ORGANIZATION}


class Sex(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


class Education(models.TextChoices):
    DOCTORATE = "博士研究生", "博士研究生"
    MASTER = "硕士研究生", "硕士研究生"
    BACHELOR = "大学本科", "大学本科"
    COLLEGE = "大学专科", "大学专科"
    SECONDARY_SPECIALISED = "中等专科", "中等专科"
    HIGH_SCHOOL = "高中", "高中"
    JUNIOR_HIGH = "初中", "初中"
    PRIMARY_OR_BELOW = "小学及以下", "小学及以下"


# 大专及以上
COLLEGE_OR_ABOVE = {Education.DOCTORATE, Education.MASTER, Education.BACHELOR, Education.COLLEGE}


class Occupation(models.TextChoices):
    WORKER = "工人", "工人"
    FARMER = "农牧渔民", "农牧渔民"
    PROFESSIONAL = "专业技术人员", "专业技术人员"
    MANAGER = "企事业单位管理人员", "企事业单位管理人员"
    CIVIL_SERVANT = "党政机关工作人员", "党政机关工作人员"
    STUDENT = "学生", "学生"
    RETIRED = "离退休人员", "离退休人员"
    OTHER = "其他职业人员", "其他职业人员"


class MemberStatus(models.TextChoices):
    NORMAL = "正常", "正常"
    SUSPENDED = "停止党籍", "停止党籍"
    # Left the register: transferred to an organisation outside the platform. Kept for history,
    # counted nowhere (statistics count 正常 members, and 停止党籍 as "suspended").
    TRANSFERRED_OUT = "已转出", "已转出"


# Roster values of 党籍状态: the workbook carries only these two.
ROSTER_MEMBER_STATUSES = {MemberStatus.NORMAL, MemberStatus.SUSPENDED}


YES_NO = {"是": True, "否": False}

# The 56 officially recognised ethnic groups (GB/T 3304).
ETHNIC_GROUPS = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
    "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
]
ETHNIC_CHOICES = [(e, e) for e in ETHNIC_GROUPS]
HAN = "汉族"

# Statistics age bands (党内统计): key, lowest age, highest age (inclusive; None = open).
AGE_BANDS = [
    ("30_and_under", None, 30),
    ("31_35", 31, 35),
    ("36_40", 36, 40),
    ("41_45", 41, 45),
    ("46_50", 46, 50),
    ("51_55", 51, 55),
    ("56_60", 56, 60),
    ("61_and_over", 61, None),
]
AGE_BAND_LABELS = {
    "30_and_under": "30岁及以下", "31_35": "31-35岁", "36_40": "36-40岁", "41_45": "41-45岁",
    "46_50": "46-50岁", "51_55": "51-55岁", "56_60": "56-60岁", "61_and_over": "61岁及以上",
}


# 党内统计's joining eras (domain-rules §8): key, and the first day of the next era (None: the last).
JOIN_ERAS = [
    ("before_1949_10", datetime.date(1949, 10, 1)),
    ("1949_10_to_1978_12", datetime.date(1979, 1, 1)),  # 十一届三中全会
    ("1979_01_to_2012_11", datetime.date(2012, 12, 1)),  # 十八大
    ("since_2012_12", None),
]
JOIN_ERA_LABELS = {
    "before_1949_10": "1949年10月以前", "1949_10_to_1978_12": "1949年10月至1978年12月",
    "1979_01_to_2012_11": "1979年1月至2012年11月", "since_2012_12": "2012年12月以来",
}
