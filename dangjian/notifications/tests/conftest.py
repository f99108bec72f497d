import datetime

import pytest

from dangjian.core.actor import Actor


@pytest.fixture
def actor_for():
    def make(user):
        return Actor(user=user, ip_address="127.0.0.1")
    return make


@pytest.fixture
def set_today(monkeypatch):
    """Fix the services' idea of today."""
    def fix(day: datetime.date):
        from dangjian.transfers import services
        monkeypatch.setattr(services, "today", lambda: day)
        return day
    return fix


@pytest.fixture
def firm_secretary(db, county):
    from dangjian.accounts.models import User

    return User.objects.create_user(username="firm_secretary", password="测试密码123", role="secretary",
                                    organization=county["firm_branch"], last_name="企业书记")


@pytest.fixture
def community_secretary(db, county):
    from dangjian.accounts.models import User

    return User.objects.create_user(username="community_secretary", password="测试密码123", role="secretary",
                                    organization=county["community_branch"], last_name="社区书记")


@pytest.fixture(autouse=True)
def _fresh_settings_cache():
    """Rule settings are cached; a value cached by another test must not leak into this one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The shared ``users`` fixture hashes five passwords; a fast hasher keeps these tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
