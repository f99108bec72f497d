"""Issue 14: the member list's 流动党员 filter, the 流动党员 page, the statistics and the warnings
count the same floating members (a member marked 流动党员 on import without a 外出 record included)."""
import datetime

from django.urls import reverse

from dangjian.register.models import Member
from dangjian.register.statistics import members as member_stats
from dangjian.transfers import services


def test_the_list_the_page_and_the_statistics_agree(users, county, make_member, actor_for, client_for, set_today):
    set_today(datetime.date(2026, 6, 1))
    imported = make_member(county["village_branch"], name="导入流动", is_floating=True)  # as an import marks them
    registered = make_member(county["firm_branch"], name="登记流动")
    services.register_floating_out(actor=actor_for(users["organiser"]), member=registered, place="广东省深圳市",
                                   since=datetime.date(2026, 1, 10))
    make_member(county["community_branch"], name="街道流动", is_floating=True)  # another township
    client = client_for(users["organiser"])

    listed = client.get(reverse("register:member_list"), {"floating": "yes"}).context["page"].paginator.count
    page = client.get(reverse("transfers:floating_list")).context
    on_page = {r.member.name for r, _w in page["rows"] if r.member} | {m.name for m in page["unregistered"]}
    stats = member_stats(county["town_committee"], datetime.date(2026, 6, 1))["floating"]

    assert listed == len(on_page) == page["out_total"] == stats == 2
    assert on_page == {"导入流动", "登记流动"}
    # Each is either warned about (3/5 months) or flagged as not yet registered: none goes unwatched.
    assert [m.name for m in page["unregistered"]] == ["导入流动"]
    assert b"\xe6\x9c\xaa\xe7\x99\xbb\xe8\xae\xb0\xe5\xa4\x96\xe5\x87\xba\xe4\xbf\xa1\xe6\x81\xaf" in client.get(
        reverse("transfers:floating_list")).content  # 未登记外出信息
    assert Member.objects.get(pk=registered.pk).is_floating


def _covered(day):
    """The people the daily job warns about on ``day`` (by name)."""
    from dangjian.transfers.reminders import daily_reminders

    return {r.text.split("（")[0].removeprefix("流动党员") for r in daily_reminders(day) if r.kind == "floating_warning"}


def test_the_warnings_cover_flagged_members_without_a_record(users, county, make_member, actor_for, client_for,
                                                             set_today):
    """The fourth count: 3/5-month warnings reach a member marked 流动党员 without a 外出 record, counted
    from the day of the mark (here: the day the record was created, no audited change of the flag)."""
    import datetime as dt

    from django.utils import timezone

    day = datetime.date(2026, 6, 1)
    set_today(day)
    imported = make_member(county["village_branch"], name="导入流动", is_floating=True)
    marked = timezone.make_aware(dt.datetime(2026, 3, 1, 10, 0))
    Member.objects.filter(pk=imported.pk).update(created_at=marked)
    registered = make_member(county["firm_branch"], name="登记流动")
    services.register_floating_out(actor=actor_for(users["organiser"]), member=registered, place="广东省深圳市",
                                   since=datetime.date(2026, 1, 10))

    # Marked 2026-03-01: 3 months are reached on 2026-06-01, not the day before.
    assert "导入流动" not in _covered(datetime.date(2026, 5, 31))
    assert _covered(day) == {"导入流动", "登记流动"}
    client = client_for(users["organiser"])
    listed = client.get(reverse("register:member_list"), {"floating": "yes"}).context["page"].paginator.count
    page = client.get(reverse("transfers:floating_list")).context
    stats = member_stats(county["town_committee"], day)["floating"]
    assert listed == page["out_total"] == stats == len(_covered(day)) == 2
    [(member, warning)] = page["unregistered_rows"]
    assert member.name == "导入流动" and warning.months == 3 and warning.last_on == datetime.date(2026, 3, 1)
    texts = [r.text for r in __import__("dangjian.transfers.reminders", fromlist=["x"]).daily_reminders(day)
             if r.text.startswith("流动党员导入流动")]
    assert texts and "尚未登记外出信息" in texts[0] and "补登记" in texts[0]


def test_a_later_audited_mark_restarts_the_count(users, county, make_member, actor_for, set_today):
    from django.utils import timezone

    from dangjian.core import audit
    from dangjian.core.models import AuditLog

    set_today(datetime.date(2026, 6, 1))
    member = make_member(county["village_branch"], name="后标流动", is_floating=True)
    Member.objects.filter(pk=member.pk).update(created_at=timezone.make_aware(datetime.datetime(2025, 1, 1, 9)))
    audit.record(actor=actor_for(users["organiser"]), action=AuditLog.Action.CHANGED, obj=member,
                 changes={"is_floating": [False, True]})
    AuditLog.objects.filter(object_id=str(member.pk), object_type="register.member").update(
        created_at=timezone.make_aware(datetime.datetime(2026, 4, 1, 9)))
    assert services.flagged_since([member]) == {member.pk: datetime.date(2026, 4, 1)}
    assert "后标流动" not in _covered(datetime.date(2026, 6, 30))
    assert "后标流动" in _covered(datetime.date(2026, 7, 1))
