"""The transfers' part of the 演示县: transfers in every state (the demo member's own letter issued
and waiting), transfers to and from outside, floating members with and without warnings (the week
of SMS and reminders in the outbox is the notifications' demo, which runs after this one).

Everything goes through the services (so the audit trail reads like real use); the services' idea
of "today" is set to ``ctx.today`` for the duration, so ``--today`` gives consistent dates.

It runs before the other apps' demos (``DEMO_ORDER``) and leaves every change of branch it makes in
``ctx.extra["branch_moves"]``, so that the organisational-life demo lists, on each meeting's day, only
the members who belonged to the branch that day (issue 14).
"""
from __future__ import annotations

import contextlib
import datetime

from dangjian.core.scope import is_in_subtree
from dangjian.register.models import Member
from dangjian.register.vocab import MemberStatus

from . import services
from .models import ContactKind, Destination


@contextlib.contextmanager
def _today(day: datetime.date):
    original = services.today
    services.today = lambda: day
    try:
        yield
    finally:
        services.today = original


# load_demo runs the apps' demos by this number, then in INSTALLED_APPS order (default 50): the moves
# must exist before organisational life names its attendance.
DEMO_ORDER = 40


def _moved(ctx, member, from_org, to_org, on: datetime.date) -> None:
    """Note a change of branch for the demos that run later (``extra["branch_moves"]``): from ``on`` the
    member belongs to ``to_org`` (None: left the platform) and no longer to ``from_org`` (None: came in)."""
    ctx.extra.setdefault("branch_moves", []).append({
        "member_id": member.pk, "from_org_id": getattr(from_org, "pk", None), "to_org_id": getattr(to_org, "pk", None),
        "on": on})


def _members(branch, exclude, n):
    return list(Member.objects.filter(organization=branch, status=MemberStatus.NORMAL).exclude(pk__in=exclude)
                .order_by("id")[:n])


def populate(ctx) -> None:
    extra, today, actor = ctx.extra, ctx.today, ctx.actor
    days = datetime.timedelta
    _record_flagged_members(ctx, today)
    home = extra["secretary_branch"]
    keep = {extra["secretary_member"].pk, extra["member_record"].pk}
    branches = [b for b in extra["branches"] if b.is_active and b.pk != home.pk]
    same_township = [b for b in branches if is_in_subtree(b, extra["organiser_org"])]
    elsewhere = [b for b in branches if not is_in_subtree(b, extra["organiser_org"])]
    movers = _members(home, keep, 12)
    if len(movers) < 12 or not same_township or not elsewhere:
        return
    pick = ctx.rng.choice

    def start(member, on, to_org, reason):
        with _today(on):
            return services.start_transfer(actor=actor, member=member, to_org=to_org, reason=reason)

    def issue(t, on):
        with _today(on):
            return services.approve_transfer(t, actor=actor, note="同意")

    def accept(t, on):
        with _today(on):
            t = services.accept_transfer(t, actor=actor, reported_on=on)
        _moved(ctx, t.member, t.from_org, t.to_org, on)
        return t

    # Completed over the past months, one accepted waiting for its receipt.
    for i, member in enumerate(movers[:4]):
        begin = today - days(days=150 - 35 * i)
        t = issue(start(member, begin, pick(same_township if i % 2 else elsewhere), "工作调动"), begin + days(days=1))
        t = accept(t, begin + days(days=6))
        if i < 3:
            with _today(begin + days(days=12)):
                services.record_receipt(t, actor=actor, receipt_on=begin + days(days=12))
    # Waiting for approval.
    start(movers[4], today - days(days=2), pick(same_township), "迁居")
    start(movers[5], today, pick(elsewhere), "升学")
    # Issued: one about to expire, one already expired (must be issued again).
    issue(start(movers[6], today - days(days=28), pick(same_township), "务工"), today - days(days=27))
    issue(start(movers[7], today - days(days=45), pick(elsewhere), "随迁"), today - days(days=44))
    # Refused and returned.
    t = start(movers[8], today - days(days=60), pick(same_township), "工作调动")
    with _today(today - days(days=59)):
        services.reject_transfer(t, actor=actor, note="转入单位信息有误，请核实后重新申请")
    t = issue(start(movers[9], today - days(days=20), pick(elsewhere), "工作调动"), today - days(days=19))
    with _today(today - days(days=15)):
        services.return_transfer(t, actor=actor, reason="该同志未在本单位工作，请核实去向")
    # The demo member's own letter, issued and waiting: visible on their page.
    issue(start(extra["member_record"], today - days(days=3), pick(same_township), "工作调动"), today - days(days=2))

    # To and from outside the platform.
    with _today(today):
        services.record_transfer_out(actor=actor, member=movers[10], external_org_name="广东省某市某区某街道党工委",
                                     destination=Destination.OTHER_PROVINCE, letter_number=f"演转外〔{today.year}〕001号",
                                     issued_on=today - days(days=40), reason="迁居外省", receipt_on=today - days(days=10))
        _moved(ctx, movers[10], home, None, today - days(days=40))
        services.record_transfer_out(actor=actor, member=movers[11], external_org_name="中国人民解放军某部",
                                     destination=Destination.MILITARY, letter_number=f"演转外〔{today.year}〕002号",
                                     issued_on=today - days(days=5), reason="入伍")
        _moved(ctx, movers[11], home, None, today - days(days=5))
        person = extra["people"].person(25, 45)
        came = services.record_transfer_in(
            actor=actor, to_org=home, external_org_name="邻县某镇某村党支部", destination=Destination.CITY,
            letter_number="邻组转〔2026〕18号", issued_on=today - days(days=9), valid_until=today + days(days=20),
            reported_on=today - days(days=4),
            member_data=dict(name=person.name, sex=person.sex, ethnicity=person.ethnicity, id_number=person.id_number,
                             birth_date=person.birth_date, education="高中", occupation="农牧渔民", phone=person.phone,
                             joined_on=person.birth_date.replace(year=person.birth_date.year + 22),
                             full_on=person.birth_date.replace(year=person.birth_date.year + 23)))
        _moved(ctx, came.member, None, home, today - days(days=4))

    # Floating members: one fine, one at 3 months, one at 5 months without dues; two coming in.
    out = _members(pick(same_township), keep, 3)
    places = ["广东省深圳市龙岗区", "浙江省义乌市", "江苏省苏州市昆山市"]
    with _today(today):
        for i, member in enumerate(out):
            since = today - days(days=(40, 100, 160)[i])
            record = services.register_floating_out(actor=actor, member=member, place=places[i], since=since,
                                                    contact=extra["people"].phone(), certificate_number=f"演流证{i + 1:03d}")
            if i == 0:
                for kind in ContactKind.values:
                    services.log_floating_contact(record, actor=actor, kind=kind, on=today - days(days=10))
            if i == 2:
                services.log_floating_contact(record, actor=actor, kind=ContactKind.CONTACT, on=today - days(days=20),
                                              note="电话联系，在外务工")
        for i in range(2):
            person = extra["people"].person(25, 50)
            services.register_floating_in(actor=actor, organization=pick(branches), name=person.name,
                                          home_org_name=["外省某县某村党支部", "外市某社区党支部"][i], place=["四川省", "贵州省"][i],
                                          since=today - days(days=30 * (i + 1)), contact=person.phone,
                                          certificate_number=f"外流证{i + 1:03d}")


def _record_flagged_members(ctx, today: datetime.date) -> None:
    """Issue 14: every member the register marks 流动党员 has an open 外出 record (one source of truth:
    the flag and the record agree), so the list, the 流动党员 page, the statistics and the warnings
    count the same people. Most were contacted recently; a few are 3 or 5 months overdue."""
    from .models import FloatingContact, FloatingRecord, Direction

    rng = ctx.rng
    days = datetime.timedelta
    places = ["广东省深圳市龙岗区", "浙江省义乌市", "江苏省苏州市昆山市", "广东省东莞市", "福建省厦门市", "上海市浦东新区"]
    flagged = (Member.objects.filter(is_floating=True, status=MemberStatus.NORMAL)
               .exclude(pk__in=FloatingRecord.objects.filter(ended_on__isnull=True, member__isnull=False)
                        .values("member_id"))
               .select_related("organization").order_by("pk"))
    records = []
    for m in flagged.iterator(chunk_size=500):
        since = max(m.joined_on, today - days(days=rng.randint(30, 600)))
        r = FloatingRecord(direction=Direction.OUT, member=m, organization=m.organization, name=m.name,
                           place=rng.choice(places), since=since, certificate_number="")
        records.append(r)
    FloatingRecord.objects.bulk_create(records, batch_size=500)
    contacts = []
    for r in records:
        if rng.random() < 0.9:
            last = max(r.since, today - days(days=rng.randint(3, 80)))
            contacts += [FloatingContact(record=r, kind=kind, on=last) for kind in ContactKind.values]
    FloatingContact.objects.bulk_create(contacts, batch_size=1000)
