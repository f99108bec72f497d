import datetime

import pytest


@pytest.fixture
def freeze_today(monkeypatch):
    """``freeze_today(day)``: today() of every services module that asks for the day (activities,
    attachments, bookings) returns ``day``."""
    from dangjian.orglife.services import activities, attachments, bookings

    def freeze(day: datetime.date) -> None:
        for module in (activities, attachments, bookings):
            monkeypatch.setattr(module, "today", lambda: day)
    return freeze


@pytest.fixture
def branch_members(county, make_member):
    """Five full members in 一村支部 (the users fixture adds 李党员, a sixth)."""
    return [make_member(county["village_branch"], name=f"村党员{i}") for i in range(1, 6)]


@pytest.fixture
def make_activity(db):
    """An activity row written directly (compliance tests need chosen recording dates)."""
    from dangjian.orglife.models import Activity

    counter = {"n": 0}

    def make(org, activity_type, date, *, recorded_on=None, late=False, expected=10, present=8, leave=1,
             quorum=True, start=None, **extra):
        counter["n"] += 1
        return Activity.objects.create(
            organization=org, activity_type=activity_type, date=date,
            start_time=start or datetime.time(8, 0) .replace(minute=counter["n"] % 60, hour=8 + counter["n"] // 60 % 10),
            end_time=datetime.time(19, 0), place="会议室", host="书记", topic=f"主题{counter['n']}",
            lecturer="书记" if activity_type == "party_lecture" else "", expected_count=expected,
            present_count=present, leave_count=leave, quorum_met=quorum, recorded_on=recorded_on or date,
            is_late=late, **extra,
        )
    return make


@pytest.fixture
def set_rule(db):
    from django.core.cache import cache

    from dangjian.core.models import RuleSetting

    def set_(key, value):
        RuleSetting.objects.update_or_create(key=key, defaults={"value": value})
        cache.clear()
    return set_


def summary_of(report):
    """What ``compliance.summary`` must give, derived from a ``compliance.compute`` report's slots."""
    from dangjian.orglife.compliance import ComplianceSummary

    short = [(b.path, b.name, b.required, b.met) for b in report.branches if b.met < b.required]
    return ComplianceSummary(report.required, report.met, report.late_records, report.by_type(), short)


@pytest.fixture(autouse=True)
def compliance_summary_agrees(monkeypatch):
    """Every ``compliance.compute`` of the orglife tests (period edges, subtrees, quorum, talks,
    founding dates, settings) also checks that ``compliance.summary`` (no slot objects) agrees."""
    from dangjian.orglife import compliance

    original = compliance.compute

    def checked(org, date_from, date_to, branch_ids=None):
        report = original(org, date_from, date_to, branch_ids)
        if branch_ids is None:
            assert compliance.summary(org, date_from, date_to) == summary_of(report)
        return report

    monkeypatch.setattr(compliance, "compute", checked)
