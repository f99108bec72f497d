"""The star rating's cycle (twonew.cycle_years, default 2): a published rating covers the two years after its
评定年度 and expires on 31 December of the last; then (or never rated) the organisation is due, a new rating is
allowed and funding falls back to the unrated rate. Both sides of each boundary day."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.cobuilding import reminders, rules, services
from dangjian.cobuilding.models import StarRating
from dangjian.register.models import Organization

D = datetime.date


@pytest.fixture
def today(monkeypatch):
    box = {"day": D(2026, 6, 1)}
    monkeypatch.setattr(services, "today", lambda: box["day"])
    return box


@pytest.fixture
def rated(firm_org):
    """乙街道's firm rated for 2024 (four stars), published on 2025-03-15: covers 2025–2026."""
    return StarRating.objects.create(organization=firm_org, year=2024, score=Decimal("85"), stars=4,
                                     status="published", published_on=D(2025, 3, 15))


def test_a_published_rating_is_valid_from_publication_to_the_end_of_its_cycle(rated):
    assert rules.rating_covers(2024) == (2025, 2026)
    assert rules.rating_expires_on(2024) == D(2026, 12, 31)
    assert not rules.rating_valid_on(rated, D(2025, 3, 14)) and rules.rating_valid_on(rated, D(2025, 3, 15))
    assert rules.rating_valid_on(rated, D(2026, 12, 31)) and not rules.rating_valid_on(rated, D(2027, 1, 1))
    rated.status = "reviewed"
    assert not rules.rating_valid_on(rated, D(2025, 6, 1))  # not published: never valid


def test_the_cycle_is_a_setting(rated, actor):
    from dangjian.core.rules import change_rule_setting

    change_rule_setting("twonew.cycle_years", "3", actor=actor)
    assert rules.rating_expires_on(2024) == D(2027, 12, 31)


def test_a_new_rating_waits_for_the_end_of_the_cycle(rated, firm_org, actor, today):
    today["day"] = D(2026, 12, 31)
    with pytest.raises(ValidationError) as err:
        services.self_assess(actor=actor, organization=firm_org, year=2026, score=88)
    assert "有效期至2026-12-31" in err.value.message_dict["year"][0]
    today["day"] = D(2027, 1, 1)
    with pytest.raises(ValidationError) as err:  # a year inside the old cycle
        services.self_assess(actor=actor, organization=firm_org, year=2025, score=88)
    assert "2026年及以后" in err.value.message_dict["year"][0]
    with pytest.raises(ValidationError) as err:  # a year already rated: still refused
        services.self_assess(actor=actor, organization=firm_org, year=2024, score=88)
    assert "同一年度不能重复评定" in err.value.message_dict["year"][0]
    rating = services.self_assess(actor=actor, organization=firm_org, year=2026, score=88)
    assert rating.status == "self" and StarRating.objects.count() == 2
    with pytest.raises(ValidationError) as err:  # one rating at a time
        services.self_assess(actor=actor, organization=firm_org, year=2027, score=88)
    assert "办结后" in err.value.message_dict["year"][0]


def test_the_first_rating_needs_no_cycle(firm_org, actor, today):
    assert services.self_assess(actor=actor, organization=firm_org, year=2026, score=91).stars == 5


def test_due_when_expired_or_never_rated(rated, firm_org, county):
    def states(day):
        return {r["org"].name: (r["state"], r["due"]) for r in services.rating_cycle_rows(Organization.objects.all(), day)}

    last_day = states(D(2026, 12, 31))
    assert last_day[firm_org.name] == ("有效", False)
    assert last_day[county["firm_branch"].name] == ("从未评定", True)
    assert states(D(2027, 1, 1))[firm_org.name] == ("已过期", True)


def test_funding_by_the_rating_covering_the_year(rated, firm_org):
    def amount(year):
        rows = {r["org"].name: r for r in services.subsidy_rows(Organization.objects.all(), year)}
        return rows[firm_org.name]["amount"], rows[firm_org.name]["stars"]

    assert amount(2024) == (Decimal("9000.00"), None)  # the rated year itself: not covered, unrated rate
    assert amount(2025) == (Decimal("10500.00"), 4)
    assert amount(2026) == (Decimal("10500.00"), 4)
    assert amount(2027) == (Decimal("9000.00"), None)  # expired


def test_the_digest_tells_the_secretary_and_the_organiser_once_due(rated, firm_org, users, django_user_model):
    firm_secretary = django_user_model.objects.create_user("firmsec", password="x", role="secretary", organization=firm_org)

    def told(day):
        out = {}
        for r in reminders.daily_reminders(day):
            if r.kind == "星级评定到期":
                out[r.user_id] = [i["text"] for i in r.items]
        return out

    before = told(D(2026, 12, 31))
    assert firm_secretary.pk not in before and users["outsider"].pk not in before
    after = told(D(2027, 1, 1))
    assert any("2026-12-31期满" in t for t in after[firm_secretary.pk])
    assert any(firm_org.name in t for t in after[users["outsider"].pk])  # the street's organiser
    assert users["secretary"].pk not in after  # another organisation's secretary


def test_the_due_list_and_the_detail_show_the_expiry(rated, users, client_for):
    admin = client_for(users["admin"])
    page = admin.get(reverse("cobuilding:ratings_due"), {"state": ""}).content.decode()
    assert "2026-12-31" in page and "甲镇某公司党支部" in page
    detail = admin.get(reverse("cobuilding:rating_detail", args=[rated.pk])).content.decode()
    assert "2026年12月31日" in detail and "2025—2026" in detail
    export = admin.get(reverse("cobuilding:ratings_due"), {"export": "xlsx"})
    assert export.status_code == 200
    # An organiser of another township does not see the street's firm.
    town = client_for(users["organiser"]).get(reverse("cobuilding:ratings_due"), {"state": ""}).content.decode()
    assert rated.organization.name not in town
