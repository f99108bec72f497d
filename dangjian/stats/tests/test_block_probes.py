"""The shared probe (issue 15): a block whose probe finds no row in the subtree gives ``empty``, and
``empty`` is exactly what ``compute`` gives there — over the 演示县 (every module's demo data, held by
some organisations and not by others), for the whole database, the county, its townships and a
spread of branches, over two periods."""
import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core import demo as core_demo
from dangjian.core.extensions import stats_blocks, stats_probe
from dangjian.register.models import Division, Organization
from dangjian.stats.services import compute_party_stats



@pytest.fixture
def demo(db):
    core_demo.forget_demo_loaded()
    call_command("load_demo", members=300, stdout=io.StringIO(), stderr=io.StringIO())
    # A township of its own division that no module holds a row of yet (a new one of a city).
    root = Organization.objects.filter(depth=1).select_related("division").get()
    division = Division(name="新设镇", category="镇")
    division.assign_path(root.division)
    division.save()
    township = Organization(name="新设镇党委", org_type="党委", unit_type="乡镇", division=division)
    township.assign_path(root)
    township.save()
    branch = Organization(name="新设镇某村党支部", org_type="党支部", unit_type="村", division=division)
    branch.assign_path(township)
    branch.save()
    yield
    core_demo.forget_demo_loaded()


def periods():
    today = datetime.date.today()
    return [(datetime.date(today.year, 1, 1), today), (datetime.date(today.year - 1, 7, 1),
                                                        datetime.date(today.year - 1, 12, 31))]


def organisations():
    orgs = list(Organization.objects.order_by("path"))
    upper = [o for o in orgs if o.depth <= 2]
    return [None, *upper, *[o for o in orgs if o.depth > 2][::15], *orgs[-1:]]


def test_it_gives_each_blocks_computed_figures_where_the_probe_finds_nothing_in_two_queries(demo):
    blocks = stats_blocks()
    probed = {b.key for b in blocks if b.probe is not None and b.empty is not None}
    assert {"recruitment", "organisational_life", "platform", "governance", "co_building", "two_new", "cadres",
            "accountability"} <= probed
    emptied = set()
    for org in organisations():
        nothing = stats_probe(blocks, org)
        emptied |= nothing
        for date_from, date_to in periods():
            stats = compute_party_stats(org, date_to, date_from, date_to, blocks=blocks)
            for block in blocks:
                assert stats[block.key] == block.compute(org, date_to, date_from, date_to), (block.key, org)
    # The demo holds rows of every module somewhere, and not everywhere: both paths were taken.
    assert stats_probe(blocks, None) == set()
    assert emptied == probed

    # All the blocks' probes are at most two statements: whether the tables not yet seen with a row hold
    # any, then the scoped probes (the organisation's division loaded with it, as the statistics load
    # it once for every block).
    org = Organization.objects.select_related("division").order_by("-depth", "path").first()
    with CaptureQueriesContext(connection) as ctx:
        stats_probe(stats_blocks(), org)
    assert len(ctx.captured_queries) <= 2




def test_each_probe_lists_the_same_tables_for_every_organisation(world):
    """``stats_probe`` remembers a probe's tables from its first organisation (the StatsBlock contract)."""
    orgs = list(Organization.objects.select_related("division"))
    for block in stats_blocks():
        if block.probe is None:
            continue
        tables = {frozenset(qs.model._meta.db_table for qs in block.probe(org)) for org in orgs}
        assert len(tables) == 1, block.key


def test_a_module_used_for_the_first_time_is_counted_at_once(world):
    """The probe remembers tables, never that they are empty: a first record counts in the next party_stats."""
    from dangjian.orglife.models import Activity

    branch, day = world["village_branch"], datetime.date(2026, 3, 2)
    before = compute_party_stats(branch, day)["organisational_life"]
    Activity.objects.create(organization=branch, activity_type="theme_day", date=day, start_time=datetime.time(9),
                            end_time=datetime.time(10), place="会议室", host="书记", topic="主题党日",
                            expected_count=5, present_count=5, recorded_on=day)
    after = compute_party_stats(branch, day)["organisational_life"]
    assert (before["activities_total"], after["activities_total"]) == (0, 1)
    assert compute_party_stats(world["township_committee"], day)["organisational_life"]["activities_total"] == 0
