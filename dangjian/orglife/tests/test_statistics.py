"""The organisational_life block of party_stats against a hand-counted fixture."""
import datetime

from django.utils import timezone

from dangjian.orglife.models import Base, Booking, Review
from dangjian.orglife.statistics import organisational_life
from dangjian.orglife.vocab import ActivityType as T

D = datetime.date


def test_it_counts_activities_reviews_compliance_and_bases_for_a_period(county, users, make_activity):
    village, firm, community = county["village_branch"], county["firm_branch"], county["community_branch"]
    a = make_activity(village, T.THEME_DAY, D(2025, 1, 31))  # inside, last day of January
    make_activity(village, T.PARTY_LECTURE, D(2025, 2, 1))
    make_activity(firm, T.THEME_DAY, D(2024, 12, 31))  # before the period
    make_activity(community, T.THEME_DAY, D(2025, 1, 5))  # another township
    Review.objects.create(activity=a, reviewer=users["organiser"], reviewer_name="组织员")
    Review.objects.create(activity=a, reviewer=users["organiser"], reviewer_name="组织员")
    # One review inside the period, one after it.
    first, second = Review.objects.order_by("id")
    Review.objects.filter(pk=first.pk).update(reviewed_at=timezone.make_aware(datetime.datetime(2025, 3, 31, 23, 30)))
    Review.objects.filter(pk=second.pk).update(reviewed_at=timezone.make_aware(datetime.datetime(2025, 4, 1, 0, 30)))
    base = Base.objects.create(name="镇基地", organization=county["town_committee"], address="镇上", capacity=50,
                               opens_at=datetime.time(8), closes_at=datetime.time(18))
    Base.objects.create(name="街道基地", organization=county["street_committee"], address="街上", capacity=50,
                        opens_at=datetime.time(8), closes_at=datetime.time(18))
    common = dict(base=base, start_time=datetime.time(9), end_time=datetime.time(10), expected_count=20, purpose="学习")
    Booking.objects.create(organization=village, date=D(2025, 1, 10), status="held", visitors=18, **common)
    Booking.objects.create(organization=village, date=D(2025, 2, 10), status="approved", **common)
    Booking.objects.create(organization=firm, date=D(2025, 2, 11), status="declined", **common)
    Booking.objects.create(organization=firm, date=D(2025, 4, 11), status="held", visitors=9, **common)  # after

    block = organisational_life(county["town_committee"], D(2025, 3, 31), D(2025, 1, 1), D(2025, 3, 31))

    assert block["activities"] == {
        "branch_general_meeting": 0, "branch_committee_meeting": 0, "group_meeting": 0, "party_lecture": 1,
        "theme_day": 1, "life_meeting": 0, "democratic_appraisal": 0, "heart_to_heart_talk": 0}
    assert block["reviews"] == 1
    # 2 branches × (3 theme days + 1 general meeting + 1 lecture) = 10 slots; village met Jan theme day + lecture.
    assert (block["required_slots"], block["met_slots"], block["compliance_rate"]) == (10, 2, 0.2)
    assert block["compliance_by_type"]["theme_day"] == {"required": 6, "met": 1, "rate": round(1 / 6, 4)}
    assert block["compliance_by_type"]["group_meeting"] == {"required": 0, "met": 0, "rate": None}
    assert (block["bases"], block["bookings"], block["base_visitors"]) == (1, 2, 18)


def test_it_has_no_rate_when_nothing_is_required(county):
    # A period shorter than any calendar month holds no slot.
    block = organisational_life(None, D(2025, 1, 20), D(2025, 1, 10), D(2025, 1, 20))
    assert block["required_slots"] == 0 and block["compliance_rate"] is None
