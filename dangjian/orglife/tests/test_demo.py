"""Issue 14: the demo's records showed times in the future (a review "today at 10:xx" loaded at 8 in the morning)."""
import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from dangjian.core import demo as core_demo


@pytest.fixture
def orglife_demo_at_eight(db, settings, monkeypatch):
    from dangjian.orglife import demo
    from dangjian.register.management.commands import load_demo as command

    today = timezone.localdate()
    eight = timezone.make_aware(datetime.datetime.combine(today, datetime.time(8, 0)))
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    core_demo.forget_demo_loaded()
    monkeypatch.setattr(command, "app_modules", lambda name: [demo])
    monkeypatch.setattr(demo.timezone, "now", lambda: eight)
    call_command("load_demo", members=300, today=today, stdout=io.StringIO(), stderr=io.StringIO())
    yield eight
    core_demo.forget_demo_loaded()


def test_no_demo_review_or_record_lies_in_the_future(orglife_demo_at_eight):
    from dangjian.orglife.models import Activity, Review

    now = orglife_demo_at_eight
    assert Review.objects.exists()
    assert not Review.objects.filter(reviewed_at__gt=now).exists()
    assert not Activity.objects.filter(date__gt=now.date()).exists()
    assert not Activity.objects.filter(recorded_on__gt=now.date()).exists()
