import datetime

import pytest

from dangjian.core.actor import Actor


@pytest.fixture
def actor():
    return Actor.command()


@pytest.fixture
def region(county):
    from dangjian.cobuilding.models import Region

    return Region.objects.create(organization=county["street_committee"], kind="street")


@pytest.fixture
def firm_org(county):
    """A "两新" branch in 乙街道."""
    from dangjian.register.models import Organization

    org = Organization(name="乙街道某科技公司党支部", org_type="党支部", unit_type="非公有制企业", division=county["street"])
    org.assign_path(county["street_committee"])
    org.save()
    return org


@pytest.fixture
def day():
    return datetime.date(2025, 6, 30)
