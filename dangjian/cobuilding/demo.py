"""The demo county's co-building, 双报到, "两新" and brands (``load_demo``).

- a regional committee (街道大工委 / 社区大党委) for every 街道党工委 and every 社区党委 (each community's Party
  organisation is one), with member units inside the county (agencies, 事业单位, state firms) and outside it,
  some of which left; part-time members; a year of joint meetings, their agenda sent to the member units (one
  quarter late, one unit reached late), the next meeting planned with its agenda still to be sent; needs,
  resources and projects, some matched; problems and commitments, some done; shared venues (one bookable per region, with bookings) and materials;
- 双报到: members of agency branches reporting to communities, with a year of service records;
- "两新" units: one per "两新" branch, several per joint branch, and units with no Party body (with a
  党建指导员) in every township;
- two rating cycles: the first published for every rated "两新" organisation and expired, the second valid
  to the end of this year for most and in every other state of the workflow for some (self-assessed,
  reviewed, returned; one vetoed); a few never rated;
- brands in every state (applied, recognised, revoked) with milestones.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from dangjian.core.scope import subtree_q
from dangjian.register.models import Division, Member, Organization
from dangjian.register.vocab import TWO_NEW_UNIT_TYPES, OrgType

from . import rules, services
from .models import Milestone, ServiceRecord, StarRating, TwoNewUnit
from .vocab import RatingStatus

OUTSIDE_UNITS = ["国网演示供电公司党委", "中国移动演示分公司党支部", "演示农商银行党委", "省高速公路演示管理处党支部",
                 "中国邮政演示分公司党支部", "演示燃气有限公司党支部", "演示自来水公司党支部", "市第三人民医院演示分院党总支"]
NEEDS = ["老旧小区加装照明", "老年人助餐", "青少年暑期托管", "困难党员结对帮扶", "社区义诊", "垃圾分类宣传", "法律咨询进社区",
         "退役军人就业培训"]
RESOURCES = ["职工食堂助餐服务", "党员活动室开放", "医护志愿服务队", "法律顾问团队", "应急物资储备", "电工维修志愿队",
             "会议室及多媒体设备", "图书阅览室"]
PROJECTS = ["红色物业共建项目", "邻里守望互助项目", "楼栋党小组建设项目", "社区微治理项目"]
PROBLEMS = ["小区停车难", "背街小巷路灯损坏", "农贸市场周边占道经营", "雨季道路积水", "老旧管网漏水", "快递车辆乱停放"]
COMMITMENTS = ["每季度开展一次志愿服务", "开放单位停车场供居民夜间停车", "结对帮扶困难家庭", "为社区提供法律咨询",
               "每年组织一次义诊", "捐赠学习用品", "共建党员教育阵地"]
TOPICS = ["年度共建项目议定", "共建承诺落实情况通报", "辖区治理难题会商", "需求资源项目对接", "半年工作总结"]
SECTORS = ["制造业", "批发零售", "建筑业", "信息技术", "住宿餐饮", "物流运输", "社会服务", "教育培训"]
BRANDS = ["红色驿站", "邻里先锋", "党建引领幸福家园", "初心小院", "红色管家", "先锋服务岗", "连心桥"]


def _ago(today, days):
    return today - datetime.timedelta(days=days)


def populate(ctx) -> None:
    rng, today, actor = ctx.rng, ctx.today, ctx.actor
    root = ctx.root
    people = ctx.extra.get("people")
    orgs = list(Organization.objects.filter(subtree_q(root)).select_related("division"))
    partners = [o for o in orgs if o.unit_type in ("机关", "事业单位", "国有企业") and o.org_type != OrgType.COUNTY_COMMITTEE]

    def name():
        return people.person(30, 58).name if people else rng.choice("张王李赵刘陈杨黄") + rng.choice("明华军丽芳强")

    regions = [services.create_region(actor=actor, organization=o, established_on=_ago(today, rng.randint(700, 2000)),
                                      note="由辖区单位党组织共同组成，实行党建联席会议制度")
               for o in orgs if o.org_type in rules.REGION_ORG_TYPES and o.division.category in rules.REGION_DIVISION_CATEGORIES]
    for region in regions:
        _region(ctx, region, partners, name)
    _dual_reports(ctx, orgs)
    _two_new(ctx, orgs, name)
    _brands(ctx, orgs)


def _region(ctx, region, partners, name):
    rng, today, actor = ctx.rng, ctx.today, ctx.actor
    units = []
    picks = rng.sample(partners, k=min(len(partners), rng.randint(3, 5))) if partners else []
    # A 街道大工委 takes in the community Party organisations of its subdistrict as member units.
    own = []
    if region.kind == "street":
        own = [o.name for o in Organization.objects.filter(
            subtree_q(region.organization), depth=region.organization.depth + 1,
            division__category__in=("城市社区", "村改居社区")).order_by("path")]
    for org_name in own + [o.name for o in picks] + rng.sample(OUTSIDE_UNITS, k=rng.randint(2, 4)):
        joined = _ago(today, rng.randint(60, 1800))
        left = None
        if rng.random() < 0.15:
            left = joined + datetime.timedelta(days=rng.randint(90, max(91, (today - joined).days - 1)))
            left = min(left, today)
            if left <= joined:
                left = None
        units.append(services.save_member_unit(actor=actor, region=region, unit_name=org_name, joined_on=joined,
                                               left_on=left, liaison=name()))
    for unit in units[: rng.randint(3, 5)]:
        end = unit.left_on or today
        start = unit.joined_on + datetime.timedelta(days=rng.randint(0, max(0, (end - unit.joined_on).days - 1)))
        services.save_part_time(actor=actor, region=region, name=name(), unit_name=unit.unit_name,
                                position=rng.choice(["兼职委员", "兼职副书记"]), started_on=start,
                                ended_on=unit.left_on)
    # A year of joint meetings: quarterly, the agenda sent to the member units 15–20 days ahead (one quarter
    # late, one unit reached only a few days before); the next meeting planned, its agenda still to be sent.
    agenda = "一、通报上季度共建事项落实情况；二、征集辖区需求；三、议定下季度共建项目。"
    for q in range(4):
        date = _ago(today, 20 + q * 91 + rng.randint(0, 20))
        sent = date - datetime.timedelta(days=rng.randint(15, 20) if q != 2 else 5)
        present = [u for u in units if rules.active_on(u.joined_on, u.left_on, date)]
        meeting = services.save_meeting(actor=actor, region=region, date=date, topic=rng.choice(TOPICS), agenda=agenda,
                                        minutes="会议听取了各成员单位共建情况汇报，议定了下一阶段共建项目和责任单位。",
                                        attendees=present[: max(1, len(present) - rng.randint(0, 2))])
        if not present:
            continue
        straggler = present[-1] if q == 1 and len(present) > 1 else None
        services.send_agenda(meeting, actor=actor, sent_on=sent, units=[u for u in present if u is not straggler],
                             method=rng.choice(["纸质通知", "工作群", "电子邮件"]))
        if straggler is not None:
            services.send_agenda(meeting, actor=actor, sent_on=date - datetime.timedelta(days=3), units=[straggler],
                                 method="电话通知")
    services.save_meeting(actor=actor, region=region, date=today + datetime.timedelta(days=rng.choice([10, 25])),
                          topic=rng.choice(TOPICS), agenda=agenda)
    resources = [services.save_list_item(actor=actor, region=region, kind="resource", title=t,
                                         unit_name=rng.choice(units).unit_name, listed_on=_ago(today, rng.randint(100, 400)))
                 for t in rng.sample(RESOURCES, 4)]
    for i, t in enumerate(rng.sample(NEEDS, 4)):
        services.save_list_item(actor=actor, region=region, kind="need", title=t, unit_name=region.organization.name,
                                listed_on=_ago(today, rng.randint(30, 300)),
                                answered_by=resources[i] if i < 2 else None)
    for t in rng.sample(PROJECTS, 2):
        services.save_list_item(actor=actor, region=region, kind="project", title=t, unit_name=rng.choice(units).unit_name,
                                listed_on=_ago(today, rng.randint(120, 300)), answered_by=rng.choice(resources),
                                done_on=_ago(today, rng.randint(1, 100)) if rng.random() < 0.5 else None)
    for t in rng.sample(PROBLEMS, 3):
        raised = _ago(today, rng.randint(30, 500))
        done = raised + datetime.timedelta(days=rng.randint(7, 60))
        services.save_matter(actor=actor, region=region, category="协商问题", title=t, raised_by=rng.choice(units).unit_name,
                             raised_on=raised, completed_on=done if done < today and rng.random() < 0.7 else None)
    for t in rng.sample(COMMITMENTS, 4):
        raised = _ago(today, rng.randint(10, 500))
        done = raised + datetime.timedelta(days=rng.randint(30, 200))
        services.save_matter(actor=actor, region=region, category="共建承诺", title=t, raised_by=rng.choice(units).unit_name,
                             raised_on=raised, completed_on=done if done < today and rng.random() < 0.5 else None)
    venue = services.save_resource(
        actor=actor, region=region, provider=units[0].unit_name, name=f"{units[0].unit_name[:12]}党员活动室",
        category="场地", registered_on=_ago(today, rng.randint(100, 900)), address="单位办公楼二楼", capacity=40,
        opens_at=datetime.time(9), closes_at=datetime.time(17), open_days="12345")
    services.save_resource(actor=actor, region=region, provider=units[-1].unit_name, name="应急物资（帐篷、发电机）",
                           category="物资", registered_on=_ago(today, rng.randint(100, 900)), address="物资仓库")
    services.save_resource(actor=actor, region=region, provider=rng.choice(units).unit_name, name="停车场夜间开放",
                           category="设施", registered_on=_ago(today, rng.randint(100, 900)),
                           stopped_on=_ago(today, 10) if rng.random() < 0.3 else None)
    # Bookings on the next weekdays by the region's own branches.
    branch = Organization.objects.filter(subtree_q(region.organization), org_type=OrgType.BRANCH).first()
    if branch is not None:
        day = today + datetime.timedelta(days=1)
        made = 0
        while made < 3:
            if day.isoweekday() <= 5:
                booking = services.book_resource(venue, actor=actor, organization=branch, date=day,
                                                 start_time=datetime.time(9 + 2 * made), end_time=datetime.time(10 + 2 * made),
                                                 expected_count=rng.randint(10, 30), purpose="主题党日活动")
                if made == 0:
                    services.decide_resource_booking(booking, actor=actor, approve=True)
                made += 1
            day += datetime.timedelta(days=1)


def _dual_reports(ctx, orgs):
    rng, today, actor = ctx.rng, ctx.today, ctx.actor
    # Members report to the community's Party organisation: its 社区党委 (the host of the 社区大党委).
    communities = [o for o in orgs if o.division.category in ("城市社区", "村改居社区") and o.org_type in rules.REGION_ORG_TYPES]
    agencies = [o.pk for o in orgs if o.unit_type in ("机关", "事业单位")]
    if not communities or not agencies:
        return
    members = list(Member.objects.filter(organization_id__in=agencies, status="正常").order_by("?")[:24])
    for m in members:
        report = services.save_dual_report(actor=actor, member=m, community=rng.choice(communities),
                                           reported_on=_ago(today, rng.randint(200, 500)),
                                           posts=rng.choice(["文明劝导岗", "政策宣讲岗", "环境整治岗", "帮老助困岗"]))
        records = []
        for _ in range(rng.randint(2, 8)):
            day = _ago(today, rng.randint(1, 360))
            if day >= report.reported_on:
                records.append(ServiceRecord(report=report, date=day, post=report.posts, hours=Decimal(rng.choice([1, 2, 2.5, 3, 4])),
                                             note="参加社区志愿服务"))
        ServiceRecord.objects.bulk_create(records)


def _two_new(ctx, orgs, name):
    rng, today = ctx.rng, ctx.today
    two_new_orgs = [o for o in orgs if o.unit_type in TWO_NEW_UNIT_TYPES]
    units, n = [], 0

    def unit(org, division, category, members):
        nonlocal n
        n += 1
        staff = rng.choice([rng.randint(8, 49), rng.randint(50, 299), rng.randint(300, 900)])
        units.append(TwoNewUnit(
            name=f"{division.name}{'' if category == '非公有制企业' else '社会服务'}演示单位{n:03d}",
            category=category, division=division, sector=rng.choice(SECTORS), staff_count=staff,
            member_count=min(staff, members), investor=name(), organization=org,
            instructor="" if org else name(), no_body_reason="" if org else rng.choice(
                ["党员人数不足3名", "无正式党员", "新成立单位，正在培养发展对象"]),
            surveyed_on=_ago(today, rng.randint(20, 400))))

    for org in two_new_orgs:
        category = "社会组织" if org.unit_type == "社会组织" else "非公有制企业"
        for _ in range(rng.randint(2, 4) if org.org_type == OrgType.JOINT_BRANCH else 1):
            unit(org, org.division, category, rng.randint(1, 2) if org.org_type == OrgType.JOINT_BRANCH else rng.randint(3, 25))
    townships = Division.objects.filter(subtree_q(ctx.root.division), category__in=("乡", "镇", "街道"))
    for town in townships:
        for _ in range(rng.randint(2, 4)):
            unit(None, town, rng.choice(["非公有制企业", "社会组织"]), rng.choice([0, 1, 2]))
    TwoNewUnit.objects.bulk_create(units)

    # Two rating cycles (twonew.cycle_years): the first, rated four years ago, published for all and expired;
    # the second, rated two years ago and valid to the end of this year, published for most, in every other
    # state of the workflow for some (those are due again); a few new organisations never rated (due).
    ratings = []
    cycle = rules.get_setting("twonew.cycle_years")
    newer = today.year - cycle
    older = newer - cycle
    branches = [o for o in two_new_orgs if o.org_type in (OrgType.BRANCH, OrgType.JOINT_BRANCH)]
    for i, org in enumerate(branches):
        if i % 11 == 3:
            continue  # never rated
        for year in (older, newer):
            score = Decimal(rng.randint(52, 99))
            veto = year == newer and i % 17 == 5
            status = RatingStatus.PUBLISHED if year == older or i % 4 else [
                RatingStatus.SELF, RatingStatus.REVIEWED, RatingStatus.RETURNED][i % 12 // 4]
            ratings.append(StarRating(
                organization=org, year=year, self_score=score + rng.randint(0, 4) if score < 96 else score, score=score,
                veto=veto, veto_reason="近两年发生重大安全生产事故" if veto else "", stars=rules.stars_for(score, veto),
                status=status, published_on=datetime.date(year + 1, 3, 15) if status == RatingStatus.PUBLISHED else None,
                review_note="自评佐证材料不完整，请补充后重新提交" if status == RatingStatus.RETURNED else "",
                indicator_scores={}))
    StarRating.objects.bulk_create(ratings)


def _brands(ctx, orgs):
    rng, today, actor = ctx.rng, ctx.today, ctx.actor
    community = [o for o in orgs if o.division.category in ("城市社区", "村改居社区")]
    secretary_branch = ctx.extra.get("secretary_branch")
    hosts = rng.sample(community, k=min(len(community), 6)) + ([secretary_branch] if secretary_branch else [])
    for i, org in enumerate(hosts):
        applied = _ago(today, rng.randint(200, 700))
        brand = services.save_brand(actor=actor, organization=org, name=f"“{BRANDS[i % len(BRANDS)]}”党建品牌",
                                    summary="以党建引领基层治理，整合辖区资源，打造为民服务阵地。", applied_on=applied)
        Milestone.objects.bulk_create([
            Milestone(brand=brand, date=applied + datetime.timedelta(days=d), title=t, evidence=e) for d, t, e in (
                (30, "制定品牌创建方案", "创建方案"), (90, "阵地挂牌运行", "阵地照片（非必需）"), (150, "开展特色活动", "活动记录"))])
        state = i % 3  # 0 applied, 1 recognised, 2 recognised then revoked
        if state >= 1:
            brand = services.recognise_brand(brand, actor=actor, on=applied + datetime.timedelta(days=160))
        if state == 2:
            services.revoke_brand(brand, actor=actor, on=min(today, applied + datetime.timedelta(days=190)),
                                  reason="特色活动未持续开展")
