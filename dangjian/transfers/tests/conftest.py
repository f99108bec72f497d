import datetime

import pytest


@pytest.fixture
def set_today(monkeypatch):
    """Fix the services' idea of today."""
    def fix(day: datetime.date):
        from dangjian.transfers import services
        monkeypatch.setattr(services, "today", lambda: day)
        return day
    return fix
