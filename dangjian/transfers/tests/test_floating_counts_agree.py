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
