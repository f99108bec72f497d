"""The 组织关系转接及时率 computed indicator against hand-counted letters."""
import datetime

from dangjian.core.extensions import IndicatorValue, computed_indicator
from dangjian.transfers.models import Transfer

D = datetime.date
H1 = (D(2026, 1, 1), D(2026, 6, 30))


def test_handled_in_time_counts_letters_accepted_within_their_validity(county, make_member):
    def letter(n, to, issued, valid, accepted=None):
        Transfer.objects.create(member=make_member(county["village_branch"]), from_org=county["village_branch"],
                                to_org=county[to], status="accepted" if accepted else "issued", requested_on=issued,
                                letter_number=f"转字〔2026〕{n:04d}号", issued_on=issued, valid_until=valid,
                                accepted_on=accepted)

    letter(1, "community_branch", D(2026, 1, 5), D(2026, 2, 3), accepted=D(2026, 2, 3))  # last valid day: in time
    letter(2, "community_branch", D(2026, 3, 1), D(2026, 3, 30), accepted=D(2026, 3, 31))  # a day late
    letter(3, "firm_branch", D(2026, 5, 1), D(2026, 5, 30))  # expired unaccepted: due, not in time
    letter(4, "firm_branch", D(2026, 6, 20), D(2026, 7, 19))  # still valid on 30 June: owes nothing yet
    letter(5, "firm_branch", D(2025, 12, 20), D(2026, 1, 18), accepted=D(2026, 1, 2))  # issued before the period
    ind = computed_indicator("transfers.handled_in_time")
    values = ind.compute([county["root"], county["street_committee"], county["town_committee"]], *H1)
    assert values[county["root"].id] == IndicatorValue(1, 3)
    assert values[county["street_committee"].id] == IndicatorValue(1, 2)
    assert values[county["town_committee"].id] == IndicatorValue(0, 1)
    assert [r.counted for r in ind.records(county["street_committee"], *H1)] == [True, False]
