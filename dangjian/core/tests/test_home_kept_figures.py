"""The home page's member counts from today's kept figures (the daily job's rows, ``register.figures``)
once they are built: the same numbers as counting the members, kept current by member writes, and the
members counted directly on a day the job has not built."""
import datetime

from django.urls import reverse
from django.utils import timezone

from dangjian.conftest import make_id_number
from dangjian.core.actor import Actor
from dangjian.register import figures, services
from dangjian.register.models import Member, MemberFigures

HOME = reverse("core:home")


def _counts(client):
    context = client.get(HOME).context
    return context["member_counts"], {o.name: w for o, w in context["warning_orgs"]}


def _members(users, county, make_member):
    today = timezone.localdate()
    for i in range(4):
        make_member(county["firm_branch"], name=f"企业党员{i}")
    make_member(county["firm_branch"], name="企业预备党员", full=None, joined=today - datetime.timedelta(days=30),
                birth=datetime.date(1995, 2, 3))
    make_member(county["village_branch"], name="村党员")
    make_member(county["community_branch"], name="社区党员", status="停止党籍")


def test_the_counts_from_the_kept_figures_equal_the_counts_from_the_members(users, county, make_member, client_for):
    _members(users, county, make_member)
    client = client_for(users["admin"])
    scanned = _counts(client)

    figures.build()
    assert MemberFigures.objects.filter(day=timezone.localdate()).exists()
    kept = _counts(client)

    assert kept == scanned
    normal = Member.objects.filter(status="正常")
    assert kept[0]["total"] == normal.count()
    assert kept[0]["probationary"] == normal.filter(full_on__isnull=True).count() >= 1
    assert kept[0]["suspended"] == 1
    assert kept[1]  # the same warnings by either path, and there are some


def test_a_member_added_after_the_daily_job_counts_on_the_next_home_page(users, county, make_member, client_for,
                                                                       django_capture_on_commit_callbacks):
    _members(users, county, make_member)
    figures.build()
    client = client_for(users["organiser"])
    before, _warned = _counts(client)

    birth = datetime.date(1991, 4, 5)
    with django_capture_on_commit_callbacks(execute=True):
        services.create_member(actor=Actor.command(), name="新党员", sex="女", ethnicity="汉族",
                               id_number=make_id_number(birth, "女", 901), birth_date=birth, education="大学本科",
                               occupation="工人", organization=county["village_branch"],
                               joined_on=datetime.date(2015, 6, 1), full_on=datetime.date(2016, 6, 1),
                               phone="13912345601", is_floating=False)
    after, _warned = _counts(client)

    assert after["total"] == before["total"] + 1
    with figures.use_source(figures.SCAN):
        assert _counts(client) == (after, _warned)


def test_a_day_the_job_has_not_built_is_counted_from_the_members(users, county, make_member, client_for):
    _members(users, county, make_member)
    figures.build(timezone.localdate() - datetime.timedelta(days=1))  # yesterday's rows only
    make_member(county["village_branch"], name="今天的党员")  # written without the services: no refresh

    counts, _warned = _counts(client_for(users["admin"]))

    assert counts["total"] == Member.objects.filter(status="正常").count()


def test_a_forced_scan_ignores_the_kept_figures(users, county, make_member, client_for):
    _members(users, county, make_member)
    figures.build()
    make_member(county["village_branch"], name="未汇总的党员")  # not in today's kept rows
    client = client_for(users["admin"])

    in_kept_rows = _counts(client)[0]["total"]
    with figures.use_source(figures.SCAN):
        assert _counts(client)[0]["total"] == in_kept_rows + 1 == Member.objects.filter(status="正常").count()
