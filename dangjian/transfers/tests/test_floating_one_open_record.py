"""Floating members (issue 16): one open record per member and direction, kept by the database, so a
double submit cannot create two."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dangjian.core.actor import Actor
from dangjian.transfers import services
from dangjian.transfers.models import FloatingRecord

INFLOW = dict(name="李四", home_org_name="外县某村党支部", place="本镇", since=datetime.date(2026, 1, 5))


def test_a_second_open_inflow_of_the_same_person_is_refused(users, county):
    actor = Actor(users["organiser"])
    services.register_floating_in(actor=actor, organization=county["village_branch"], **INFLOW)
    with pytest.raises(ValidationError, match="已登记为本党组织的流入党员"):
        services.register_floating_in(actor=actor, organization=county["village_branch"], **INFLOW)
    assert FloatingRecord.objects.count() == 1


def test_the_database_keeps_one_open_record_per_person_and_direction(users, county):
    actor = Actor(users["organiser"])
    first = services.register_floating_in(actor=actor, organization=county["village_branch"], **INFLOW)
    twin = FloatingRecord(direction="in", organization=first.organization, name=first.name,
                          home_org_name=first.home_org_name, place="x", since=first.since)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    # Once the first has ended, the person may come again.
    FloatingRecord.objects.filter(pk=first.pk).update(ended_on=datetime.date(2026, 3, 1))
    twin.save()
    member = users["member_record"]
    services.register_floating_out(actor=actor, member=member, place="广州", since=member.joined_on)
    with pytest.raises(IntegrityError), transaction.atomic():
        FloatingRecord.objects.create(direction="out", member=member, organization=member.organization,
                                      name=member.name, place="深圳", since=member.joined_on)
