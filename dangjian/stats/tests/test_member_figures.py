"""The member figures of ``party_stats`` from the per-organisation daily figures (issue 15) equal the
member scan: on the hand-counted county's boundary day and the days around it, for every subtree;
and for today after members are admitted, leave, are suspended and move between subtrees (the
register's services rewrite today's rows once they commit)."""
import datetime

import pytest
from django.utils import timezone

from dangjian.conftest import make_id_number
from dangjian.core.actor import Actor
from dangjian.register import figures, services
from dangjian.register import statistics as register_statistics
from dangjian.register.models import MemberFigures, Organization
from dangjian.register.vocab import MemberStatus
from dangjian.stats.services import compute_party_stats

from .conftest import AS_OF


def both(org, day, date_from=None):
    """(scan, summary) of the whole party_stats of ``org`` on ``day`` (members and organisational life)."""
    out = []
    for source in (figures.SCAN, figures.SUMMARY):
        with figures.use_source(source):
            out.append(compute_party_stats(org, day, date_from, day))
    return out


def subtrees():
    return [None, *Organization.objects.order_by("path")]


@pytest.mark.parametrize("day", [AS_OF - datetime.timedelta(days=1), AS_OF, AS_OF + datetime.timedelta(days=1)])
def test_the_summed_figures_equal_the_scan_on_and_around_the_boundary_day(world, day):
    for org in subtrees():
        scan, summary = both(org, day)
        assert summary == scan, org
    # The boundary members were counted on their side: a birthday and a 转正 on AS_OF.
    with figures.use_source(figures.SUMMARY):
        on_day = register_statistics.members(None, AS_OF)
    assert on_day["age_bands"]["61_and_over"] >= 1 and on_day["full"] >= 1


def test_a_period_starting_mid_year_gives_the_same_figures(world):
    scan, summary = both(world["root"], AS_OF, date_from=datetime.date(2026, 4, 1))
    assert summary == scan


def test_auto_uses_the_summary_only_for_a_built_today(world):
    today = timezone.localdate()
    assert figures.source_for(today) == figures.SCAN  # not built yet
    figures.build(today)
    assert figures.source_for(today) == figures.SUMMARY
    assert figures.source_for(today - datetime.timedelta(days=1)) == figures.SCAN  # the past: the scan
    # Idempotent: a rerun writes the same rows again, and drops the days before.
    figures.build(today - datetime.timedelta(days=1))
    rows = MemberFigures.objects.filter(day=today).count()
    assert figures.build(today) == rows and not MemberFigures.objects.filter(day__lt=today).exists()


def new_member(org, name, serial, **over):
    birth = over.pop("birth_date", datetime.date(1990, 3, 4))
    data = dict(name=name, sex="女", ethnicity="壮族", id_number=make_id_number(birth, "女", serial), birth_date=birth,
                education="大学专科", occupation="学生", organization=org, joined_on=datetime.date(2015, 6, 1),
                full_on=datetime.date(2016, 6, 1), phone="", is_floating=True)
    data.update(over)
    return services.create_member(actor=Actor.command(), **data)


def test_todays_writes_keep_the_summary_equal_to_the_scan(world, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    figures.build(today)
    actor = Actor.command()
    with django_capture_on_commit_callbacks(execute=True):
        # Admitted today: a 预备党员 whose probation starts today.
        admitted = new_member(world["village2_branch"], "今日新党员", 501, joined_on=today, full_on=None)
    with django_capture_on_commit_callbacks(execute=True):
        # Left today (转出平台外 is a status), and suspended today.
        services.set_member_status(world["members"]["female"], actor=actor, status=MemberStatus.TRANSFERRED_OUT,
                                   reason="转出")
    with django_capture_on_commit_callbacks(execute=True):
        services.set_member_status(world["members"]["college"], actor=actor, status=MemberStatus.SUSPENDED,
                                   reason="停止党籍")
    with django_capture_on_commit_callbacks(execute=True):
        # Moved today from 甲镇 to 乙街道 (another subtree); then an edit of the 民族, a 转正 today.
        services.move_member(world["members"]["minority"], actor=actor, organization=world["community_branch"])
    with django_capture_on_commit_callbacks(execute=True):
        services.update_member(admitted, actor=actor, ethnicity="汉族")
    with django_capture_on_commit_callbacks(execute=True):
        services.update_member(world["members"]["full_tomorrow"], actor=actor, full_on=today)  # 转正 today
    assert figures.source_for(today) == figures.SUMMARY
    for org in subtrees():
        scan, summary = both(org, today)
        assert summary == scan, org
    with figures.use_source(figures.SUMMARY):
        town = register_statistics.members(world["town_committee"], today)
        street = register_statistics.members(world["street_committee"], today)
        township = register_statistics.members(world["township_committee"], today)
    with figures.use_source(figures.SCAN):
        assert town == register_statistics.members(world["town_committee"], today)
    assert street["by_ethnicity"].get("壮族", 0) >= 1 and township["probationary"] == 1


def test_a_write_that_rolls_back_leaves_the_summary_as_it_was(world, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    figures.build(today)
    before = list(MemberFigures.objects.filter(day=today).order_by("pk").values())
    with pytest.raises(Exception), django_capture_on_commit_callbacks(execute=True) as callbacks:
        new_member(world["village2_branch"], "无效", 502, joined_on=today + datetime.timedelta(days=3))
    assert callbacks == []
    assert list(MemberFigures.objects.filter(day=today).order_by("pk").values()) == before


def test_an_organisation_move_carries_its_rows_to_the_new_subtree(world, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    figures.build(today)
    with django_capture_on_commit_callbacks(execute=True):
        services.move_organization(world["village_branch"], actor=Actor.command(), new_parent=world["street_committee"])
    for org in subtrees():
        scan, summary = both(org, today)
        assert summary == scan, org


def test_the_command_builds_the_day(world, capsys):
    from django.core.management import call_command

    call_command("build_member_figures", "--date", AS_OF.isoformat())
    assert figures.is_built(AS_OF)
    assert "党员数字汇总" in capsys.readouterr().out


def test_auto_sums_a_built_today_in_one_statement_and_scans_otherwise(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    empty = Organization.objects.get(pk=world["closed_branch"].pk)  # no member
    with figures.use_source(figures.SCAN):
        scanned = {org: register_statistics.members(org, today) for org in (world["root"], world["town_committee"], empty)}
    # Not built yet: the summed statement finds nothing, the day is asked, the members are scanned.
    with CaptureQueriesContext(connection) as ctx:
        assert register_statistics.members(world["town_committee"], today) == scanned[world["town_committee"]]
    assert any('FROM "register_member"' in q["sql"] for q in ctx.captured_queries)
    figures.build(today)
    for org, expected in scanned.items():
        with CaptureQueriesContext(connection) as ctx:
            assert register_statistics.members(org, today) == expected, org
        # Built: one statement over the kept rows (and the day asked again only when it gives no row).
        assert not any('FROM "register_member"' in q["sql"] for q in ctx.captured_queries), org
        assert len(ctx.captured_queries) == (2 if org == empty else 1), org
    # Another day is scanned, whatever is kept for today.
    with CaptureQueriesContext(connection) as ctx:
        register_statistics.members(world["root"], AS_OF)
    assert [q for q in ctx.captured_queries if "register_memberfigures" in q["sql"]] == []


def test_the_forced_summary_builds_a_missing_day_on_demand(world):
    with figures.use_source(figures.SCAN):
        scanned = register_statistics.members(world["root"], AS_OF)
    assert not figures.is_built(AS_OF)
    with figures.use_source(figures.SUMMARY):
        assert register_statistics.members(world["root"], AS_OF) == scanned
    assert figures.is_built(AS_OF)
