"""Organisational life of the 演示县: last year and this year so far with realistic gaps, party groups, bases, bookings,
reviews and rectification requests — so that the compliance page, the bulletins and the rankings show
something. Everything is written with ``bulk_create``; a county of ~1,000 branches takes a few seconds.

Each branch gets a diligence (most branches do most things, a few neglect much), and each required
activity of each period is held with that probability; some records are entered late, a few committee
meetings miss their quorum, and December is when 组织生活会 and 民主评议 happen.
"""
from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, F, Q
from django.utils import timezone

from dangjian.core import audit
from dangjian.core.models import AuditLog
from dangjian.register.models import Member
from dangjian.register.vocab import MemberStatus

from . import rules
from .models import Activity, Attendance, Base, Booking, PartyGroup, Review, ReviewComment
from .vocab import ActivityType as T

TOPICS = {
    T.BRANCH_GENERAL_MEETING: ["学习贯彻党的二十届三中全会精神", "讨论发展党员事项", "通报上半年支部工作", "党费收缴情况通报",
                               "学习《中国共产党纪律处分条例》", "讨论村级重大事项（四议两公开）"],
    T.BRANCH_COMMITTEE_MEETING: ["研究本月支部工作安排", "研究入党积极分子培养", "研究困难党员慰问", "研究主题党日方案",
                                 "研究党员积分管理", "研究换届准备工作"],
    T.GROUP_MEETING: ["学习习近平总书记重要讲话", "交流学习体会", "讨论党员先锋岗设置", "收集群众意见建议"],
    T.PARTY_LECTURE: ["践行初心使命 争做合格党员", "学党史 悟思想", "新时代党员的责任与担当", "乡村振兴中的党员作用",
                      "从严治党 永葆本色"],
    T.THEME_DAY: ["重温入党誓词", "志愿服务进社区", "参观红色教育基地", "政治生日集体过", "环境整治义务劳动",
                  "走访慰问老党员", "观看警示教育片"],
    T.LIFE_MEETING: ["年度组织生活会：对照检查 批评与自我批评"],
    T.DEMOCRATIC_APPRAISAL: ["年度民主评议党员"],
    T.HEART_TO_HEART_TALK: ["支部委员与党员谈心谈话"],
}
HOSTS = ["王书记", "李书记", "张书记", "刘书记", "陈书记", "杨书记", "赵书记", "黄书记"]
RECORDERS = ["组织委员", "宣传委员", "纪检委员"]
LECTURERS = ["党校讲师", "镇党委书记", "支部书记", "老党员代表", "县委宣讲团成员"]
DILIGENCE = [(0.97, 30), (0.85, 40), (0.6, 20), (0.3, 10)]  # (probability an activity is held, weight)

BASES = [
    ("演示县革命纪念馆", "open_base", "county", "革命传统教育", 120, "123456"),
    ("演示县廉政教育基地", "open_base", "county", "廉政警示教育", 80, "12345"),
    ("演示县党史教育馆", "open_base", "county", "党史学习教育", 60, "1234567"),
    ("演示县乡村振兴实践基地", "open_base", "organiser", "乡村振兴", 50, "123456"),
    ("演示县新时代文明实践中心", "open_base", "street", "志愿服务", 40, "1234567"),
    ("演示县机关党员活动室", "room", "county", "机关党建", 30, "12345"),
]


def _months(start: datetime.date, end: datetime.date):
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def _pick(rng, weighted):
    total = sum(w for _, w in weighted)
    r = rng.uniform(0, total)
    for value, w in weighted:
        r -= w
        if r <= 0:
            return value
    return weighted[-1][0]


def populate(ctx) -> None:
    rng, today = ctx.rng, ctx.today
    extra = ctx.extra
    branches = list(extra.get("branches") or [])
    if not branches:
        return
    users = extra.get("users", {})
    # From 1 January of last year: a whole last year (with its annual 组织生活会, 民主评议 and talks) and
    # this year so far.
    start = datetime.date(today.year - 1, 1, 1)
    end = today - datetime.timedelta(days=1)
    branch_ids = [b.pk for b in branches]
    counts = {
        r["organization_id"]: r for r in Member.objects.filter(organization_id__in=branch_ids, status=MemberStatus.NORMAL)
        .values("organization_id").annotate(total=Count("id"), full=Count("id", filter=Q(full_on__lte=end)))
    }

    groups_by_branch = _party_groups(rng, branches, counts, extra)
    activities: list[Activity] = []
    used: set[tuple] = set()

    def add(branch, t, day, hour, expected, present, leave=0, group=None, lecturer="", p_late=0.08):
        if day > end or day < start:
            return
        key = (branch.pk, t, day, hour)
        if key in used:
            return
        used.add(key)
        late = rng.random() < p_late
        recorded = day + datetime.timedelta(days=rng.randint(9, 25) if late else rng.randint(0, 3))
        recorded = min(recorded, today)
        present = max(0, min(present, expected))
        leave = max(0, min(leave, expected - present))
        activities.append(Activity(
            organization_id=branch.pk, party_group_id=group, activity_type=t, date=day,
            start_time=datetime.time(hour, 0), end_time=datetime.time(hour + 1, 30), place=rng.choice(
                ["党员活动室", "村（社区）党群服务中心", "会议室", "支部活动阵地"]),
            host=rng.choice(HOSTS), recorder=rng.choice(RECORDERS), topic=rng.choice(TOPICS[t]), lecturer=lecturer,
            minutes="会议由书记主持。与会党员认真学习，结合实际交流了体会，并对下一步工作提出了意见建议。",
            expected_count=expected, present_count=present, leave_count=leave,
            quorum_met=rules.quorum_met(t, expected, present), recorded_on=recorded,
            is_late=(recorded - day).days > deadline,
        ))

    theme_day = rules.get_setting("orglife.theme_day_of_month")
    deadline = rules.get_setting("orglife.record_deadline_days")
    for branch in branches:
        c = counts.get(branch.pk, {"total": 0, "full": 0})
        total = c["total"]
        if total == 0:
            continue
        p = _pick(rng, DILIGENCE)
        if branch.pk == getattr(extra.get("secretary_branch"), "pk", None):
            p = 0.9  # the demo secretary's branch: a good branch with a couple of gaps to show
        committee = c["full"] >= rules.COMMITTEE_MIN_FULL_MEMBERS
        committee_size = 5 if total >= 30 else 3

        def turnout(n):
            return max(1, round(n * rng.uniform(0.7, 0.97)))

        for y, m in _months(start, end):
            if rng.random() < p:
                day = datetime.date(y, m, min(theme_day + rng.choice([0, 0, 0, 1, 2, 4]), 28))
                present = turnout(total)
                add(branch, T.THEME_DAY, day, 9, total, present, leave=rng.randint(0, total - present))
            if committee and rng.random() < p:
                present = committee_size if rng.random() > 0.03 else 1
                add(branch, T.BRANCH_COMMITTEE_MEETING, datetime.date(y, m, rng.randint(3, 12)), 15, committee_size, present)
            for i, (group_id, size) in enumerate(groups_by_branch.get(branch.pk, [])):
                if rng.random() < p:
                    add(branch, T.GROUP_MEETING, datetime.date(y, m, rng.randint(13, 24)), 9 + i, size, turnout(size),
                        group=group_id)
            if m % 3 == 0 and rng.random() < p:
                present = turnout(total)
                add(branch, T.BRANCH_GENERAL_MEETING, datetime.date(y, m, rng.randint(5, 28)), 14, total, present,
                    leave=rng.randint(0, total - present))
            if m % 3 == 2 and rng.random() < p:
                add(branch, T.PARTY_LECTURE, datetime.date(y, m, rng.randint(5, 28)), 10, total, turnout(total),
                    lecturer=rng.choice(LECTURERS))
            if m == 12:
                if rng.random() < p:
                    add(branch, T.LIFE_MEETING, datetime.date(y, m, rng.randint(10, 28)), 8, total, turnout(total))
                if rng.random() < p:
                    add(branch, T.DEMOCRATIC_APPRAISAL, datetime.date(y, m, rng.randint(10, 28)), 16, total, turnout(total))
        # 谈心谈话: one record per talk day, the members talked with counted; good branches reach everyone.
        for year in range(start.year, end.year + 1):
            if rng.random() >= p:
                continue
            remaining = total if rng.random() < p else max(0, total - rng.randint(1, 3))
            days = sorted(rng.sample(range(0, 330), k=min(4, max(1, remaining // 8 + 1))))
            for i, offset in enumerate(days):
                n = remaining if i == len(days) - 1 else remaining // len(days)
                remaining -= n
                if n:
                    add(branch, T.HEART_TO_HEART_TALK, datetime.date(year, 1, 10) + datetime.timedelta(days=offset),
                        10 + i, n, n)

    Activity.objects.bulk_create(activities, batch_size=2000)
    _secretary_attendance(rng, extra)
    bases = _bases(ctx)
    _bookings(rng, today, bases, branches, extra)
    _reviews(rng, today, users, extra.get("secretary_branch"))
    audit.record(actor=ctx.actor, action=AuditLog.Action.IMPORTED, object_type="orglife.activity",
                 object_repr="演示数据：组织生活", scope_path=ctx.root.path,
                 note=f"生成演示数据：组织生活记录{len(activities)}条，基地{len(bases)}个")


def _party_groups(rng, branches, counts, extra) -> dict[int, list[tuple[int, int]]]:
    """Party groups in the larger branches (and the demo secretary's), members split among them."""
    large = [b for b in branches if counts.get(b.pk, {}).get("total", 0) >= 25]
    chosen = rng.sample(large, k=min(len(large), 40))
    secretary_branch = extra.get("secretary_branch")
    if secretary_branch is not None and secretary_branch not in chosen and counts.get(secretary_branch.pk, {}).get("total", 0) >= 6:
        chosen.append(secretary_branch)
    members = defaultdict(list)
    for pk, org_id in Member.objects.filter(organization__in=chosen, status=MemberStatus.NORMAL).values_list("pk", "organization_id"):
        members[org_id].append(pk)
    groups, links, out = [], [], defaultdict(list)
    plan = []
    for b in chosen:
        ids = members[b.pk]
        k = 3 if len(ids) >= 36 else 2
        for i in range(k):
            part = ids[i::k]
            g = PartyGroup(branch_id=b.pk, name=f"第{'一二三'[i]}党小组", leader_id=part[0] if part else None)
            groups.append(g)
            plan.append((g, part))
    PartyGroup.objects.bulk_create(groups)
    for g, part in plan:
        links += [PartyGroup.members.through(partygroup_id=g.pk, member_id=m) for m in part]
        out[g.branch_id].append((g.pk, len(part)))
    PartyGroup.members.through.objects.bulk_create(links, batch_size=2000)
    return out


def _members_on(branch, extra):
    """``belonged(member, day)`` and the candidates: the branch's members now and those the transfers demo
    moved out (``extra["branch_moves"]``, issue 14), so each list names who belonged on the meeting's day."""
    moves = extra.get("branch_moves") or []
    left = {m["member_id"]: m["on"] for m in moves if m["from_org_id"] == branch.pk}
    came = {m["member_id"]: m["on"] for m in moves if m["to_org_id"] == branch.pk}
    candidates = list(Member.objects.filter(Q(organization=branch, status=MemberStatus.NORMAL) | Q(pk__in=list(left)))
                      .order_by("pk"))

    def belonged(m, day):
        return (m.joined_on <= day and (m.pk not in left or day < left[m.pk])
                and (m.pk not in came or came[m.pk] <= day))

    return candidates, belonged


def _secretary_attendance(rng, extra) -> None:
    """The demo secretary's branch keeps named attendance lists on its recent meetings: the members of the
    branch on each meeting's day (not those moved out before it, nor those who came after)."""
    branch = extra.get("secretary_branch")
    if branch is None:
        return
    candidates, belonged = _members_on(branch, extra)
    rows = []
    for a in Activity.objects.filter(organization=branch).exclude(
            activity_type__in=[T.BRANCH_COMMITTEE_MEETING, T.GROUP_MEETING, T.HEART_TO_HEART_TALK]).order_by("-date")[:6]:
        present = leave = 0
        members = [m for m in candidates if belonged(m, a.date)]
        for m in members:
            r = rng.random()
            status = "present" if r < 0.85 else "leave" if r < 0.95 else "absent"
            present += status == "present"
            leave += status == "leave"
            rows.append(Attendance(activity=a, member=m, status=status,
                                   reason="" if status == "present" else rng.choice(["外出务工", "生病住院", "家中有事"])))
        Activity.objects.filter(pk=a.pk).update(expected_count=len(members), present_count=present, leave_count=leave)
    Attendance.objects.bulk_create(rows, batch_size=2000)


def _bases(ctx) -> list[Base]:
    extra = ctx.extra
    users = extra.get("users", {})
    owners = {"county": (ctx.root, users.get("county_admin")),
              "organiser": (extra.get("organiser_org") or ctx.root, users.get("organiser")),
              "street": (extra.get("street_org") or ctx.root, users.get("street_organiser"))}
    bases = []
    for i, (name, kind, owner, theme, capacity, days) in enumerate(BASES):
        org, manager = owners[owner]
        bases.append(Base(
            name=name, kind=kind, organization=org, address=f"演示县{['人民路', '解放路', '建设路', '滨河路'][i % 4]}{10 + i * 7}号",
            capacity=capacity, opens_at=datetime.time(8, 30), closes_at=datetime.time(17, 30), open_days=days, theme=theme,
            contact_name=["周老师", "吴老师", "郑老师"][i % 3], contact_phone=f"0399-66{i:02d}1234", manager=manager,
            has_venue=True, has_facilities=True, has_sign=True, has_flag=True, has_materials=i % 3 != 2, has_rules=i % 4 != 3,
        ))
    Base.objects.bulk_create(bases)
    return bases


def _bookings(rng, today, bases, branches, extra) -> None:
    if not bases:
        return
    slots = [(datetime.time(9, 0), datetime.time(11, 0)), (datetime.time(14, 0), datetime.time(16, 30))]
    used, bookings = set(), []
    secretary_branch = extra.get("secretary_branch")
    for i in range(300):
        base = rng.choice(bases)
        branch = secretary_branch if i % 20 == 0 and secretary_branch is not None else rng.choice(branches)
        offset = rng.randint(-(today - datetime.date(today.year - 1, 1, 1)).days, 30)
        day = today + datetime.timedelta(days=offset)
        if str(day.isoweekday()) not in base.open_days:
            continue
        slot = rng.choice(slots)
        if (base.pk, day, slot) in used:
            continue
        used.add((base.pk, day, slot))
        expected = rng.randint(8, min(40, base.capacity))
        if offset < 0:
            status = "held" if rng.random() < 0.85 else rng.choice(["declined", "cancelled"])
        else:
            status = rng.choice(["pending", "approved", "approved"])
        bookings.append(Booking(
            base=base, organization_id=branch.pk, date=day, start_time=slot[0], end_time=slot[1],
            expected_count=expected, purpose=rng.choice(["主题党日：参观学习", "重温入党誓词", "党史学习教育", "廉政警示教育"]),
            contact_name=rng.choice(HOSTS), status=status,
            decision_note="当天已安排接待，请改期" if status == "declined" else "",
            visitors=max(1, expected - rng.randint(0, 5)) if status == "held" else None,
        ))
    Booking.objects.bulk_create(bookings)
    # A held visit is linked to the branch's theme-day record of that day when there is one.
    held = {(b.organization_id, b.date): b.pk for b in Booking.objects.filter(status="held")}
    for a in Activity.objects.filter(activity_type=T.THEME_DAY, date__in={d for _, d in held}).only("pk", "organization_id", "date"):
        pk = held.get((a.organization_id, a.date))
        if pk:
            Booking.objects.filter(pk=pk).update(activity=a)


def _reviews(rng, today, users, secretary_branch=None) -> None:
    reviewers = [u for u in (users.get("county_admin"), users.get("organiser")) if u is not None]
    if not reviewers:
        return
    pool = list(Activity.objects.values_list("pk", "date").order_by("pk"))
    sample = rng.sample(pool, k=min(400, len(pool)))
    reviews = []
    for pk, day in sample:
        reviewer = rng.choice(reviewers)
        reviews.append(Review(activity_id=pk, reviewer=reviewer, reviewer_name=reviewer.display_name))
    Review.objects.bulk_create(reviews)
    # Reviews happen some days after the meeting, never later than now (issue 14: a review dated today at
    # 10:xx showed a time in the future when the demo was loaded in the morning).
    now = timezone.now()
    for review, (pk, day) in zip(reviews, sample):
        when = datetime.datetime.combine(min(day + datetime.timedelta(days=rng.randint(1, 20)), today), datetime.time(10, rng.randint(0, 59)))
        Review.objects.filter(pk=review.pk).update(reviewed_at=min(timezone.make_aware(when), now))
    for pk, _ in sample:
        Activity.objects.filter(pk=pk).update(review_count=F("review_count") + 1)
    comments = []
    for pk, _ in sample[:30]:
        reviewer = rng.choice(reviewers)
        rectify = rng.random() < 0.6
        answered = rng.random() < 0.5
        comments.append(ReviewComment(
            activity_id=pk, kind="rectification" if rectify else "comment", author=reviewer,
            author_name=reviewer.display_name,
            text=rng.choice(["会议记录过于简单，请补充讨论内容", "出席人数与花名册不符，请核实", "主题鲜明，记录规范，值得推广",
                             "请补充党员发言情况"]),
            answer="已按要求补充完善" if answered else "", answered_by_name="支部书记" if answered else "",
            answered_at=timezone.now() if answered else None,
        ))
    own = Activity.objects.filter(organization=secretary_branch).order_by("-date").first() if secretary_branch else None
    if own is not None and users.get("organiser") is not None:
        comments.append(ReviewComment(activity=own, kind="rectification", author=users["organiser"],
                                      author_name=users["organiser"].display_name,
                                      text="会议记录未写明议定事项，请补充并答复"))
    ReviewComment.objects.bulk_create(comments)
