"""The governance part of the demo county: a year of matters in every state, some under the national
四议两公开 and the county's edited copy, each keeping its own steps; the county's 一征三议两公开 in force."""
import datetime
import io

import pytest
from django.core.management import call_command

from dangjian.core import demo as core_demo
from dangjian.core.rules import get_setting

TODAY = datetime.date(2026, 11, 29)


@pytest.fixture
def governance_demo(db, settings, monkeypatch):
    from dangjian.governance import demo
    from dangjian.register.management.commands import load_demo as command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    core_demo.forget_demo_loaded()
    monkeypatch.setattr(command, "app_modules", lambda name: [demo])
    # The demo switches the template in force while it runs; the setting's cache is cleared on commit,
    # which a test's transaction never reaches: no cache here.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    call_command("load_demo", members=300, today=TODAY, stdout=io.StringIO(), stderr=io.StringIO())
    yield
    core_demo.forget_demo_loaded()


def test_the_demo_has_matters_in_every_state_under_three_templates(governance_demo):
    from dangjian.governance.demo import EDITED_TEMPLATE
    from dangjian.governance.models import Matter

    assert get_setting("governance.procedure_template") == "一征三议两公开"
    cutoff = TODAY - datetime.timedelta(days=get_setting("governance.stalled_days"))
    states = set(Matter.objects.values_list("status", flat=True))
    assert states == {"open", "failed", "decided"}
    assert Matter.objects.filter(status="open", last_step_on__lt=cutoff).exists()  # stalled
    assert Matter.objects.filter(status="open", last_step_on__gte=cutoff).exists()
    templates = set(Matter.objects.values_list("template", flat=True))
    assert templates == {"一征三议两公开", "四议两公开", EDITED_TEMPLATE}
    for m in Matter.objects.filter(template=EDITED_TEMPLATE, status="decided"):
        assert m.procedure.last == 5 and m.steps_done == 5
    assert Matter.objects.filter(template=EDITED_TEMPLATE, status="decided").exists()
