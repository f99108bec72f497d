"""The 演示县's year of assessment and accountability: a year-end plan of last year (computed and scored
indicators, ranking, decisions on the bottom places, results used, closed), this half-year's plan being
scored, 述职评议 of the township secretaries with their problems, 三单, rectifications in every state
(including recurring and escalated ones) and six monthly joint meetings whose tasks are followed up."""
from __future__ import annotations

import datetime
from decimal import Decimal

from dangjian.core.scope import is_in_subtree

from . import services
from .vocab import ProblemCategory, ProblemSource

D = datetime.date
SCORED = [("班子建设", "班子团结和书记履职", Decimal("15")), ("阵地建设", "党群服务中心规范化", Decimal("10"))]
COMPUTED = [("组织生活", "组织生活开展率", "orglife.compliance", Decimal("20")),
            ("发展党员", "发展党员步骤按时率", "recruitment.steps_on_time", Decimal("10")),
            ("党员管理", "组织关系转接及时率", "transfers.handled_in_time", Decimal("10")),
            ("整改落实", "整改按时销号率", "assessment.signed_off_on_time", Decimal("15"))]


def _days(n):
    return datetime.timedelta(days=n)


def populate(ctx) -> None:
    rng, today, actor, extra = ctx.rng, ctx.today, ctx.actor, ctx.extra
    branches = [b for b in extra.get("branches", []) if b.is_active]
    townships = list(extra.get("township_committees") or [])
    if not branches or not townships:
        return
    original = services.today
    services.today = lambda: today
    try:
        _ledger(rng, today, actor, branches, extra)
        _plans(rng, today, actor, ctx.root, townships, extra)
        _debriefs(rng, today, actor, townships)
        _lists(rng, today, actor, extra, branches)
        _meetings(rng, today, actor, ctx.root, townships)
        services.escalate_overdue(actor=actor, day=today)
    finally:
        services.today = original


def _ledger(rng, today, actor, branches, extra):
    home = extra.get("secretary_branch") or branches[0]
    org = extra.get("organiser_org")
    mine = [b for b in branches if is_in_subtree(b, org) and b.pk != home.pk]
    picks = [home] + rng.sample(mine, min(len(mine), 10)) + rng.sample(branches, min(len(branches), 24))
    categories = ProblemCategory.values
    for i, org in enumerate(picks):
        found = today - _days(rng.randint(20, 600))
        category = rng.choice(categories)
        for j in range(1 + (i % 4 == 0)):  # every fourth organisation: the same problem again (反复出现)
            day = found + _days(j * rng.randint(200, 500))
            if day >= today:
                day = today - _days(rng.randint(1, 10))
            deadline = day + _days(rng.choice((30, 60, 90)))
            p = services.create_problem(actor=actor, organization=org, source=rng.choice(ProblemSource.values),
                                        category=category, description=f"{category}方面：{rng.choice(_TEXTS[category])}",
                                        found_on=day, deadline=deadline, responsible=rng.choice(_PEOPLE),
                                        measures="制定整改方案，明确责任人和时限，逐项销号")
            stage = (i + j) % 6  # 0 open, 1 done, 2 failed, 3 passed, 4 signed off, 5 looked back
            done = min(day + _days(rng.randint(10, 80)), today - _days(3))
            if stage == 0 or done <= day:
                continue
            p = services.report_progress(p, actor=actor, day=done, text="已按整改方案完成整改", completed=True)
            if stage == 1:
                continue
            verified = min(done + _days(rng.randint(1, 15)), today - _days(1))
            verdict = "未通过" if stage == 2 else "通过"
            p = services.verify(p, actor=actor, verified_on=verified, verdict=verdict,
                                note="实地查看会议记录和台账" if verdict == "通过" else "整改不到位，记录仍不完整")
            if stage < 4:
                continue
            p = services.sign_off(p, actor=actor, day=verified)
            if stage == 5 and verified + _days(30) < today:
                services.record_lookback(p, actor=actor, day=min(verified + _days(180), today - _days(1)),
                                         note="回头看：整改成果巩固", held=True)


def _score_all(rng, plan, actor, complete=True):
    for t in plan.targets.all():
        for ind in plan.indicators.exclude(kind="computed"):
            if not complete and rng.random() < 0.4:
                continue
            if ind.kind == "deduction":
                services.score_indicator(t, ind, actor=actor, faults=rng.choice((0, 0, 1, 2, 3)), comment="查阅台账")
            else:
                score = (ind.points * Decimal(rng.choice(("1", "0.9", "0.8", "0.8", "0.7", "0.6")))).quantize(Decimal("0.1"))
                services.score_indicator(t, ind, actor=actor, score=score, comment="实地查看、查阅资料")


def _indicators(plan, actor):
    from dangjian.core.extensions import computed_indicators

    listed = {key for _, _, key, _ in COMPUTED}
    extra = [("两新党建" if "twonew" in i.key else "队伍建设", i.label, i.key, Decimal("5"))
             for i in computed_indicators() if i.key not in listed]
    for area, name, key, points in COMPUTED + extra:
        services.add_indicator(plan, actor=actor, area=area, name=name, points=points, kind="computed", computed_key=key,
                               check_method="平台数据自动计算")
    for area, name, points in SCORED:
        services.add_indicator(plan, actor=actor, area=area, name=name, points=points, kind="scored",
                               check_method="实地查看、个别谈话", rule="好的满分，一般的得六成，差的不得分")
    services.add_indicator(plan, actor=actor, area="党费", name="党费按时足额交纳", points=Decimal("10"), kind="deduction",
                           deduction_per_item=Decimal("2"), rule="发现一人次未按时交纳扣2分", check_method="查阅党费台账")


def _plans(rng, today, actor, root, townships, extra):
    year = today.year - 1
    plan = services.create_plan(actor=actor, owner=root, name=f"{year}年度基层党建工作考核", kind="year_end",
                                date_from=D(year, 1, 1), date_to=D(year, 12, 31), bottom_places=1)
    _indicators(plan, actor)
    towns = [t for t in townships if "街道" not in t.name]
    streets = [t for t in townships if "街道" in t.name]
    services.add_targets(plan, actor=actor, organizations=towns, peer_group="乡镇")
    if streets:
        services.add_targets(plan, actor=actor, organizations=streets, peer_group="街道")
    services.start_scoring(plan, actor=actor)
    _score_all(rng, plan, actor)
    services.publish(plan, actor=actor, day=D(today.year, 1, 20))
    from .scoring import compute
    for i, r in enumerate(compute(plan).flagged()):
        kind, reason = [("约谈", "县委组织部部长约谈党委书记，限期整改"), ("通报批评", "全县通报批评"),
                        ("不予问责", "因乡镇区划调整，班子调整未满三个月，不予问责，列为重点帮扶")][i % 3]
        services.record_decision(r.target, actor=actor, kind=kind, reason=reason, decided_on=D(today.year, 1, 25))
    services.record_use(plan, actor=actor, kind="表彰奖励", decision="表彰年度基层党建工作先进乡镇（街道）",
                        decided_on=D(today.year, 2, 1), decided_by="县委", organization=compute(plan).results[0].organization)
    services.record_use(plan, actor=actor, kind="教育培训", decision="末位乡镇党委书记参加县委党校专题培训班",
                        decided_on=D(today.year, 2, 10), decided_by="县委组织部")
    services.close_plan(plan, actor=actor, day=D(today.year, 2, 15))
    # Last year's half-year plan: published, its results fed nothing (shown as such).
    half = services.create_plan(actor=actor, owner=root, name=f"{year}年上半年基层党建工作考核", kind="half_year",
                                date_from=D(year, 1, 1), date_to=D(year, 6, 30))
    _indicators(half, actor)
    services.add_targets(half, actor=actor, organizations=townships, peer_group="乡镇（街道）")
    services.start_scoring(half, actor=actor)
    _score_all(rng, half, actor)
    services.publish(half, actor=actor, day=D(year, 7, 20))
    # The organiser's township assesses its branches this half-year: scoring under way.
    org = extra.get("organiser_org")
    if org is not None:
        start = D(today.year, 1, 1) if today.month > 6 else D(today.year - 1, 7, 1)
        current = services.create_plan(actor=actor, owner=org, name=f"{org.name}党支部半年考核", kind="half_year",
                                       date_from=start, date_to=min(start + _days(181), today - _days(1)))
        _indicators(current, actor)
        mine = [b for b in extra["branches"] if is_in_subtree(b, org) and b.is_active]
        services.add_targets(current, actor=actor, organizations=mine, peer_group="党支部")
        services.start_scoring(current, actor=actor)
        _score_all(rng, current, actor, complete=False)


def _debriefs(rng, today, actor, townships):
    year = today.year - 1
    held = D(today.year, 1, 12)
    for i, t in enumerate(townships):
        votes = {"好": rng.randint(10, 30), "较好": rng.randint(3, 12), "一般": rng.randint(0, 6), "差": rng.randint(0, 2)}
        if i == len(townships) - 1:
            votes = {"好": 5, "较好": 8, "一般": 14, "差": 3}
        services.record_debrief(
            actor=actor, organization=t, year=year, secretary=rng.choice(_PEOPLE), held_on=min(held, today - _days(1)),
            report=f"{year}年抓基层党建工作述职：落实“三会一课”、发展党员、阵地建设等情况。",
            comment="成绩肯定，问题要一件一件抓整改。", votes=votes,
            problems=rng.sample(_DEBRIEF_PROBLEMS, 2), category="制度落实",
            deadline=min(held, today - _days(1)) + _days(90))


def _lists(rng, today, actor, extra, branches):
    org = extra.get("organiser_org")
    mine = [b for b in branches if org is None or is_in_subtree(b, org)][:8]
    for b in mine:
        for kind, content in (("问题清单", "党员活动室设施陈旧"), ("任务清单", "按月开展主题党日"),
                              ("责任清单", "书记负总责，组织委员具体抓"), ("任务清单", "年底前完成党员信息核对")):
            item = services.add_list_item(actor=actor, organization=b, year=today.year, kind=kind, content=content,
                                          owner=rng.choice(_PEOPLE), deadline=D(today.year, 12, 31))
            if rng.random() < 0.3:
                services.complete_list_item(item, actor=actor, day=today - _days(rng.randint(1, 60)))


def _meetings(rng, today, actor, root, townships):
    for k in range(6, 0, -1):
        month = (today.replace(day=1) - _days(1 + 30 * (k - 1))).replace(day=1)
        day = month + _days(rng.randint(1, 5))
        if day >= today:
            continue
        tasks = [{"content": f"{month.month}月：{rng.choice(_TASKS)}", "owner": rng.choice(townships).name,
                  "deadline": day + _days(25)} for _ in range(2)]
        m = services.record_meeting(actor=actor, organization=root, held_on=day, theme=f"{month.month}月党建工作联席例会",
                                    attendance="县委组织部、各乡镇（街道）党（工）委副书记、县直有关单位",
                                    progress="各乡镇（街道）汇报本月重点任务进度（赛进度）。", tasks=tasks)
        for t in m.followed_tasks.all():
            done = day if rng.random() < 0.7 else None
            services.follow_up_task(t, actor=actor, note="已完成" if done else "正在推进，下次例会继续跟进", done_on=done)


_PEOPLE = ["王建国", "李红梅", "张卫东", "刘海燕", "陈志强", "杨秀英", "赵明", "黄丽"]
_TASKS = ["村（社区）“两委”换届准备", "软弱涣散党组织整顿", "党员冬春训", "党费收缴核查", "党群服务中心提档升级"]
_DEBRIEF_PROBLEMS = ["对软弱涣散村党组织整顿跟进不够", "发展党员把关不严", "“三会一课”督导不到位", "村级阵地作用发挥不充分",
                     "党员教育管理方式单一", "基层党建经费保障不足"]
_TEXTS = {
    "组织生活": ["“三会一课”记录不完整", "主题党日流于形式", "组织生活会批评意见不具体"],
    "发展党员": ["入党积极分子考察记录缺失", "公示时间不足", "发展对象培训学时不够"],
    "党员管理": ["流动党员联系不经常", "党员信息未及时更新", "党籍材料归档不全"],
    "阵地建设": ["党员活动室挪作他用", "“六有”标准不齐全", "党建宣传栏内容陈旧"],
    "班子建设": ["支委会分工不明确", "班子成员履职不到位", "后备干部储备不足"],
    "党费": ["党费未按月交纳", "党费基数核定不准", "党费收缴台账不规范"],
    "制度落实": ["“四议两公开”程序不全", "议事规则落实不到位", "制度上墙未落实"],
    "其他": ["工作台账不规范", "上报材料不及时", "其他问题"],
}
