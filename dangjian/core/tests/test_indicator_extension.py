"""The computed-indicator and problem-raised extension points (core.extensions, issue 12)."""
import datetime

import pytest

from dangjian.core import extensions
from dangjian.core.extensions import (
    ComputedIndicator, IndicatorSourceRefused, IndicatorValue, RaisedProblem, rollup_by_path,
)


def _noop(*args, **kwargs):
    return {}


@pytest.mark.parametrize("source", ["accounts.LoginEvent", "页面点击", "orglife.Attachment（上传）", "core.AuditLog",
                                    "app_usage", "登录次数"])
def test_an_indicator_on_logins_clicks_uploads_or_app_use_is_refused(source):
    with pytest.raises(IndicatorSourceRefused) as err:
        ComputedIndicator(key="x", label="活跃度", formula="登录次数 ÷ 人数", source=source, compute=_noop, records=_noop)
    assert "活跃度" in str(err.value) and "不得作为考核指标" in str(err.value)


def test_an_indicator_on_the_work_itself_is_accepted():
    ind = ComputedIndicator(key="x", label="开展率", formula="a ÷ b", source="orglife.Activity", compute=_noop,
                            records=_noop)
    assert ind.source == "orglife.Activity"


def test_every_installed_provider_is_listed_and_none_counts_app_use(db):
    keys = [i.key for i in extensions.computed_indicators()]
    assert {"orglife.compliance", "recruitment.steps_on_time", "transfers.handled_in_time"} <= set(keys)
    for ind in extensions.computed_indicators():
        extensions.refuse_busywork_source(ind.label, ind.source)


def test_rollup_sums_each_organisation_over_its_subtree(county):
    c = county
    rows = [(c["village_branch"].path, 1, 2), (c["firm_branch"].path, 0, 1), (c["community_branch"].path, 3, 3)]
    out = rollup_by_path([c["root"], c["town_committee"], c["village_branch"], c["street_committee"]], rows)
    assert out[c["root"].id] == IndicatorValue(4, 6)
    assert out[c["town_committee"].id] == IndicatorValue(1, 3)
    assert out[c["village_branch"].id].rate == 0.5
    assert out[c["street_committee"].id].rate == 1.0
    assert IndicatorValue().rate is None


def test_problem_raised_reaches_every_registered_receiver_and_nothing_without_one(monkeypatch):
    got = []
    monkeypatch.setattr(extensions, "_problem_receivers", [])
    monkeypatch.setattr(extensions, "_answer_receivers", [])
    problem = RaisedProblem(source="调阅", category="组织生活", organization_id=1, description="d",
                            found_on=datetime.date(2026, 1, 1), origin="t:1")
    extensions.problem_raised(problem, actor=None)  # no receiver: nothing happens
    extensions.register_problem_receiver(lambda p, actor: got.append(p), lambda o, t, d, actor: got.append((o, t)))
    extensions.problem_raised(problem, actor=None)
    extensions.problem_answered("t:1", "已整改", datetime.date(2026, 1, 5), actor=None)
    assert got == [problem, ("t:1", "已整改")]
