"""The demo county's co-building part (issue 10: "Done when"): regional committees in every subdistrict and
community, a year of meetings with their agenda sent, "两新" units with and without bodies, two rating cycles,
brands in every state."""
import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from dangjian.core import demo as core_demo


@pytest.fixture
def demo(db, settings, monkeypatch):
    from dangjian.cobuilding import demo
    from dangjian.register.management.commands import load_demo as command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    core_demo.forget_demo_loaded()
    monkeypatch.setattr(command, "app_modules", lambda name: [demo])
    call_command("load_demo", members=300, stdout=io.StringIO(), stderr=io.StringIO())
    yield timezone.localdate()
    core_demo.forget_demo_loaded()


def test_every_subdistrict_and_community_hosts_a_regional_committee_with_a_year_of_meetings(demo):
    from dangjian.cobuilding import rules, services
    from dangjian.cobuilding.models import Meeting, Region
    from dangjian.register.models import Division

    today = demo
    places = Division.objects.filter(category__in=("街道", "城市社区", "村改居社区"))
    assert places.filter(category="村改居社区").exists() and places.filter(category="城市社区").exists()
    hosted = set(Region.objects.values_list("organization__division_id", flat=True))
    assert set(places.values_list("pk", flat=True)) <= hosted
    for region in Region.objects.select_related("organization__division"):
        assert rules.check_region_organization(region.organization) == []
        assert region.kind == ("street" if region.organization.division.category == "街道" else "community")
        held = list(Meeting.objects.filter(region=region, date__lte=today).order_by("date"))
        assert len(held) == 4 and (today - held[0].date).days > 270
        assert Meeting.objects.filter(region=region, date__gt=today).count() == 1  # the next one, planned
    states = {services.agenda_status(m, today)["state"] for m in Meeting.objects.all()}
    assert {"按时送达", "逾期送达"} <= states and states & {"待送达", "未送达"}


def test_two_new_units_ratings_and_brands(demo):
    from dangjian.cobuilding import rules, services
    from dangjian.cobuilding.models import Brand, StarRating, TwoNewUnit
    from dangjian.register.models import Organization

    today = demo
    assert TwoNewUnit.objects.filter(organization__isnull=False).exists()
    assert TwoNewUnit.objects.filter(organization__isnull=True).exclude(instructor="").exists()
    published = StarRating.objects.filter(status="published")
    years = sorted(set(published.values_list("year", flat=True)))
    assert len(years) == 2 and years[1] - years[0] == rules.get_setting("twonew.cycle_years")
    assert any(rules.rating_valid_on(r, today) for r in published)
    assert any(rules.rating_expires_on(r.year) < today for r in published)
    assert set(StarRating.objects.values_list("status", flat=True)) == {"self", "reviewed", "published", "returned"}
    assert StarRating.objects.filter(veto=True, stars=0).exists()
    rows = services.rating_cycle_rows(Organization.objects.all(), today)
    assert {"有效", "已过期", "从未评定"} <= {r["state"] for r in rows}
    assert {b.status for b in Brand.objects.all()} == {"applied", "recognised", "revoked"}
