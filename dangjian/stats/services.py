"""``party_stats``: the statistics of an organisation's subtree on a given day (stats-contract.md).

The figures come from the ``StatsBlock``s every app lists in its ``statistics.py``; this module only
fixes the day and the period, calls each block once and assembles the result in block order. The
command, the statistics page and its Excel export all call ``compute_party_stats`` so they cannot
disagree.
"""
from __future__ import annotations

import datetime
import decimal
import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone

from dangjian.core.extensions import statistics_run, stats_blocks, stats_probe
from dangjian.register.vocab import ROOT_DIVISION_CATEGORIES, TOWNSHIP_LEVEL, OrgType

RESERVED_KEYS = {"as_of", "period"}


def default_period(as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period counted by default: 1 January of as_of's year up to as_of."""
    return datetime.date(as_of.year, 1, 1), as_of


def parse_date(value: str, label: str) -> datetime.date:
    """A YYYY-MM-DD date, or a ValidationError naming the option and the expected form."""
    try:
        return datetime.date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise ValidationError(f"{label}“{value}”不是有效日期，请按 YYYY-MM-DD 填写，例如 2026-06-30") from None


def resolve_period(as_of: datetime.date | None, date_from: datetime.date | None,
                   date_to: datetime.date | None) -> tuple[datetime.date, datetime.date, datetime.date]:
    as_of = as_of or timezone.localdate()
    default_from, default_to = default_period(as_of)
    date_from, date_to = date_from or default_from, date_to or default_to
    if date_from > date_to:
        raise ValidationError(f"统计期间的起始日期{date_from:%Y-%m-%d}晚于截止日期{date_to:%Y-%m-%d}")
    return as_of, date_from, date_to


def compute_party_stats(org=None, as_of: datetime.date | None = None, date_from: datetime.date | None = None,
                        date_to: datetime.date | None = None, blocks=None) -> dict[str, Any]:
    """``{"as_of": …, "period": {…}, <block.key>: block.compute(org, as_of, date_from, date_to), …}``.

    ``org`` None is the whole database, otherwise the organisation's subtree. ``blocks`` defaults to
    every app's blocks (``core.extensions.stats_blocks``).
    """
    as_of, date_from, date_to = resolve_period(as_of, date_from, date_to)
    result: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
    }
    blocks = stats_blocks() if blocks is None else blocks
    nothing = stats_probe(blocks, org)  # blocks with no row in the subtree: one query for all of them
    with statistics_run():  # a figure two blocks need is asked once
        for block in blocks:
            if block.key in result:
                raise ImproperlyConfigured(f"statistics block key {block.key!r} is used twice")
            compute = block.empty if block.key in nothing else block.compute
            result[block.key] = compute(org, as_of, date_from, date_to)
    return result


def _json_default(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(stats: dict[str, Any]) -> str:
    """Deterministic JSON: keys in block order, Chinese kept as is, one space of indent like the sample."""
    return json.dumps(stats, ensure_ascii=False, indent=1, default=_json_default)


_ROOT_WHOLE = {"县": "全县", "县级市": "全市", "区": "全区"}


def report_paragraph(stats: dict[str, Any], scope_org=None) -> str:
    """The first paragraph of the county's work report, filled in from ``stats``.

    For the county (the 县委, or the whole database: ``scope_org`` None) it is the sentence every
    report opens with. For another organisation the same figures, worded for it: its division's
    villages and communities (a fact about the division), then its own subtree's organisations.
    """
    d, o, m = stats["divisions"], stats["organizations"], stats["members"]
    committees = o["committee"] + o["working_committee"]
    orgs = (f"共设基层党组织{o['total']}个，其中党（工）委{committees}个、党总支{o['general_branch']}个、"
            f"联合党支部{o['joint_branch']}个，党支部{o['branch']}个，党员{m['total']}名。")
    villages = (f"{d['village']}个村、{d['community']}个社区（其中城市社区{d['urban_community']}个，"
                f"村改居社区{d['village_to_community']}个）")
    division = scope_org.division if scope_org is not None else None
    if division is None or division.category in ROOT_DIVISION_CATEGORIES:
        name = division.name if division is not None else "本县"
        divisions = f"{name}辖{d['township']}个乡、{d['town']}个镇、{d['subdistrict']}个街道，{villages}。"
    elif division.category in TOWNSHIP_LEVEL:
        divisions = f"{division.name}辖{villages}。"
    else:
        divisions = ""
    if scope_org is None or scope_org.org_type == OrgType.COUNTY_COMMITTEE:
        whole = _ROOT_WHOLE.get(division.category, "全县") if division is not None else "全县"
        return f"{divisions}{whole}{orgs}"
    return f"{divisions}{scope_org.name}{orgs}"
