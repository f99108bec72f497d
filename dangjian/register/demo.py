"""The register's part of the 演示县: divisions, organisations, members and the demo logins.

Called first by ``manage.py load_demo`` (before every other app's ``demo.populate(ctx)``), so this
module has no ``populate``: it builds what the others hang their data on. Everything is written
with ``bulk_create`` and paths computed here the way ``core.tree`` computes them (each child the
next ``encode_step`` under its parent), which keeps 30,000 members to a few seconds.

The structure scales with the number of members (about one branch per 30 members) but always
holds every kind of organisation and the setup warnings a county meets in practice: a 党支部
with fewer than 3 full members, one with more than 50 members, terms ended and ending soon.
"""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Optional

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from dangjian.core import roles
from dangjian.core.demo import (
    DEFAULT_MEMBERS, DEFAULT_SEED, DEMO_COUNTY_NAME, DEMO_ROOT_ORG_NAME, PeopleFactory, random_day, weighted,
)
from dangjian.core.tree import STEP, encode_step

from .models import Division, Member, Organization
from .rules import add_months, add_years, age_on
from .vocab import DivisionCategory as DC
from .vocab import Education as E
from .vocab import MemberStatus
from .vocab import Occupation as O
from .vocab import OrgType as OT
from .vocab import UnitType as UT

BIG_BRANCH_SIZE = 56  # more than the 50 of 支部工作条例第五条: the "> 50 members" setup warning
SMALL_BRANCH_SIZE = 2  # fewer than 3 full members: the "< 3 full members" setup warning
BRANCH_SIZE_CAP = 48  # every other branch stays within the 50


# --- Place and unit names ----------------------------------------------------------------------

TOWN_NAMES = [
    "城关镇", "青山镇", "石门镇", "柳河镇", "白沙镇", "龙泉镇", "桃源镇", "新华镇", "长岭镇", "河口镇",
    "双溪镇", "黄土镇", "清水镇", "大坪镇", "永兴镇", "安乐镇", "凤凰镇", "马场镇", "高桥镇", "平安镇",
]
TOWNSHIP_NAMES = ["金竹乡", "杨柳乡", "高峰乡", "太平乡", "红星乡", "马鞍乡", "云台乡", "沙坪乡", "三星乡", "古城乡"]
SUBDISTRICT_NAMES = ["东城街道", "西城街道", "南门街道", "北关街道", "滨江街道", "新区街道", "江北街道", "湖滨街道"]
VILLAGE_FIRST = "前后东西南北上下大小新老高长石黄白青红金柳杨桃李马龙凤龟鹤双三中"
VILLAGE_SECOND = "湾庄店桥坪岗河湖山屯寨堡铺溪塘坝岭冲垸口坡林园田沟洲"
COMMUNITY_NAMES = [
    "幸福", "和平", "建设", "解放", "人民", "文化", "朝阳", "光明", "胜利", "团结", "长青", "新民", "育才",
    "滨河", "锦绣", "振兴", "康宁", "春晖", "阳光", "翠苑", "紫荆", "丰收", "民主", "友谊",
]
FIRM_WORDS = "青禾 恒泰 鑫源 华兴 宏达 锦程 兴旺 瑞丰 顺通 康源 绿野 金穗 鼎盛 万家 远航 德信 嘉和 荣昌 天成 益农".split()
FIRM_TRADES = ["食品", "建材", "纺织", "机械", "物流", "电子", "生态农业", "茶业", "竹木制品", "农业开发", "家具", "服饰"]
SOCIAL_NAMES = ["种植业协会", "养殖业协会", "商会", "个体劳动者协会", "志愿者协会", "老年人协会", "农民专业合作社联合会"]
COUNTY_SOCIAL = ["演示县律师协会", "演示县工商联商会", "演示县物流行业协会", "演示县社会工作服务中心", "演示县义工联合会"]

AGENCIES = [
    "发展和改革局", "财政局", "人力资源和社会保障局", "自然资源局", "住房和城乡建设局", "交通运输局", "水利局",
    "农业农村局", "商务局", "文化和旅游局", "卫生健康局", "应急管理局", "市场监督管理局", "统计局", "医疗保障局",
    "民政局", "司法局", "审计局", "林业局", "退役军人事务局", "乡村振兴局", "信访局", "档案馆", "科学技术局",
]
BIG_AGENCIES = ["公安局", "教育局", "税务局"]  # each with a 机关党委 and several branches
INSTITUTIONS_WITH_COMMITTEE = ["演示县人民医院"]
INSTITUTIONS_WITH_GENERAL_BRANCH = ["演示县第一中学", "演示县中医院"]
INSTITUTIONS_SINGLE = ["演示县第二中学", "演示县职业中等专业学校", "演示县疾病预防控制中心", "演示县实验小学",
                       "演示县广播电视台", "演示县妇幼保健院", "演示县农业技术推广中心", "演示县图书馆"]
SOE_GROUPS = ["演示县城市建设投资集团有限公司", "演示县交通投资集团有限公司"]
SOE_SINGLE = ["演示县自来水有限公司", "演示县粮食购销有限公司", "演示县公共交通有限公司", "演示县国有资产经营有限公司"]


# --- Member profiles by kind of branch ---------------------------------------------------------

# (lowest age, highest age, weight) of the age today, per kind of branch.
AGE_PROFILES = {
    "village": [(18, 30, 14), (31, 40, 12), (41, 50, 15), (51, 60, 25), (61, 75, 23), (76, 93, 11)],
    "community": [(18, 30, 15), (31, 40, 14), (41, 50, 13), (51, 60, 20), (61, 75, 25), (76, 93, 13)],
    "agency": [(22, 30, 24), (31, 40, 30), (41, 50, 26), (51, 59, 20)],
    "retired": [(60, 70, 45), (71, 80, 35), (81, 95, 20)],
    "institution": [(22, 30, 26), (31, 40, 30), (41, 50, 24), (51, 59, 20)],
    "soe": [(22, 30, 22), (31, 40, 30), (41, 50, 28), (51, 59, 20)],
    "private": [(20, 30, 34), (31, 40, 36), (41, 50, 20), (51, 60, 10)],
    "social": [(20, 30, 30), (31, 40, 30), (41, 50, 25), (51, 65, 15)],
}
FEMALE_SHARE = {"village": 0.24, "community": 0.48, "agency": 0.38, "retired": 0.3, "institution": 0.56,
                "soe": 0.3, "private": 0.36, "social": 0.5}
OCCUPATIONS = {
    "village": [(O.FARMER, 80), (O.WORKER, 8), (O.OTHER, 8), (O.MANAGER, 2), (O.PROFESSIONAL, 2)],
    "community": [(O.OTHER, 35), (O.WORKER, 25), (O.PROFESSIONAL, 15), (O.MANAGER, 12), (O.CIVIL_SERVANT, 5),
                  (O.FARMER, 8)],
    "agency": [(O.CIVIL_SERVANT, 100)],
    "retired": [(O.RETIRED, 100)],
    "institution": [(O.PROFESSIONAL, 70), (O.MANAGER, 20), (O.WORKER, 10)],
    "soe": [(O.WORKER, 45), (O.PROFESSIONAL, 30), (O.MANAGER, 25)],
    "private": [(O.WORKER, 45), (O.MANAGER, 30), (O.PROFESSIONAL, 20), (O.OTHER, 5)],
    "social": [(O.OTHER, 50), (O.PROFESSIONAL, 30), (O.MANAGER, 20)],
}
EDUCATION = {
    O.CIVIL_SERVANT: [(E.MASTER, 8), (E.BACHELOR, 62), (E.COLLEGE, 24), (E.SECONDARY_SPECIALISED, 4), (E.HIGH_SCHOOL, 2)],
    O.PROFESSIONAL: [(E.DOCTORATE, 1), (E.MASTER, 10), (E.BACHELOR, 60), (E.COLLEGE, 22), (E.SECONDARY_SPECIALISED, 7)],
    O.MANAGER: [(E.MASTER, 5), (E.BACHELOR, 45), (E.COLLEGE, 30), (E.SECONDARY_SPECIALISED, 8), (E.HIGH_SCHOOL, 12)],
    O.WORKER: [(E.BACHELOR, 8), (E.COLLEGE, 22), (E.SECONDARY_SPECIALISED, 20), (E.HIGH_SCHOOL, 30), (E.JUNIOR_HIGH, 20)],
    O.FARMER: [(E.COLLEGE, 6), (E.SECONDARY_SPECIALISED, 5), (E.HIGH_SCHOOL, 26), (E.JUNIOR_HIGH, 43),
               (E.PRIMARY_OR_BELOW, 20)],
    O.STUDENT: [(E.MASTER, 10), (E.BACHELOR, 70), (E.COLLEGE, 20)],
    O.RETIRED: [(E.BACHELOR, 18), (E.COLLEGE, 22), (E.SECONDARY_SPECIALISED, 15), (E.HIGH_SCHOOL, 22),
                (E.JUNIOR_HIGH, 15), (E.PRIMARY_OR_BELOW, 8)],
    O.OTHER: [(E.BACHELOR, 22), (E.COLLEGE, 30), (E.SECONDARY_SPECIALISED, 6), (E.HIGH_SCHOOL, 24), (E.JUNIOR_HIGH, 18)],
}
_EDUCATION_DOWN = {
    E.DOCTORATE: E.MASTER, E.MASTER: E.BACHELOR, E.BACHELOR: E.COLLEGE, E.COLLEGE: E.SECONDARY_SPECIALISED,
    E.SECONDARY_SPECIALISED: E.HIGH_SCHOOL, E.HIGH_SCHOOL: E.JUNIOR_HIGH, E.JUNIOR_HIGH: E.PRIMARY_OR_BELOW,
    E.PRIMARY_OR_BELOW: E.PRIMARY_OR_BELOW,
}
# Relative size of a branch of each kind (before random variation).
SIZE_WEIGHTS = {"village": 1.25, "community": 1.0, "agency": 0.7, "retired": 1.3, "institution": 0.9, "soe": 0.9,
                "private": 0.3, "social": 0.18, "joint": 0.35}


# --- What gets built ---------------------------------------------------------------------------

@dataclass
class OrgSpec:
    org: Organization
    kind: str = ""  # member profile for branches; "" for committees and general branches
    weight: float = 0.0
    fixed_size: Optional[int] = None
    fixed_all_full: bool = False


@dataclass
class DemoCounty:
    root_division: Division
    root: Organization
    divisions: list[Division]
    organizations: list[Organization]
    branches: list[Organization]
    township_committees: list[Organization]
    member_count: int
    big_branch: Optional[Organization]
    small_branch: Organization
    secretary_branch: Organization
    organiser_org: Organization
    street_org: Organization
    users: dict = field(default_factory=dict)
    secretary_member: Optional[Member] = None
    member_record: Optional[Member] = None


class _PathMaker:
    """Paths as ``TreeNode.assign_path`` makes them: the parent's path plus the next free step."""

    def __init__(self):
        self._next: dict[str, int] = {}

    def place(self, node, parent, root_path: str = ""):
        prefix = parent.path if parent is not None else ""
        if parent is None:
            node.path = root_path
        else:
            number = self._next.get(prefix, 0)
            self._next[prefix] = number + 1
            node.path = prefix + encode_step(number)
        node.parent = parent
        node.depth = len(node.path) // STEP
        return node


def _next_root_path(model) -> str:
    probe = model()
    probe.assign_path(None)
    return probe.path


class _Builder:
    def __init__(self, rng: random.Random, today: datetime.date, members: int, people: PeopleFactory):
        self.rng = rng
        self.today = today
        self.members = members
        self.people = people
        self.scale = members / 30000
        self.paths_div = _PathMaker()
        self.paths_org = _PathMaker()
        self.divisions: list[Division] = []
        self.specs: list[OrgSpec] = []
        self.used_org_names: set[str] = set()

    # helpers
    def count(self, at_full_scale: float, minimum: int) -> int:
        return max(minimum, round(at_full_scale * self.scale))

    def division(self, name, category, parent, root_path=""):
        d = Division(name=name, category=category)
        self.paths_div.place(d, parent, root_path)
        self.divisions.append(d)
        return d

    def org(self, name, org_type, unit_type, division, parent, kind="", root_path="", weight=None):
        if name in self.used_org_names:
            raise ValueError(f"演示组织名称重复：{name}")
        self.used_org_names.add(name)
        rng, today = self.rng, self.today
        is_committee = org_type in (OT.COUNTY_COMMITTEE, OT.COMMITTEE, OT.WORKING_COMMITTEE)
        if kind in ("private", "social", "joint"):
            founded = random_day(rng, datetime.date(2003, 1, 1), today - datetime.timedelta(days=400))
        elif is_committee:
            founded = random_day(rng, datetime.date(1950, 1, 1), datetime.date(1995, 12, 31))
        else:
            founded = random_day(rng, datetime.date(1955, 1, 1), datetime.date(2020, 12, 31))
        o = Organization(
            name=name, org_type=org_type, unit_type=unit_type, division=division, founded_on=founded,
            term_ends_on=self.term_end(), secretary_name=self.people.name("女" if rng.random() < 0.3 else "男"),
        )
        self.paths_org.place(o, parent.org if parent else None, root_path)
        spec = OrgSpec(org=o, kind=kind)
        if kind:
            variation = rng.uniform(0.55, 1.45)
            spec.weight = (weight if weight is not None else SIZE_WEIGHTS[kind]) * variation
        self.specs.append(spec)
        return spec

    def term_end(self) -> Optional[datetime.date]:
        r = self.rng.random()
        if r < 0.10:
            return None
        if r < 0.13:  # already ended: the "应按期换届" warning
            return self.today - datetime.timedelta(days=self.rng.randint(1, 300))
        if r < 0.17:  # ending within the warning window
            return self.today + datetime.timedelta(days=self.rng.randint(1, 85))
        return self.today + datetime.timedelta(days=self.rng.randint(95, 1700))

    def village_name(self, used: set[str]) -> str:
        for _ in range(1000):
            name = self.rng.choice(VILLAGE_FIRST) + self.rng.choice(VILLAGE_SECOND)
            if name not in used:
                used.add(name)
                return name
        raise ValueError("演示村名用尽")

    def firm_name(self, prefix: str) -> str:
        for _ in range(1000):
            name = f"{prefix}{self.rng.choice(FIRM_WORDS)}{self.rng.choice(FIRM_TRADES)}有限公司"
            if f"{name}党支部" not in self.used_org_names:
                return name
        raise ValueError("演示企业名称用尽")

    # the county
    def build(self):
        rng = self.rng
        root_div = self.division(DEMO_COUNTY_NAME, DC.COUNTY, None, _next_root_path(Division))
        root = self.org(DEMO_ROOT_ORG_NAME, OT.COUNTY_COMMITTEE, UT.AGENCY, root_div, None,
                        root_path=_next_root_path(Organization))
        root.org.founded_on = datetime.date(1949, 10, 8)
        self.root_div, self.root = root_div, root

        self.build_agencies()
        self.build_institutions()
        self.build_enterprises()

        n_towns = self.count(14, 1)
        n_townships = self.count(5, 1)
        n_subdistricts = self.count(4, 1)
        places = [(n, DC.TOWN) for n in TOWN_NAMES[:n_towns]]
        places += [(n, DC.TOWNSHIP) for n in TOWNSHIP_NAMES[:n_townships]]
        rng.shuffle(places)
        places.sort(key=lambda p: p[0] != "城关镇")  # the county seat first
        self.township_committees = []
        for i, (name, category) in enumerate(places):
            self.township_committees.append(self.build_township(name, category, first=(i == 0)))
        self.street_committees = []
        for i, name in enumerate(SUBDISTRICT_NAMES[:n_subdistricts]):
            self.street_committees.append(self.build_subdistrict(name, first=(i == 0)))

    def build_agencies(self):
        root_div = self.root_div
        work = self.org("中共演示县直属机关工作委员会", OT.WORKING_COMMITTEE, UT.AGENCY, root_div, self.root)
        self.agency_branches = []
        n_big = self.count(3, 1)
        for name in BIG_AGENCIES[:n_big]:
            committee = self.org(f"中共演示县{name}委员会", OT.COMMITTEE, UT.AGENCY, root_div, work)
            for k in range(1, self.count(4, 2) + 1):
                self.agency_branches.append(
                    self.org(f"演示县{name}第{k}党支部", OT.BRANCH, UT.AGENCY, root_div, committee, "agency"))
        for name in AGENCIES[: self.count(24, 3)]:
            self.agency_branches.append(
                self.org(f"演示县{name}机关党支部", OT.BRANCH, UT.AGENCY, root_div, work, "agency"))
        for k in range(1, self.count(3, 1) + 1):
            self.org(f"演示县直机关离退休干部第{k}党支部", OT.BRANCH, UT.AGENCY, root_div, work, "retired")

    def build_institutions(self):
        root_div = self.root_div
        for name in INSTITUTIONS_WITH_COMMITTEE[: self.count(1, 1)]:
            committee = self.org(f"中共{name}委员会", OT.COMMITTEE, UT.INSTITUTION, root_div, self.root)
            for k in range(1, self.count(5, 2) + 1):
                self.org(f"{name}第{k}党支部", OT.BRANCH, UT.INSTITUTION, root_div, committee, "institution")
        for name in INSTITUTIONS_WITH_GENERAL_BRANCH[: self.count(2, 1)]:
            general = self.org(f"{name}党总支部", OT.GENERAL_BRANCH, UT.INSTITUTION, root_div, self.root)
            for k in range(1, self.count(3, 2) + 1):
                self.org(f"{name}第{k}党支部", OT.BRANCH, UT.INSTITUTION, root_div, general, "institution")
        for name in INSTITUTIONS_SINGLE[: self.count(8, 1)]:
            self.org(f"{name}党支部", OT.BRANCH, UT.INSTITUTION, root_div, self.root, "institution")

    def build_enterprises(self):
        root_div = self.root_div
        for name in SOE_GROUPS[: self.count(2, 1)]:
            committee = self.org(f"中共{name}委员会", OT.COMMITTEE, UT.STATE_ENTERPRISE, root_div, self.root)
            for k in range(1, self.count(4, 2) + 1):
                self.org(f"{name}第{k}党支部", OT.BRANCH, UT.STATE_ENTERPRISE, root_div, committee, "soe")
        for name in SOE_SINGLE[: self.count(4, 1)]:
            self.org(f"{name}党支部", OT.BRANCH, UT.STATE_ENTERPRISE, root_div, self.root, "soe")
        # The county's 两新工委 for county-level private firms and social organisations.
        two_new = self.org("中共演示县非公有制经济组织和社会组织工作委员会", OT.WORKING_COMMITTEE,
                           UT.PRIVATE_ENTERPRISE, root_div, self.root)
        for _ in range(self.count(10, 1)):
            self.org(f"{self.firm_name('演示县')}党支部", OT.BRANCH, UT.PRIVATE_ENTERPRISE, root_div, two_new, "private")
        for name in COUNTY_SOCIAL[: self.count(5, 1)]:
            self.org(f"{name}党支部", OT.BRANCH, UT.SOCIAL_ORGANIZATION, root_div, two_new, "social")
        self.org("演示县社会组织联合党支部", OT.JOINT_BRANCH, UT.SOCIAL_ORGANIZATION, root_div, two_new, "joint")

    def build_township(self, short: str, category: str, first: bool) -> OrgSpec:
        rng = self.rng
        full = f"演示县{short}"
        div = self.division(full, category, self.root_div)
        committee = self.org(f"中共{full}委员会", OT.COMMITTEE, UT.TOWNSHIP, div, self.root)
        self.org(f"{full}机关党支部", OT.BRANCH, UT.AGENCY, div, committee, "agency")
        used: set[str] = set()
        n_villages = max(4 if first else 2, round(rng.randint(16, 24) * self.scale))
        village_branches = []
        for v in range(n_villages):
            vname = f"{full}{self.village_name(used)}村"
            vdiv = self.division(vname, DC.VILLAGE, div)
            if v == 2 and first and self.scale >= 0.3:  # the largest village: its own 党委
                vcom = self.org(f"中共{vname}委员会", OT.COMMITTEE, UT.VILLAGE, vdiv, committee)
                for k in range(1, 5):
                    self.org(f"{vname}第{k}党支部", OT.BRANCH, UT.VILLAGE, vdiv, vcom, "village")
            elif v == 1 or (v > 3 and rng.random() < 0.28):  # a large village: 党总支 with branches
                general = self.org(f"{vname}党总支部", OT.GENERAL_BRANCH, UT.VILLAGE, vdiv, committee)
                for k in range(1, rng.randint(2, 4) + 1):
                    self.org(f"{vname}第{k}党支部", OT.BRANCH, UT.VILLAGE, vdiv, general, "village")
            else:
                village_branches.append(self.org(f"{vname}党支部", OT.BRANCH, UT.VILLAGE, vdiv, committee, "village"))
        for _ in range(max(1, round(rng.randint(1, 3) * max(self.scale, 0.34)))):
            cname = f"{full}{self.village_name(used)}社区"
            cdiv = self.division(cname, DC.VILLAGE_TO_COMMUNITY, div)
            self.community_committee(cname, cdiv, committee, branches=2)
        for _ in range(max(1, round(rng.randint(3, 6) * self.scale))):
            self.org(f"{self.firm_name(full)}党支部", OT.BRANCH, UT.PRIVATE_ENTERPRISE, div, committee, "private")
        social = self.org(f"{full}{rng.choice(SOCIAL_NAMES)}党支部", OT.BRANCH, UT.SOCIAL_ORGANIZATION, div,
                          committee, "social")
        self.org(f"{full}非公企业联合党支部", OT.JOINT_BRANCH, UT.PRIVATE_ENTERPRISE, div, committee, "joint")
        if first:
            # The designated setup warnings, and the branch of the demo secretary and member.
            social.fixed_size, social.fixed_all_full = SMALL_BRANCH_SIZE, True
            social.org.term_ends_on = self.today + datetime.timedelta(days=400)
            self.small_branch = social
            self.big_branch = None
            if self.members >= 3 * BIG_BRANCH_SIZE:
                village_branches[0].fixed_size = BIG_BRANCH_SIZE
                self.big_branch = village_branches[0]
            self.secretary_branch = village_branches[-1]
            self.secretary_branch.org.term_ends_on = self.today + datetime.timedelta(days=30)
            self.secretary_branch.weight = SIZE_WEIGHTS["village"]
        return committee

    def build_subdistrict(self, short: str, first: bool) -> OrgSpec:
        rng = self.rng
        full = f"演示县{short}"
        div = self.division(full, DC.SUBDISTRICT, self.root_div)
        committee = self.org(f"中共{full}工作委员会", OT.WORKING_COMMITTEE, UT.SUBDISTRICT, div, self.root)
        self.org(f"{full}机关党支部", OT.BRANCH, UT.AGENCY, div, committee, "agency")
        names = rng.sample(COMMUNITY_NAMES, k=min(len(COMMUNITY_NAMES), max(2, round(rng.randint(7, 10) * self.scale))))
        for i, cname in enumerate(names):
            cname = f"{full}{cname}社区"
            cdiv = self.division(cname, DC.URBAN_COMMUNITY, div)
            self.community_committee(cname, cdiv, committee, branches=3 if i == 0 and first else 2)
        for _ in range(max(1, round(rng.randint(4, 8) * self.scale))):
            self.org(f"{self.firm_name(full)}党支部", OT.BRANCH, UT.PRIVATE_ENTERPRISE, div, committee, "private")
        for social in rng.sample(SOCIAL_NAMES, k=max(1, round(2 * self.scale))):
            self.org(f"{full}{social}党支部", OT.BRANCH, UT.SOCIAL_ORGANIZATION, div, committee, "social")
        self.org(f"{full}社会组织联合党支部", OT.JOINT_BRANCH, UT.SOCIAL_ORGANIZATION, div, committee, "joint")
        if first:
            self.street_org = committee
            # One branch whose term has ended: the "应按期换届" warning, whatever the dice said.
            self.specs[-1].org.term_ends_on = self.today - datetime.timedelta(days=45)
        return committee

    def community_committee(self, cname: str, cdiv, parent, branches: int) -> OrgSpec:
        """A community's Party organisation: a 社区党委 with its branches (by 网格 or 小区) beneath. The 党委 is
        what hosts the 社区大党委 of regional co-building (驻区单位 as member units, their leaders as
        兼职委员), the common setup where 社区大党委 are built; a community without one could not host it."""
        ccom = self.org(f"中共{cname}委员会", OT.COMMITTEE, UT.COMMUNITY, cdiv, parent)
        for k in range(1, branches + 1):
            self.org(f"{cname}第{k}党支部", OT.BRANCH, UT.COMMUNITY, cdiv, ccom, "community",
                     weight=SIZE_WEIGHTS["community"] * 1.2 / branches)
        return ccom

    # sizes
    def branch_sizes(self) -> dict[int, int]:
        """Members per branch spec (by index): fixed sizes first, at least 3 each, at most the cap."""
        rng = self.rng
        branches = [i for i, s in enumerate(self.specs) if s.kind]
        fixed = {i: self.specs[i].fixed_size for i in branches if self.specs[i].fixed_size is not None}
        free = [i for i in branches if i not in fixed]
        remaining = self.members - sum(fixed.values())
        if remaining < 3 * len(free):
            raise ValueError(f"党员人数太少：演示县至少需要 {3 * len(free) + sum(fixed.values())} 名党员")
        sizes = {i: 3 for i in free}
        extra = remaining - 3 * len(free)
        cap = max(BRANCH_SIZE_CAP, -(-remaining // len(free)) + 5)
        open_ = list(free)
        while extra > 0 and open_:
            total_w = sum(self.specs[i].weight for i in open_)
            handed = 0
            for i in open_:
                share = int(extra * self.specs[i].weight / total_w)
                share = min(share, cap - sizes[i])
                sizes[i] += share
                handed += share
            extra -= handed
            open_ = [i for i in open_ if sizes[i] < cap]
            if handed == 0:
                for i in rng.sample(open_, k=min(extra, len(open_))):
                    sizes[i] += 1
                    extra -= 1
                open_ = [i for i in open_ if sizes[i] < cap]
        sizes.update(fixed)
        return sizes


# --- Members -----------------------------------------------------------------------------------

def _joined_and_full(rng: random.Random, today: datetime.date, birth: datetime.date):
    """入党日期 at 18 or older; 转正 one year later (sometimes after an extended probation); the
    youngest are often still probationary (joined within the last two years, no 转正日期)."""
    age = age_on(birth, today)
    earliest = add_years(birth, 18)
    p_recent = 0.22 if age <= 30 else 0.06 if age <= 40 else 0.02 if age <= 50 else 0.003
    r = rng.random()
    one_year_ago = add_years(today, -1)
    if r < p_recent or earliest > one_year_ago - datetime.timedelta(days=1):
        # Still on probation: joined within the last year, or (a few) within two with probation extended.
        if r < p_recent * 0.85 or earliest > one_year_ago - datetime.timedelta(days=1):
            joined = random_day(rng, max(earliest, one_year_ago + datetime.timedelta(days=1)), today)
        else:
            joined = random_day(rng, max(earliest, add_years(today, -2) + datetime.timedelta(days=1)), one_year_ago)
        return joined, None
    joining_age = 18 + min(int(rng.expovariate(1 / 7)), 45)
    joined = add_years(birth, joining_age) + datetime.timedelta(days=rng.randrange(365))
    if joined > one_year_ago:
        joined = random_day(rng, earliest, one_year_ago)
    if rng.random() < 0.05:  # probation extended by 6–12 months
        full = add_months(joined, 12 + rng.randint(6, 12))
        if full > today:
            return joined, None
        return joined, full
    return joined, add_years(joined, 1)


def _members_for(rng, today, people: PeopleFactory, spec: OrgSpec, size: int) -> list[Member]:
    kind = "private" if spec.kind == "joint" else spec.kind
    made = []
    for n in range(size):
        sex = "女" if rng.random() < FEMALE_SHARE[kind] else "男"
        lo, hi, _ = weighted(rng, [(band, band[2]) for band in AGE_PROFILES[kind]])
        if n < 3 or spec.fixed_all_full:
            lo = max(lo, 23)  # every branch has its old hands, full members for years
            hi = max(hi, lo)
        birth = people.birth_date(lo, hi)
        age = age_on(birth, today)
        occupation = weighted(rng, OCCUPATIONS[kind])
        if kind in ("village", "community") and age <= 24 and rng.random() < 0.3:
            occupation = O.STUDENT
        elif kind == "community" and age >= 58 and rng.random() < 0.75:
            occupation = O.RETIRED
        elif kind == "village" and age >= 70 and rng.random() < 0.1:
            occupation = O.RETIRED
        education = weighted(rng, EDUCATION[occupation])
        if age >= 70 and rng.random() < 0.5:
            education = _EDUCATION_DOWN[education]
        if n < 3 or spec.fixed_all_full:
            joined = random_day(rng, add_years(birth, 20), min(add_years(birth, 40), add_years(today, -3)))
            full = add_years(joined, 1)
        else:
            joined, full = _joined_and_full(rng, today, birth)
        floating_share = 0.12 if kind in ("village", "community") and 20 <= age <= 50 else 0.005
        m = Member(
            name=people.name(sex), sex=sex, ethnicity=people.ethnicity(), birth_date=birth,
            education=education, occupation=occupation, organization=spec.org, joined_on=joined, full_on=full,
            status=MemberStatus.NORMAL, is_floating=rng.random() < floating_share,
        )
        m.id_number = people.id_number(birth, sex)
        m.phone = people.phone() if rng.random() < (0.95 if age < 65 else 0.7) else ""
        made.append(m)
    return made


# --- Entry point -------------------------------------------------------------------------------

def create_county(*, rng: random.Random, today: datetime.date, members: int, people: PeopleFactory) -> DemoCounty:
    """Build and save the demo county. The caller holds the transaction and writes the audit row."""
    b = _Builder(rng, today, members, people)
    b.build()

    # Divisions and organisations level by level, so each parent has its key before its children.
    for model, nodes in ((Division, b.divisions), (Organization, [s.org for s in b.specs])):
        for depth in sorted({n.depth for n in nodes}):
            level = [n for n in nodes if n.depth == depth]
            for n in level:
                if n.parent is not None:
                    n.parent_id = n.parent.pk
                if isinstance(n, Organization):
                    n.division_id = n.division.pk
            model.objects.bulk_create(level, batch_size=500)

    sizes = b.branch_sizes()
    all_members: list[Member] = []
    by_branch: dict[int, list[Member]] = {}
    for i, size in sizes.items():
        spec = b.specs[i]
        made = _members_for(rng, today, people, spec, size)
        by_branch[i] = made
        all_members.extend(made)

    # A few 停止党籍 and 留党察看, never among the demo users' records.
    secretary_index = b.specs.index(b.secretary_branch)
    protected = {id(m) for m in by_branch[secretary_index][:2]}
    candidates = [m for m in all_members if m.full_on is not None and id(m) not in protected
                  and m.organization is not b.small_branch.org]
    for m in rng.sample(candidates, k=max(1, members // 300)):
        m.status = MemberStatus.SUSPENDED
    normal = [m for m in candidates if m.status == MemberStatus.NORMAL]
    for m in rng.sample(normal, k=max(1, members // 10000)):
        m.under_party_probation = True
    for m in all_members:
        m.organization_id = m.organization.pk
    Member.objects.bulk_create(all_members, batch_size=2000)

    secretary_member, member_record = by_branch[secretary_index][0], by_branch[secretary_index][1]
    for m in (secretary_member, member_record):
        m.is_floating = False
    Member.objects.filter(pk__in=[secretary_member.pk, member_record.pk]).update(is_floating=False)
    branch_org = b.secretary_branch.org
    branch_org.secretary_name = secretary_member.name
    Organization.objects.filter(pk=branch_org.pk).update(secretary_name=secretary_member.name)

    orgs = [s.org for s in b.specs]
    return DemoCounty(
        root_division=b.root_div, root=b.root.org, divisions=b.divisions, organizations=orgs,
        branches=[s.org for s in b.specs if s.kind], township_committees=[s.org for s in b.township_committees]
        + [s.org for s in b.street_committees], member_count=len(all_members),
        big_branch=b.big_branch.org if b.big_branch else None, small_branch=b.small_branch.org,
        secretary_branch=branch_org, organiser_org=b.township_committees[0].org, street_org=b.street_org.org,
        secretary_member=secretary_member, member_record=member_record,
    )


DEMO_USERS = (
    # key in ctx.extra["users"], username, role, display name (None: the linked member's name)
    ("county_admin", "demo_admin", roles.COUNTY_ADMIN, "演示县委组织部管理员"),
    ("organiser", "demo_organiser", roles.ORGANISER, "演示镇组织员"),
    ("street_organiser", "demo_street", roles.ORGANISER, "演示街道组织员"),
    ("secretary", "demo_secretary", roles.SECRETARY, None),
    ("member", "demo_member", roles.MEMBER, None),
)


def create_users(county: DemoCounty, password: str) -> dict:
    """One login per role; the secretary and the member are members of the secretary's branch."""
    User = get_user_model()

    hashed = make_password(password)  # hashed once: the same password for every demo login
    scope = {
        "county_admin": (county.root, None),
        "organiser": (county.organiser_org, None),
        "street_organiser": (county.street_org, None),
        "secretary": (county.secretary_branch, county.secretary_member),
        "member": (county.secretary_branch, county.member_record),
    }
    users = {}
    for key, username, role, display in DEMO_USERS:
        org, member = scope[key]
        users[key] = User.objects.create(
            username=username, password=hashed, role=role, organization=org, member=member,
            last_name=member.name if member else display, first_name="",
        )
    county.users = users
    return users


def is_loaded() -> bool:
    """Whether the database holds the 演示县 (its 县委); ``core.demo.demo_loaded`` asks this."""
    return Organization.objects.filter(name=DEMO_ROOT_ORG_NAME).exists()


def ensure_demo_county(members: int = DEFAULT_MEMBERS, seed: int = DEFAULT_SEED):
    """The demo county's 县委, loading it first if the database has none (for benches run alone)."""
    from django.core.management import call_command

    root = Organization.objects.filter(name=DEMO_ROOT_ORG_NAME).first()
    if root is None:
        call_command("load_demo", members=members, seed=seed, verbosity=0)
        root = Organization.objects.get(name=DEMO_ROOT_ORG_NAME)
    return root
