"""The cadres' part of the demo county: every community has its 专职副书记 and a reserve pool within
the county's target range, so the work report's F39/F40/F41 read sensibly."""
import datetime
import io

import pytest
from django.core.management import call_command

from dangjian.core import demo as core_demo
from dangjian.core.demo import DEMO_ROOT_ORG_NAME
from dangjian.core.rules import get_setting

TODAY = datetime.date(2026, 11, 29)


@pytest.fixture
def cadres_demo(db, settings, monkeypatch):
    from dangjian.cadres import demo
    from dangjian.register.management.commands import load_demo as command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    core_demo.forget_demo_loaded()
    monkeypatch.setattr(command, "app_modules", lambda name: [demo])
    call_command("load_demo", members=300, today=TODAY, stdout=io.StringIO(), stderr=io.StringIO())
    yield
    core_demo.forget_demo_loaded()


def test_every_demo_community_has_its_full_time_deputies_and_a_reserve_pool_in_range(cadres_demo):
    from dangjian.cadres import rules, statistics
    from dangjian.register.models import Organization

    root = Organization.objects.get(name=DEMO_ROOT_ORG_NAME)
    block = statistics.cadres(root, TODAY, datetime.date(2026, 1, 1), TODAY)
    low, high = rules.reserve_range()
    assert block["communities"] > 0
    assert block["full_time_deputies_per_community"]["min"] >= max(1, get_setting("cadres.full_time_deputies_per_community"))
    assert low <= block["reserve_cadres_per_community"]["min"] <= block["reserve_cadres_per_community"]["max"] <= high


def test_made_up_people_drawn_twice_into_one_team_on_one_day_are_drawn_again():
    """Regression: `make run` (30,000 members) stopped on the records' unique key when two made-up
    committee members of a 社区党委 (which has no members of its own to choose from) got one name."""
    import random

    from dangjian.cadres.demo import _distinct_records
    from dangjian.cadres.models import Cadre
    from dangjian.core.demo import PeopleFactory

    people = PeopleFactory(random.Random(1), TODAY)
    start = datetime.date(2024, 1, 1)
    same = [Cadre(organization_id=7, name="王伟", post="委员", started_on=start) for _ in range(3)]
    other_team = Cadre(organization_id=8, name="王伟", post="委员", started_on=start)
    namesake_member = Cadre(organization_id=7, name="王伟", post="委员", started_on=start, member_id=99)

    kept = _distinct_records([*same, other_team, namesake_member], people)

    keys = [(c.organization_id, c.name, c.post, c.started_on) for c in kept]
    assert len(set(keys)) == len(keys) == 5
    assert same[0].name == "王伟" and other_team.name == "王伟"  # the first of a name and another team's stay
    assert namesake_member.member_id is None  # a second 王伟 in the branch's team is another person
