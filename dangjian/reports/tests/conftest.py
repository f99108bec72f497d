"""Fixtures of the reports tests: fake blocks that stand in for the modules being built elsewhere."""
import datetime

import pytest

from dangjian.core.extensions import KeyRecords, ListSource, StatsBlock, stats_blocks

FROM, TO = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
BASE_KEYS = {"divisions", "organizations", "members", "recruitment", "organisational_life", "platform"}


def installed_blocks(*without: str) -> list[StatsBlock]:
    """The blocks of the apps in this tree, minus ``without`` and minus the second-wave modules
    (so a test of the "absent" path does not depend on which of them have landed)."""
    return [b for b in stats_blocks() if b.key in BASE_KEYS and b.key not in without]


def fake_block(key: str, data: dict, has_data=None, records=None) -> StatsBlock:
    return StatsBlock(key=key, label=f"测试{key}", compute=lambda org, as_of, f, t: data, order=90,
                      has_data=has_data, records=records)


def brands_records(org, as_of, date_from, date_to, key):
    if key != "brands":
        return None
    return KeyRecords(("品牌",), ListSource(["红色驿站", "邻里互助", "银发先锋", "第四个"]), lambda n: (n,))


GOVERNANCE = {"matters_decided": 12, "disputes_accepted": 80, "disputes_resolved": 70,
              "dispute_resolution_rate": 0.875, "dispute_resolution_rate_previous": 0.8875,
              "dispute_resolution_rate_change": -0.0125, "service_requests": 3456,
              "four_winds_cases": 3, "service_categories": 8, "service_items": 40}
CO_BUILDING = {"participating_organizations": 21, "part_time_members": 33, "problems_resolved": 44,
               "commitments": 55, "shared_resources": 66, "brands": 7}
CADRES = {"communities": 5, "full_time_deputy_secretaries": 7,
          "full_time_deputies_per_community": {"min": 1, "max": 2}, "reserve_cadres": 20,
          "reserve_cadres_per_community": {"min": 3, "max": 5},
          "secretary_pay": {"urban_community": {"before": 2500.0, "now": 3200.0},
                            "village_to_community": {"before": 2200.0, "now": 3000.0}},
          "community_funds_min": 125000.0, "facility_investment": 12345678.9,
          "secretaries": 10, "secretaries_trained": 9, "secretaries_trained_rate": 0.9}


@pytest.fixture
def second_wave():
    """Fake governance, co_building and cadres blocks with hand-set figures."""
    return [fake_block("governance", GOVERNANCE), fake_block("co_building", CO_BUILDING, records=brands_records),
            fake_block("cadres", CADRES)]
