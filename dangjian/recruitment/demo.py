"""The demo county's recruitments: files at every one of the 25 steps, in every branch type,
some finished, some ended, a few extended probations and overrides, a few overdue to-do items.

Every file is built through the services, so the demo obeys the same rules as real users; the
dates come from ``plan.plan_dates`` and are placed so that the file's last step lies shortly
before ``ctx.today``.
"""
from __future__ import annotations

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core.actor import Actor
from dangjian.register.models import Member, Organization
from dangjian.register.vocab import BRANCH_TYPES, Education, MemberStatus, Occupation

from . import rules, services
from .models import EventKind
from .plan import plan_dates

TOTAL = 200
FAKE_PDF = b"%PDF-1.4\n% demo application letter\n"


def _branches(ctx) -> list[Organization]:
    branches = ctx.extra.get("branches")
    if not branches:
        branches = list(Organization.objects.subtree(ctx.root).filter(org_type__in=BRANCH_TYPES, is_active=True)
                        .order_by("path"))
    return [b for b in branches if b.is_active]


def _approver(branch: Organization) -> Organization:
    for org in Organization.objects.ancestors_of(branch).order_by("-depth"):
        if rules.may_approve(org):
            return org
    return branch.parent


def _elders(branch: Organization, on: datetime.date, cache: dict) -> list[Member]:
    key = branch.pk
    if key not in cache:
        qs = Member.objects.filter(status=MemberStatus.NORMAL, under_party_probation=False, full_on__isnull=False)
        own = list(qs.filter(organization=branch).order_by("full_on")[:2])
        # Too few in the branch: members of the township, then of the county, as the rules allow.
        for area in [branch.parent] + list(Organization.objects.ancestors_of(branch).order_by("depth")[:1]):
            if len(own) < 2 and area is not None:
                own += list(qs.in_subtree(area).exclude(pk__in=[m.pk for m in own]).order_by("full_on")
                            [:2 - len(own)])
        cache[key] = own
    return [m for m in cache[key] if m.full_on <= on]


def _voters(branch: Organization, cache: dict) -> int:
    key = ("voters", branch.pk)
    if key not in cache:
        cache[key] = max(3, Member.objects.filter(organization=branch, status=MemberStatus.NORMAL,
                                                  full_on__isnull=False, under_party_probation=False).count())
    return cache[key]


def _details(step: int, branch, day, cache) -> dict:
    if step == 2:
        return {"talker": branch.secretary_name or "党支部书记"}
    if step == 5:
        return {"contacts": _elders(branch, day, cache)}
    if step == 9:
        return {"introducers": _elders(branch, day, cache)}
    if step == 11:
        return {"training_days": 3, "training_hours": 24}
    if step == 12:
        return dict(votes_entitled=5, votes_present=5, votes_for=5, votes_against=0, votes_abstain=0)
    if step in (15, 23):
        n = _voters(branch, cache)
        present = n if n <= 5 else n - 1
        return dict(votes_entitled=n, votes_present=present, votes_for=present, votes_against=0, votes_abstain=0)
    if step in (17, 24):
        return {"committee": _approver(branch)}
    if step in (4, 8, 13, 18):
        return {"committee": branch.parent}
    return {}


NOTES = {
    3: "经党员推荐、支部委员会研究，确定为入党积极分子。", 6: "该同志入党动机端正，工作积极，考察合格。",
    7: "经支部委员会研究，听取党小组、培养联系人和群众意见，确定为发展对象。", 10: "政治审查合格，形成结论性材料。",
    12: "支部委员会审查合格，同意报上级党委预审。", 15: "支部大会讨论，同意接收为中共预备党员。",
    17: "经党委会集体讨论，同意接收为中共预备党员。", 23: "支部大会讨论，同意按期转为中共正式党员。",
}


def _plan_for(rng: random.Random, last_step: int, today: datetime.date, since_days: int):
    """A plan whose step ``last_step`` falls ``since_days`` before today (the next one not yet due)."""
    seed = rng.random()
    applied = today
    for _ in range(4):
        plan = plan_dates(applied, random.Random(seed))
        target = today - datetime.timedelta(days=since_days)
        applied = applied + (target - plan.steps[last_step])
    plan = plan_dates(applied, random.Random(seed))
    while plan.steps[last_step] > today:
        applied -= datetime.timedelta(days=1)
        plan = plan_dates(applied, random.Random(seed))
    return plan


def _build(ctx, branch, last_step, *, since_days, cache, end: str = "", override_actor=None):
    people = ctx.extra.get("people")
    rng = ctx.rng
    plan = _plan_for(rng, last_step, ctx.today, since_days)
    if people is not None:
        years_ago = (ctx.today - plan.steps[1]).days // 365
        p = people.person(19 + years_ago, 40 + years_ago)
        person = dict(name=p.name, sex=p.sex, ethnicity=p.ethnicity, id_number=p.id_number, birth_date=p.birth_date)
    else:  # without the register's demo factory (tests): a simple generator
        from dangjian.conftest import make_id_number

        birth = datetime.date(1990 + rng.randrange(10), 1 + rng.randrange(12), 1 + rng.randrange(28))
        sex = rng.choice("男女")
        person = dict(name=f"申请人{rng.randrange(10**6)}", sex=sex, ethnicity="汉族", birth_date=birth,
                      id_number=make_id_number(birth, sex, rng.randrange(1, 400), region=f"4199{rng.randrange(10, 99)}"))
    education = rng.choice([Education.BACHELOR, Education.BACHELOR, Education.COLLEGE, Education.HIGH_SCHOOL,
                            Education.MASTER, Education.SECONDARY_SPECIALISED])
    occupation = Occupation.STUDENT if rng.random() < 0.1 else rng.choice(
        [Occupation.FARMER, Occupation.WORKER, Occupation.PROFESSIONAL, Occupation.MANAGER])
    files = [SimpleUploadedFile("入党申请书.pdf", FAKE_PDF)] if rng.random() < 0.3 else []
    actor = ctx.actor
    r = services.register_application(actor=actor, organization=branch, education=education, occupation=occupation,
                                      unit=branch.name.replace("中共", "").replace("支部委员会", ""),
                                      applied_on=plan.steps[1], files=files, note="本人递交入党申请书。", **person)
    for step in range(2, last_step + 1):
        for kind, day, end_on in plan.events_before(step):
            services.record_event(r, actor=actor, kind=kind, date=day, end_on=end_on, note="考察合格" if kind == "review" else "")
        day = plan.steps[step]
        kwargs = _details(step, branch, day, cache)
        if step == 11 and override_actor is not None:
            # A shortened training, set aside by the county with a written reason.
            services.record_step(r, actor=override_actor, step=11, date=day, note="线上集中培训2天",
                                 training_days=2, training_hours=16,
                                 override_reason="受汛期抢险影响，经县委组织部同意改为线上培训2天并补学8学时")
            continue
        services.record_step(r, actor=actor, step=step, date=day, note=NOTES.get(step, ""), **kwargs)
    if last_step < 7 and 3 <= last_step:
        # A half-yearly review between ⑥ and today keeps the activist's rhythm.
        for kind, day, end_on in plan.events_before(7):
            if day <= ctx.today:
                services.record_event(r, actor=actor, kind=kind, date=day, note="考察合格")
    if 7 <= last_step <= 11 and plan.publicity and plan.publicity[0] <= ctx.today and last_step == 11:
        services.record_event(r, actor=actor, kind=EventKind.PUBLICITY, date=plan.publicity[0], end_on=plan.publicity[1])
    if end == "termination":
        services.record_event(r, actor=actor, kind=EventKind.TERMINATION, date=ctx.today,
                              note="本人因工作调动申请撤回入党申请，经支部委员会研究同意终止培养。")
    elif end == "cancellation":
        services.record_event(r, actor=actor, kind=EventKind.CANCELLATION, date=ctx.today,
                              note="预备期内不履行党员义务，经支部大会讨论、上级党委批准，取消预备党员资格。")
    elif end == "extension":
        services.record_event(r, actor=actor, kind=EventKind.EXTENSION, date=ctx.today, months=6,
                              note="预备期内表现不够理想，支部大会决定延长预备期半年。")
    return r


def populate(ctx) -> None:
    branches = _branches(ctx)
    if not branches:
        return
    rng = ctx.rng
    cache: dict = {}
    secretary_branch = ctx.extra.get("secretary_branch")
    users = ctx.extra.get("users") or {}
    admin = users.get("county_admin")
    plan: list[tuple[int, dict]] = []
    # The secretary's own branch: one file at each stage, and a few to-do items.
    for step in (1, 2, 4, 6, 7, 11, 12, 15, 16, 20, 22, 25):
        plan.append((step, {"branch": secretary_branch, "since_days": rng.randrange(3, 20)}))
    plan.append((1, {"branch": secretary_branch, "since_days": 35}))  # an overdue talk
    while len(plan) < TOTAL:
        step = rng.randrange(1, 26)
        plan.append((step, {"since_days": rng.randrange(2, 40)}))
    # Ends, extensions and overrides on top.
    extras = [(6, "termination"), (9, "termination"), (20, "cancellation"), (19, "extension"), (21, "extension")]
    for i, (step, end) in enumerate(extras):
        plan[20 + i] = (step, {"since_days": 30, "end": end})
    for i in range(3):
        plan[30 + i] = (rng.randrange(11, 20), {"since_days": 10, "override": True})
    # Files waiting for approval for a long time, and probations ending soon.
    plan[40] = (15, {"since_days": 95})
    plan[41] = (16, {"since_days": 70})
    plan[42] = (22, {"since_days": 5})
    for step, opts in plan:
        branch = opts.get("branch") or rng.choice(branches)
        if branch is None:
            branch = rng.choice(branches)
        _build(ctx, branch, step, since_days=opts["since_days"], cache=cache, end=opts.get("end", ""),
               override_actor=Actor(user=admin, via="command") if opts.get("override") and admin else
               (Actor.command() if opts.get("override") else None))
