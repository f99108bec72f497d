"""The demo county's governance: a year of matters in every state (decided, open at each step, stalled,
failed), disputes in every township (some overdue), a catalogue of 40 items in 8 categories with
requests at the three levels (some handed up, some overdue), and some 四风 cases with a discipline
office login (``demo_jiwei``). Everything goes through the services, except the bulk of requests."""
from __future__ import annotations

import datetime

from dangjian.core.scope import subtree_q
from dangjian.register.models import Division, Organization

from . import rules, services
from .models import ServiceItem, ServiceRequest
from .vocab import CaseCategory, DisputeCategory, MatterCategory

CATALOGUE = {
    "社会保障": ["城乡居民养老保险参保登记", "养老保险待遇申领", "医疗保险参保登记", "医保异地就医备案", "社会保障卡申领"],
    "民政": ["最低生活保障申请", "特困人员救助供养申请", "临时救助申请", "高龄津贴申领", "残疾人两项补贴申请"],
    "户籍": ["户口迁移", "居民身份证申领", "出生登记", "居住证办理", "户籍证明开具"],
    "计生": ["生育登记", "计划生育家庭奖励扶助申请", "独生子女父母光荣证补办", "计生特殊家庭扶助"],
    "就业": ["失业登记", "就业创业证申领", "职业技能培训报名", "创业担保贷款申请", "灵活就业人员登记", "公益性岗位申请"],
    "党员服务": ["组织关系转接咨询", "党费交纳", "流动党员登记", "困难党员帮扶申请", "党员教育培训报名"],
    "农业农村": ["耕地地力保护补贴申领", "农机购置补贴申请", "宅基地申请", "土地承包经营权流转备案", "农村危房改造申请"],
    "综合治理": ["矛盾纠纷调解申请", "法律援助申请", "平安建设信息登记", "网格事项报告", "居住出具证明"],
}
LEVELS = ["村级", "乡镇级", "县级"]


def populate(ctx) -> None:
    rng, today, actor = ctx.rng, ctx.today, ctx.actor
    root_div = ctx.extra["root_division"]
    towns = list(Division.objects.filter(parent=root_div).order_by("path"))
    villages = list(Division.objects.filter(subtree_q(root_div), category__in=["村", "城市社区", "村改居社区"])
                    .select_related("parent").order_by("path"))
    orgs = list(Organization.objects.filter(subtree_q(ctx.root), unit_type__in=["村", "社区"],
                                            org_type__in=["党支部", "党总支", "党委"], is_active=True).order_by("path"))
    secretary_branch = ctx.extra.get("secretary_branch")
    chosen = ([secretary_branch] if secretary_branch is not None else []) + rng.sample(orgs, min(60, len(orgs)))
    _matters(ctx, chosen)
    _disputes(ctx, towns, villages)
    items = _catalogue(ctx)
    _requests(ctx, root_div, towns, villages, items)
    _cases(ctx, towns, villages)


def _matters(ctx, orgs):
    """Matters in every state under the county's 一征三议两公开, and some opened while the county tried the
    national 四议两公开 and its own edited copy (no 决议公开: the result is published once), each keeping
    its own steps. The county's template is 一征三议两公开 again at the end."""
    from .models import ProcedureTemplate

    orgs = list(dict.fromkeys(orgs))
    national = ProcedureTemplate.objects.get(name="四议两公开")
    own = ProcedureTemplate.objects.filter(name=EDITED_TEMPLATE).first()
    if own is None:
        steps = [d for d in national.steps_data() if d["label"] != "决议公开"]
        for n, d in enumerate(steps, start=1):
            d["order"] = n
        own = services.save_template(actor=ctx.actor, name=EDITED_TEMPLATE, steps=steps,
                                     description="本县试行：四议两公开，决议和实施结果一并公开")
    county = ProcedureTemplate.objects.get(name=rules.DEFAULT_TEMPLATE)
    for template, group in ((national, orgs[1::7]), (own, orgs[2::7]), (county, [o for i, o in enumerate(orgs)
                                                                              if i % 7 not in (1, 2)])):
        services.activate_template(template, actor=ctx.actor)
        for org in group:
            _org_matters(ctx, org, many=org is orgs[0])
    services.activate_template(county, actor=ctx.actor)


EDITED_TEMPLATE = "本县四议一公开（试行）"
NAMES = ["村道硬化", "集体鱼塘承包", "村规民约修订", "低保评议", "文化广场建设", "饮水工程", "土地流转", "集体厂房出租",
         "路灯安装", "公墓整治", "五年发展规划", "垃圾分类点建设"]


def _org_matters(ctx, org, many):
    rng, today, actor = ctx.rng, ctx.today, ctx.actor
    for k in range(6 if many else rng.randint(1, 3)):
        start = today - datetime.timedelta(days=rng.randint(20, 360))
        kind = (org.pk + k) % 6  # 0-2 decided, 3 open mid-way, 4 stalled, 5 failed
        try:
            matter = services.open_matter(
                actor=actor, organization=org, name=f"{rng.choice(NAMES)}（{start:%Y年%m月}）",
                category=rng.choice(MatterCategory.values), origin="党组织提议", opened_on=start,
                meeting_form="入户走访", content="收集群众意见建议")
        except Exception:
            continue
        tpl = matter.procedure
        review = tpl.numbers_of("审议")[0]
        day = start
        last = {0: tpl.last, 1: tpl.last, 2: tpl.last, 3: rng.randint(2, tpl.last - 1), 4: 2, 5: review}[kind]
        for number in range(2, last + 1):
            spec = tpl.step(number)
            gap = 60 if kind == 4 else rng.randint(2, 20)
            day = day + datetime.timedelta(days=gap if number < tpl.last else rng.randint(20, 60))
            if day > today:
                break
            extra = {}
            if spec.has_vote:
                due = rng.randint(20, 60)
                present = rng.randint(-(-due * 2 // 3), due)
                extra = dict(due=due, present=present, in_favour=rng.randint(due // 2 + 1, present))
                if kind == 5:
                    extra["in_favour"], extra["confirm_failure"] = due // 2, True
            if spec.is_publication:
                extra["content"] = ("已按决议完成实施，经村务监督委员会验收合格。" if number == tpl.last else
                                    "决议：按方案实施，资金由村集体和上级补助解决。")
            services.record_step(matter, actor=actor, number=number, date=day, meeting_form="现场会议", **extra)


def _disputes(ctx, towns, villages):
    rng, today, actor = ctx.rng, ctx.today, ctx.actor
    places = towns + villages
    for i in range(180):
        accepted = today - datetime.timedelta(days=rng.randint(0, 500))
        result, closed = "", None
        if rng.random() < 0.85 and (today - accepted).days > 3:
            result = rng.choices(["调处成功", "调处不成功", "移交"], [8, 1, 1])[0]
            closed = min(accepted + datetime.timedelta(days=rng.randint(1, 40)), today)
        services.save_dispute(actor=actor, case_no=f"演示TJ{today.year}{i:04d}", division=rng.choice(places),
                              category=rng.choice(DisputeCategory.values), accepted_on=accepted,
                              mediator=rng.choice(["人民调解员", "司法所调解员", "网格员"]), result=result,
                              transferred_to="县人民法院诉讼服务中心" if result == "移交" else "", closed_on=closed)


def _catalogue(ctx):
    items = []
    for c, (category, names) in enumerate(CATALOGUE.items()):
        for i, name in enumerate(names):
            items.append(services.save_item(actor=ctx.actor, category=category, name=name,
                                            level=LEVELS[(c + i) % 3], description=f"携带身份证件到{LEVELS[(c + i) % 3]}便民服务中心办理"))
    return items


def _requests(ctx, root_div, towns, villages, items):
    rng, today = ctx.rng, ctx.today
    rows, n = [], 0
    for level in LEVELS:
        for _ in range({"村级": 900, "乡镇级": 500, "县级": 200}[level]):
            division = root_div if level == "县级" else rng.choice(towns if level == "乡镇级" else villages)
            accepted = today - datetime.timedelta(days=rng.randint(0, 365))
            closed = accepted + datetime.timedelta(days=rng.randint(0, 25)) if rng.random() < 0.9 else None
            n += 1
            rows.append(ServiceRequest(number=f"演示BM{n:06d}", level=level, division=division,
                                       item=rng.choice(items), accepted_on=accepted,
                                       closed_on=closed if closed and closed <= today else None,
                                       handled_level=level, handled_division=division,
                                       days_to_close=(closed - accepted).days if closed and closed <= today else None))
    ServiceRequest.objects.bulk_create(rows, batch_size=1000)
    # A few village requests handed up to the township (代办), through the service.
    for req in ServiceRequest.objects.filter(level="村级", closed_on__isnull=True, number__startswith="演示BM")[:15]:
        services.hand_up_request(req, actor=ctx.actor, date=min(req.accepted_on + datetime.timedelta(days=1), today))


def _cases(ctx, towns, villages):
    from dangjian.accounts.models import User

    rng, today, actor = ctx.rng, ctx.today, ctx.actor
    for i in range(24):
        opened = today - datetime.timedelta(days=rng.randint(30, 500))
        concluded = opened + datetime.timedelta(days=rng.randint(20, 150))
        services.save_case(actor=actor, case_no=f"演示SF{i + 1:04d}", division=rng.choice(towns + villages),
                           category=rng.choice(CaseCategory.values), opened_on=opened,
                           concluded_on=concluded if concluded <= today else None)
    if not User.objects.filter(username="demo_jiwei").exists():
        user = User.objects.create_user(username="demo_jiwei", password=ctx.extra.get("password"),
                                        role="discipline", organization=ctx.root, last_name="演示县纪委")
        ctx.extra.setdefault("users", {})["discipline"] = user
