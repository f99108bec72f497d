"""The ``cadres`` block of ``party_stats`` (stats-contract.md), for the subtree of ``org`` (None: all).

- ``communities``: 城市社区 and 村改居社区 divisions in scope (the subtree of the organisation's division);
- ``full_time_deputy_secretaries`` / ``reserve_cadres``: 专职副书记 / 后备干部 serving on ``--to`` in the
  organisations located in those communities, with the min and max per community (null without communities);
- ``secretary_pay``: the monthly 书记 standard in force on ``--from`` (before) and ``--to`` (now);
- ``community_funds_min``: the smallest yearly total of the three funds over the communities (year of ``--to``);
- ``facility_investment``: 阵地投入 dated in the period in the divisions in scope;
- ``secretaries``: 书记 serving on ``--to`` by the cadre records; ``secretaries_trained``: those with a
  培训 row (by ID number, else name and organisation) starting in the period; the rate, 4 decimals.
"""
from __future__ import annotations

from dangjian.core.extensions import StatsBlock

from . import queries
from .vocab import CommunityCategory, Post


def _float(value):
    return round(float(value), 2) if value is not None else None


def cadres(org, as_of, date_from, date_to) -> dict:
    deputies = queries.per_community(org, Post.FULL_TIME_DEPUTY, date_to)
    reserves = queries.per_community(org, Post.RESERVE, date_to)
    pay = {}
    for key, category in (("urban_community", CommunityCategory.URBAN_COMMUNITY),
                          ("village_to_community", CommunityCategory.VILLAGE_TO_COMMUNITY)):
        before = queries.standard_in_force(category, Post.SECRETARY, date_from)
        now = queries.standard_in_force(category, Post.SECRETARY, date_to)
        pay[key] = {"before": _float(before.amount) if before else None, "now": _float(now.amount) if now else None}
    funds = queries.fund_totals(org, date_to.year)
    cover = queries.coverage(org, date_from, date_to, objects=False)
    return {
        "communities": len(deputies),
        "full_time_deputy_secretaries": sum(deputies.values()),
        "full_time_deputies_per_community": queries.min_max(deputies.values()),
        "reserve_cadres": sum(reserves.values()),
        "reserve_cadres_per_community": queries.min_max(reserves.values()),
        "secretary_pay": pay,
        "community_funds_min": _float(min(funds.values())) if funds else None,
        "facility_investment": _float(queries.investment_total(org, date_from, date_to)),
        "secretaries": cover.total,
        "secretaries_trained": cover.trained_count,
        "secretaries_trained_rate": cover.rate,
    }


BLOCKS = [
    StatsBlock(key="cadres", label="干部队伍", compute=cadres, order=80, template="cadres/stats_block.html"),
]
