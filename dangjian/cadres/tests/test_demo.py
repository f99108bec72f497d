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
