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

from dangjian.core.extensions import KeyRecords, ListSource, StatsBlock

from . import queries
from .models import Cadre, CommunityFund, PayStandard, VenueInvestment
from .vocab import CommunityCategory, Post


def _float(value):
    return round(float(value), 2) if value is not None else None


def cadres(org, as_of, date_from, date_to) -> dict:
    deputies = queries.per_community(org, Post.FULL_TIME_DEPUTY, date_to)
    reserves = queries.per_community(org, Post.RESERVE, date_to)
    pay = secretary_pay(date_from, date_to)
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


PAY_CATEGORIES = (("urban_community", CommunityCategory.URBAN_COMMUNITY),
                  ("village_to_community", CommunityCategory.VILLAGE_TO_COMMUNITY))


def secretary_pay(date_from, date_to) -> dict:
    """The monthly 书记 standard in force on ``date_from`` (before) and ``date_to`` (now) for each community
    category (``queries.standard_in_force``: the latest 执行日期 not after the day), in one query."""
    rows = (PayStandard.objects.filter(post=Post.SECRETARY, category__in=[c for _k, c in PAY_CATEGORIES],
                                       effective_on__lte=max(date_from, date_to))
            .order_by("effective_on").values_list("category", "effective_on", "amount"))
    rows = list(rows)

    def in_force(category, day):
        amounts = [amount for c, effective_on, amount in rows if c == category and effective_on <= day]
        return _float(amounts[-1]) if amounts else None

    return {key: {"before": in_force(category, date_from), "now": in_force(category, date_to)}
            for key, category in PAY_CATEGORIES}


def _probe(org) -> list:
    """The scope's cadres (of any day), community funds and venue investments."""
    return [Cadre.objects.filter(queries.org_q(org)), CommunityFund.objects.filter(queries.division_q(org)),
            VenueInvestment.objects.filter(queries.division_q(org))]


def _empty(org, as_of, date_from, date_to) -> dict:
    """The block over no cadre, fund or investment (``_probe`` found none): the communities and the pay."""
    n = queries.community_count(org)
    zero = {"min": 0, "max": 0} if n else {"min": None, "max": None}
    return {
        "communities": n, "full_time_deputy_secretaries": 0, "full_time_deputies_per_community": zero,
        "reserve_cadres": 0, "reserve_cadres_per_community": dict(zero),
        "secretary_pay": secretary_pay(date_from, date_to),
        "community_funds_min": 0.0 if n else None, "facility_investment": 0.0,
        "secretaries": 0, "secretaries_trained": 0, "secretaries_trained_rate": None,
    }


def has_data(org, date_to) -> bool:
    """Whether any cadre (from before ``date_to``), community fund or venue investment is recorded in the
    scope (the work report leaves the block's figures blank otherwise, rather than printing 0)."""
    return (Cadre.objects.filter(queries.org_q(org), started_on__lte=date_to).exists()
            or CommunityFund.objects.filter(queries.division_q(org)).exists()
            or VenueInvestment.objects.filter(queries.division_q(org), invested_on__lte=date_to).exists())


def _serving_rows(org, post, date_to):
    ids = list(queries.communities(org).values_list("pk", flat=True))
    qs = (Cadre.objects.serving_on(date_to).filter(post=post, organization__division_id__in=ids)
          .select_related("organization__division").order_by("organization__division__path", "name"))
    return KeyRecords(("社区", "党组织", "姓名", "职务", "任职日期"), qs,
                      lambda c: (c.organization.division.name, c.organization.name, c.name, c.post, c.started_on))


def records(org, as_of, date_from, date_to, key):
    """The records behind a key of the block (the work report's traceable figures)."""
    if key in ("full_time_deputy_secretaries", "full_time_deputies_per_community.min",
               "full_time_deputies_per_community.max"):
        return _serving_rows(org, Post.FULL_TIME_DEPUTY, date_to)
    if key in ("reserve_cadres", "reserve_cadres_per_community.min", "reserve_cadres_per_community.max"):
        return _serving_rows(org, Post.RESERVE, date_to)
    if key == "communities":
        return KeyRecords(("社区", "类别"), queries.communities(org).order_by("path"), lambda d: (d.name, d.category))
    if key.startswith("secretary_pay."):
        category = CommunityCategory.URBAN_COMMUNITY if ".urban_community" in key else CommunityCategory.VILLAGE_TO_COMMUNITY
        qs = PayStandard.objects.filter(category=category, post=Post.SECRETARY).order_by("effective_on")
        return KeyRecords(("社区类别", "职务", "月标准（元）", "执行日期"), qs,
                          lambda p: (p.category, p.post, p.amount, p.effective_on))
    if key == "community_funds_min":
        totals = queries.fund_totals(org, date_to.year)
        names = dict(queries.communities(org).values_list("pk", "name"))
        rows = sorted(((names[pk], total) for pk, total in totals.items()), key=lambda r: (r[1], r[0]))
        return KeyRecords(("社区", f"{date_to.year}年三项经费合计（元）"), ListSource(rows), lambda r: r)
    if key == "facility_investment":
        qs = (VenueInvestment.objects.filter(queries.division_q(org), invested_on__gte=date_from, invested_on__lte=date_to)
              .select_related("division").order_by("invested_on", "pk"))
        return KeyRecords(("所在行政区划", "项目名称", "投入日期", "金额（元）"), qs,
                          lambda v: (v.division.name, v.project, v.invested_on, v.amount))
    if key in ("secretaries", "secretaries_trained", "secretaries_trained_rate"):
        cover = queries.coverage(org, date_from, date_to)
        people = cover.people if key == "secretaries" else [c for c in cover.people if c.pk in cover.trained]
        return KeyRecords(("党组织", "书记", "任职日期", "期间内培训学时"), ListSource(people),
                          lambda c: (c.organization.name, c.name, c.started_on, cover.trained.get(c.pk, 0)),
                          note="培训按公民身份号码匹配，没有号码的按姓名和所在党组织匹配；以培训班开始日期计入期间")
    return None


BLOCKS = [
    StatsBlock(key="cadres", label="干部队伍", compute=cadres, order=80, template="cadres/stats_block.html",
               records=records, has_data=has_data, probe=_probe, empty=_empty),
]
