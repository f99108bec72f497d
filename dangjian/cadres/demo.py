"""Cadres of the 演示县: a team for every organisation (some secretaries linked to their member
record, 一肩挑 in villages and communities, cross-appointed 两新 secretaries, a few vacancies and
undersized teams), full-time deputies and a reserve pool
within the county's target range in every community, two pay rises, a year
of community funds (some below the minimum, one category missing) and venue investments, training
classes with attendance, and one township in the middle of its 两委 elections (candidates under
联审, one refused under the negative list) next to an election already held (before/after).

Cadres, funds and training are written with ``bulk_create``; the elections go through the services.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count

from dangjian.core.demo import random_day
from dangjian.core.rules import get_setting
from dangjian.core.scope import is_in_subtree, subtree_q
from dangjian.register.models import Division, Member, Organization
from dangjian.register.vocab import DivisionCategory, MemberStatus, OrgType, TWO_NEW_UNIT_TYPES

from . import rules, services
from .models import (
    Cadre, CommunityFund, PayStandard, TrainingAttendance, TrainingClass, VenueInvestment,
)
from .vocab import CommunityCategory, FundCategory, Post, TraineeRole, VettingOutcome

VILLAGE_LIKE = (DivisionCategory.VILLAGE, DivisionCategory.URBAN_COMMUNITY, DivisionCategory.VILLAGE_TO_COMMUNITY)
COMMUNITIES = (DivisionCategory.URBAN_COMMUNITY, DivisionCategory.VILLAGE_TO_COMMUNITY)
EDUCATIONS = ["大学本科", "大学专科", "大学专科", "高中", "中等专科", "大学本科", "硕士研究生", "初中"]
MANAGER_POSTS = ["副总经理", "行政总监", "人力资源部经理", "办公室主任", "副秘书长"]


def _person_cadre(people, rng, today, **fields) -> Cadre:
    p = people.person(28, 58)
    c = Cadre(name=p.name, sex=p.sex, birth_date=p.birth_date, education=rng.choice(EDUCATIONS), **fields)
    c.id_number = p.id_number
    return c


def _member_cadre(member, **fields) -> Cadre:
    c = Cadre(name=member.name, sex=member.sex, birth_date=member.birth_date, education=member.education,
              member=member, **fields)
    c.id_number_encrypted, c.id_number_hash = member.id_number_encrypted, member.id_number_hash
    return c


def _community_pool(org, people, rng, today) -> list[Cadre]:
    """A community's full-time deputies (the county's number, sometimes one more) and its reserve
    cadres (within the county's X~X target), so that the work report's F39~F41 read sensibly."""
    def since():
        return random_day(rng, today - datetime.timedelta(days=1500), today - datetime.timedelta(days=30))

    deputies = max(1, get_setting("cadres.full_time_deputies_per_community")) + (rng.random() < 0.25)
    low, high = rules.reserve_range()
    return ([_person_cadre(people, rng, today, organization=org, post=Post.FULL_TIME_DEPUTY, started_on=since())
             for _ in range(deputies)]
            + [_person_cadre(people, rng, today, organization=org, post=Post.RESERVE, started_on=since())
               for _ in range(rng.randint(low, max(low, high)))])


def _distinct_records(cadres: list[Cadre], people) -> list[Cadre]:
    """Records that would share their natural key (organisation, name, post, start) are given another
    person: two made-up people, or two members of one branch, can bear one name (the county's name
    pool is finite; a 社区党委's committee, with no members of its own, is made up entirely of drawn
    names). The first keeps the place; a later one becomes a newly drawn person."""
    def key(c):
        return (c.organization_id, c.name, c.post, c.started_on)

    seen: set[tuple] = set()
    for c in cadres:
        while key(c) in seen:
            p = people.person(28, 58)
            c.member = None
            c.name, c.sex, c.birth_date, c.id_number = p.name, p.sex, p.birth_date, p.id_number
        seen.add(key(c))
    return cadres


def populate(ctx) -> None:
    rng, today, people = ctx.rng, ctx.today, ctx.extra["people"]
    root = ctx.root
    orgs = list(Organization.objects.filter(subtree_q(root), is_active=True)
                .exclude(org_type=OrgType.COUNTY_COMMITTEE).select_related("division").order_by("path"))
    full = dict(Member.objects.filter(organization__in=orgs, status=MemberStatus.NORMAL, full_on__lte=today)
                .values_list("organization_id").annotate(n=Count("id")).order_by())
    members_by_org: dict[int, list] = {}
    for m in Member.objects.filter(organization__in=orgs, status=MemberStatus.NORMAL).only(
            "pk", "name", "sex", "birth_date", "education", "id_number_encrypted", "id_number_hash", "organization_id"):
        bucket = members_by_org.setdefault(m.organization_id, [])
        if len(bucket) < 12:
            bucket.append(m)
    secretary_branch = ctx.extra.get("secretary_branch")
    secretary_member = ctx.extra.get("secretary_member")
    vacancies = set(rng.sample([o.pk for o in orgs if o.org_type == OrgType.BRANCH], k=min(3, len(orgs))))
    cadres: list[Cadre] = []
    pooled: set[int] = set()  # communities given their full-time deputies and reserve pool (one organisation each)
    for org in orgs:
        village_like = org.division.category in VILLAGE_LIKE and org.unit_type in ("村", "社区")
        community = org.division.category in COMMUNITIES and org.unit_type == "社区"
        pool = list(members_by_org.get(org.pk, []))
        rng.shuffle(pool)
        # Previous secretary, ended, then the serving one (none for a few: the vacancy flag).
        start = random_day(rng, today - datetime.timedelta(days=5 * 365), today - datetime.timedelta(days=60))
        previous_start = start - datetime.timedelta(days=rng.randint(3 * 365, 5 * 365))
        cadres.append(_person_cadre(people, rng, today, organization=org, post=Post.SECRETARY,
                                    started_on=previous_start, ended_on=start,
                                    one_shoulder=village_like and rng.random() < 0.4))
        if org.pk not in vacancies:
            fields = dict(organization=org, post=Post.SECRETARY, started_on=start,
                          one_shoulder=village_like and rng.random() < 0.65,
                          concurrent_post=(rng.choice(MANAGER_POSTS) if org.unit_type in TWO_NEW_UNIT_TYPES
                                           and rng.random() < 0.6 else ""))
            if org == secretary_branch and secretary_member is not None:
                cadres.append(_member_cadre(secretary_member, **fields))
                pool = [m for m in pool if m.pk != secretary_member.pk]
            elif pool and rng.random() < 0.5:
                cadres.append(_member_cadre(pool.pop(), **fields))
            else:
                cadres.append(_person_cadre(people, rng, today, **fields))
        required = rules.required_team_size(org.org_type, full.get(org.pk, 0))
        others = required - 1 if rng.random() > 0.05 else max(0, required - 2)  # a few undersized teams
        for k in range(others + (rng.randint(0, 2) if required > 1 else 0)):
            post = Post.DEPUTY if k == 0 and required > 1 else Post.COMMITTEE
            fields = dict(organization=org, post=post, started_on=start)
            cadres.append(_member_cadre(pool.pop(), **fields) if pool else _person_cadre(people, rng, today, **fields))
        if community and org.division_id not in pooled:
            pooled.add(org.division_id)
            cadres.extend(_community_pool(org, people, rng, today))
        if village_like:
            cadres.append(_person_cadre(people, rng, today, organization=org, post=Post.PARTY_WORKER,
                                        started_on=random_day(rng, today - datetime.timedelta(days=2000), today - datetime.timedelta(days=30))))
    # A community whose organisations are none of the above (no 社区 unit) still gets its pool.
    for org in orgs:
        if org.division.category in COMMUNITIES and org.division_id not in pooled:
            pooled.add(org.division_id)
            cadres.extend(_community_pool(org, people, rng, today))
    Cadre.objects.bulk_create(_distinct_records(cadres, people), batch_size=1000)

    # Pay standards: two rises.
    pay = []
    for category, base in ((CommunityCategory.URBAN_COMMUNITY, 3000), (CommunityCategory.VILLAGE_TO_COMMUNITY, 2600),
                           (CommunityCategory.VILLAGE, 2200)):
        for step, day in enumerate((datetime.date(today.year - 4, 1, 1), datetime.date(today.year - 2, 7, 1),
                                    datetime.date(today.year, 1, 1))):
            pay.append(PayStandard(category=category, post=Post.SECRETARY, amount=Decimal(base + 600 * step), effective_on=day))
            pay.append(PayStandard(category=category, post=Post.FULL_TIME_DEPUTY, amount=Decimal(base - 400 + 500 * step),
                                   effective_on=day))
    # County-wide standards: one already recorded for a category, post and day (the demo loaded beside
    # other data, as `make bench` does) is kept as it is.
    PayStandard.objects.bulk_create(pay, ignore_conflicts=True)

    # Community funds for last year and this year; some below the minimum, one category missing once.
    communities = list(Division.objects.filter(subtree_q(ctx.extra["root_division"]), category__in=COMMUNITIES))
    funds = []
    for year in (today.year - 1, today.year):
        for i, d in enumerate(communities):
            for cat in FundCategory.values:
                if year == today.year and i == 0 and cat == FundCategory.PARTY_BUILDING:
                    continue
                low = 40 if i % 7 == 3 else 60
                funds.append(CommunityFund(division=d, year=year, category=cat,
                                           amount=Decimal(rng.randint(low, 130) * 1000) + Decimal("0.50") * rng.randint(0, 1)))
    CommunityFund.objects.bulk_create(funds)

    # Venue investments over the last two years.
    divisions = communities + list(Division.objects.filter(subtree_q(ctx.extra["root_division"]),
                                                           category__in=["乡", "镇", "街道"]))
    investments = []
    for k in range(min(60, 3 * len(divisions))):
        d = rng.choice(divisions)
        investments.append(VenueInvestment(
            division=d, project=rng.choice(["党群服务中心改造", "党员活动室提升", "红色驿站建设", "新时代文明实践站", "党建文化长廊"]) + f"（{k + 1}期）",
            invested_on=random_day(rng, today - datetime.timedelta(days=700), today - datetime.timedelta(days=1)),
            amount=Decimal(rng.randint(50, 900) * 1000) + Decimal(rng.randint(0, 99)) / 100))
    VenueInvestment.objects.bulk_create(investments)

    # Training classes and attendance (about two thirds of the secretaries, most party workers).
    classes = []
    for name, days_ago, length, hours, audience in (
            ("村（社区）党组织书记轮训班", 300, 5, Decimal("32"), "村（社区）党组织书记"),
            ("“两新”党组织书记培训班", 200, 3, Decimal("20"), "“两新”党组织书记"),
            ("党务工作者业务培训班", 120, 3, Decimal("16"), "专职党务工作者"),
            ("基层党组织书记示范培训班", 40, 5, Decimal("32"), "党组织书记")):
        start = today - datetime.timedelta(days=days_ago)
        classes.append(TrainingClass(name=name, started_on=start, ended_on=start + datetime.timedelta(days=length - 1),
                                     hours=hours, audience=audience, organization=root))
    TrainingClass.objects.bulk_create(classes)
    serving = list(Cadre.objects.serving_on(today).filter(organization__in=orgs, post__in=[Post.SECRETARY, Post.PARTY_WORKER])
                   .select_related("organization"))
    attendances = []
    for c in serving:
        if rng.random() > (0.68 if c.post == Post.SECRETARY else 0.8):
            continue
        if c.post == Post.PARTY_WORKER:
            tc = classes[2]
        elif c.organization.unit_type in TWO_NEW_UNIT_TYPES:
            tc = classes[1]
        else:
            tc = rng.choice([classes[0], classes[3]])
        attendances.append(TrainingAttendance(
            training=tc, name=c.name, organization=c.organization, cadre=c, member=c.member, sex=c.sex,
            birth_date=c.birth_date, education=c.education, id_number_encrypted=c.id_number_encrypted,
            id_number_hash=c.id_number_hash,
            role=TraineeRole.SECRETARY if c.post == Post.SECRETARY else TraineeRole.PARTY_WORKER))
    TrainingAttendance.objects.bulk_create(attendances, batch_size=1000)

    _elections(ctx, orgs)


def _elections(ctx, orgs) -> None:
    """The organiser's township is in the middle of its 两委 elections; one street community has held its election."""
    rng, today, people, actor = ctx.rng, ctx.today, ctx.extra["people"], ctx.actor
    departments, negatives = rules.vetting_departments(), rules.negative_list()
    township = ctx.extra.get("organiser_org")
    if township is not None:
        due = [o for o in orgs if is_in_subtree(o, township) and o.unit_type in ("村", "社区")][:6]
        refused = False
        for i, org in enumerate(due):
            e = services.create_election(actor=actor, organization=org,
                                         planned_on=today + datetime.timedelta(days=20 + 5 * i),
                                         plan="按照全县村（社区）“两委”换届工作方案：摸底调研、候选人推荐、资格联审、组织选举、总结验收。")
            for post in (Post.SECRETARY, Post.DEPUTY, Post.COMMITTEE, Post.COMMITTEE):
                p = people.person(28, 55)
                c = services.add_candidate(e, actor=actor, name=p.name, post=post, id_number=p.id_number,
                                           education=rng.choice(EDUCATIONS))
                answered = departments if i < 2 else departments[: rng.randint(0, len(departments))]
                for d in answered:
                    if not refused and i == 1 and post == Post.COMMITTEE and d == departments[-1]:
                        services.record_vetting(c, actor=actor, department=d, outcome=VettingOutcome.FAILED,
                                                negative_item=negatives[3] if len(negatives) > 3 else negatives[0],
                                                reason="法院执行信息公开网查询为失信被执行人")
                        refused = True
                    else:
                        services.record_vetting(c, actor=actor, department=d, outcome=VettingOutcome.PASSED)
    street = ctx.extra.get("street_org")
    if street is not None:
        held = next((o for o in orgs if is_in_subtree(o, street) and o.unit_type == "社区"), None)
        if held is not None:
            e = services.create_election(actor=actor, organization=held, planned_on=today - datetime.timedelta(days=30),
                                         plan="社区“两委”换届选举（演示：已完成）")
            elected = []
            # The new team keeps its 专职副书记 (the election ends the old team's records).
            for post in (Post.SECRETARY, Post.DEPUTY, Post.FULL_TIME_DEPUTY, Post.COMMITTEE, Post.COMMITTEE):
                p = people.person(26, 45, female_share=0.5)
                c = services.add_candidate(e, actor=actor, name=p.name, post=post, id_number=p.id_number,
                                           education=rng.choice(["大学本科", "大学专科", "硕士研究生"]))
                for d in departments:
                    services.record_vetting(c, actor=actor, department=d, outcome=VettingOutcome.PASSED,
                                            vetted_on=today - datetime.timedelta(days=40))
                c.refresh_from_db()
                elected.append(c)
            services.record_result(e, actor=actor, held_on=today - datetime.timedelta(days=30), elected=elected,
                                   one_shoulder=True, note="应到党员全部参会，差额选举产生新一届支部委员会。")
