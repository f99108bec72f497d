import datetime

import pytest

from dangjian.core.actor import Actor

DAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def no_cadre_records(monkeypatch):
    """The governance app is tested on its own: no app tells it who is 一肩挑 (a matter's own
    declaration is trusted) unless a test says otherwise. The cadres app's answer through
    core.extensions is tested in dangjian/stats/tests/test_cross_app_hooks.py."""
    from dangjian.governance import roster_sheets, services

    monkeypatch.setattr(services, "one_shoulder_org_ids", lambda day: None)
    monkeypatch.setattr(roster_sheets, "one_shoulder_org_ids", lambda day: None)


@pytest.fixture
def actor(users):
    return Actor(user=users["admin"])


@pytest.fixture
def secretary_actor(users):
    return Actor(user=users["secretary"])


@pytest.fixture
def discipline(db, county):
    from dangjian.accounts.models import User

    return User.objects.create_user(username="jiwei", password="测试密码123", role="discipline",
                                    organization=county["town_committee"], last_name="纪委")


@pytest.fixture
def catalogue(db):
    from dangjian.governance.models import ServiceItem

    return {
        "village": ServiceItem.objects.create(category="民政", name="低保申请", level="村级"),
        "township": ServiceItem.objects.create(category="社会保障", name="社保卡办理", level="乡镇级"),
        "stopped": ServiceItem.objects.create(category="户籍", name="旧事项", level="县级",
                                              starts_on=datetime.date(2020, 1, 1), stops_on=DAY),
    }


def open_matter(org, actor, name="修村道", opened_on=datetime.date(2026, 1, 5), **kw):
    from dangjian.governance import services

    return services.open_matter(actor=actor, organization=org, name=name, category="工程项目", opened_on=opened_on, **kw)
