"""Assessment indicators computed from organisational life (core.extensions.ComputedIndicator)."""
from __future__ import annotations

from dangjian.core.extensions import ComputedIndicator, IndicatorRecord, rollup_by_path
from dangjian.core.scope import is_in_subtree
from dangjian.core.tree import STEP
from dangjian.register.models import Organization

from . import compliance


def common_ancestor(orgs) -> Organization | None:
    """The deepest organisation whose subtree holds every one of ``orgs`` (None: the whole database)."""
    paths = [o.path for o in orgs]
    if not paths:
        return None
    prefix = paths[0]
    for p in paths[1:]:
        while prefix and not is_in_subtree(p, prefix):
            prefix = prefix[:-STEP]
    return Organization.objects.filter(path=prefix).first() if prefix else None


def _compliance(orgs, date_from, date_to):
    orgs = list(orgs)
    if not orgs:
        return {}
    report = compliance.compute(common_ancestor(orgs), date_from, date_to)
    return rollup_by_path(orgs, ((b.path, b.met, b.required) for b in report.branches))


def _compliance_records(org, date_from, date_to):
    report = compliance.compute(org, date_from, date_to)
    return [
        IndicatorRecord(label=f"{s.period.label}{s.type_label}", day=s.period.end, counted=s.status != compliance.MISSING,
                        note=compliance.STATUS_LABELS[s.status], organization=b.name)
        for b in report.branches for s in b.slots
    ]


INDICATORS = [
    ComputedIndicator(
        key="orglife.compliance", label="组织生活开展率",
        formula="已开展项次 ÷ 应开展项次（三会一课等规定活动，支部 × 活动 × 周期；补录计入）",
        source="orglife.Activity", compute=_compliance, records=_compliance_records, order=10),
]
