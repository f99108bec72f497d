import datetime

import pytest

from dangjian.core.actor import Actor

D = datetime.date


@pytest.fixture
def admin(users):
    return Actor(users["admin"])


@pytest.fixture
def organiser(users):
    return Actor(users["organiser"])


@pytest.fixture
def make_problem(county, admin):
    from dangjian.assessment import services

    def make(org="village_branch", category="组织生活", found_on=D(2026, 1, 10), deadline=D(2026, 2, 10), **extra):
        fields = dict(source="考核", category=category, description="问题描述", found_on=found_on, deadline=deadline,
                      responsible="张书记")
        fields.update(extra)
        return services.create_problem(actor=admin, organization=county[org] if isinstance(org, str) else org, **fields)
    return make
