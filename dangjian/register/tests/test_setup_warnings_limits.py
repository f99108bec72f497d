"""The setup warnings of many organisations (home page, organisation tree) read their settings once per
list, and still follow a setting the county changes (issue 15: read per organisation, the three settings
cost a city's home page ~0.35 s)."""
import datetime

from django.urls import reverse

from dangjian.register import overview, rules

TODAY = datetime.date(2026, 11, 30)


def _branch_warnings(user, county):
    found = dict(overview.warnings_in_scope(user, TODAY))
    return found.get(county["village_branch"], [])


def test_it_reads_the_settings_once_for_all_the_organisations_in_scope(users, county, monkeypatch):
    calls = []
    real = rules.get_setting
    monkeypatch.setattr(rules, "get_setting", lambda key: calls.append(key) or real(key))

    found = overview.warnings_in_scope(users["admin"], TODAY)

    assert len(found) >= 2  # several organisations judged (branches without members)
    assert {"setup.branch_min_full_members", "setup.branch_max_members"} <= set(calls)
    assert len(calls) == len(set(calls))  # each setting read once for the whole list


def test_a_changed_setting_applies_to_the_next_list(users, county, client_for, django_capture_on_commit_callbacks):
    assert any("不足3名" in w for w in _branch_warnings(users["admin"], county))

    with django_capture_on_commit_callbacks(execute=True):  # the settings' cache is cleared on commit
        response = client_for(users["admin"]).post(reverse("core:rule_settings"),
                                                   {"key": "setup.branch_min_full_members", "value": "5"})
    assert response.status_code == 302

    warnings = _branch_warnings(users["admin"], county)
    assert any("不足5名" in w for w in warnings) and not any("不足3名" in w for w in warnings)


def test_one_organisation_judged_alone_reads_the_current_settings(county, make_member):
    branch = county["village_branch"]
    assert rules.setup_warnings(branch, full_members=3, total_members=3, today=TODAY) == []
    limits = rules.SetupLimits(branch_min_full_members=4)  # the others read when needed
    assert rules.setup_warnings(branch, full_members=3, total_members=3, today=TODAY, limits=limits) == [
        "正式党员3名，不足4名，不宜单独成立党支部（可成立联合党支部）"]
