"""Co-building URLs for the project-wide scope matrix: every object lies in the 乙街道 subtree."""
import datetime


def url_cases(world) -> dict[str, dict]:
    from decimal import Decimal

    from django.utils import timezone

    from dangjian.cobuilding.models import (
        Brand, DualReport, ListItem, Matter, Meeting, MemberUnit, PartTimeMember, Region, ResourceBooking,
        SharedResource, StarRating, TwoNewUnit,
    )
    from dangjian.cobuilding.views import LEDGERS
    from dangjian.register.models import Organization

    m = world["marker"]
    c = world["county"]
    street, community = c["street_committee"], c["community_branch"]
    day = datetime.date(2025, 3, 1)
    region = Region.objects.create(organization=street, kind="street", note=f"{m}说明")
    objs = {
        "units": MemberUnit.objects.create(region=region, unit_name=f"{m}共建单位", joined_on=day),
        "parttime": PartTimeMember.objects.create(region=region, name=f"{m}委员", unit_name=f"{m}单位", started_on=day),
        "matters": Matter.objects.create(region=region, category="共建承诺", title=f"{m}承诺", raised_on=day),
        "resources": SharedResource.objects.create(
            region=region, provider=f"{m}提供单位", name=f"{m}场地", category="场地", registered_on=day, capacity=20,
            opens_at=datetime.time(8), closes_at=datetime.time(18), open_days="1234567"),
        "items": ListItem.objects.create(region=region, kind="need", title=f"{m}需求", listed_on=day),
        "meetings": Meeting.objects.create(region=region, date=day, topic=f"{m}议题"),
    }
    booking = ResourceBooking.objects.create(
        resource=objs["resources"], organization=community, date=timezone.localdate() + datetime.timedelta(days=2),
        start_time=datetime.time(9), end_time=datetime.time(10), expected_count=5, purpose=f"{m}用途")
    member = world["make_member"](community, name=f"{m}党员")
    dual = DualReport.objects.create(member=member, community=community, reported_on=day, posts=f"{m}岗位")
    firm = Organization(name=f"{m}街道企业党支部", org_type="党支部", unit_type="非公有制企业", division=c["street"])
    firm.assign_path(street)
    firm.save()
    unit = TwoNewUnit.objects.create(name=f"{m}企业", category="非公有制企业", division=c["street"], staff_count=10,
                                     member_count=3, organization=firm, surveyed_on=day)
    rating = StarRating.objects.create(organization=firm, year=2025, score=Decimal("91"), stars=5, status="reviewed")
    brand = Brand.objects.create(organization=community, name=f"{m}品牌", applied_on=day)
    cases = {
        "cobuilding:index": {}, "cobuilding:region_create": {}, "cobuilding:region_detail": {"pk": region.pk},
        "cobuilding:item_match": {"pk": objs["items"].pk},
        "cobuilding:resource_book": {"pk": objs["resources"].pk},
        "cobuilding:bookings": {}, "cobuilding:booking_decide": {"pk": booking.pk},
        "cobuilding:booking_cancel": {"pk": booking.pk},
        "cobuilding:dual_list": {}, "cobuilding:dual_create": {}, "cobuilding:dual_detail": {"pk": dual.pk},
        "cobuilding:service_create": {"pk": dual.pk},
        "cobuilding:me_claim_post": {"pk": dual.pk}, "cobuilding:me_record_hours": {"pk": dual.pk},
        "cobuilding:twonew": {}, "cobuilding:unit_create": {}, "cobuilding:unit_edit": {"pk": unit.pk},
        "api:cobuilding-unit-list": {}, "api:cobuilding-unit-detail": {"pk": unit.pk},
        "cobuilding:coverage": {},
        "cobuilding:ratings": {}, "cobuilding:rating_create": {}, "cobuilding:rating_detail": {"pk": rating.pk},
        "cobuilding:rating_review": {"pk": rating.pk}, "cobuilding:rating_publish": {"pk": rating.pk},
        "cobuilding:subsidies": {}, "cobuilding:ratings_due": {},
        "cobuilding:meeting_agenda": {"pk": objs["meetings"].pk},
        "cobuilding:brands": {}, "cobuilding:brand_create": {}, "cobuilding:brand_detail": {"pk": brand.pk},
        "cobuilding:brand_recognise": {"pk": brand.pk}, "cobuilding:brand_revoke": {"pk": brand.pk},
        "cobuilding:milestone_create": {"pk": brand.pk},
    }
    for kind in LEDGERS:
        cases[f"cobuilding:{kind}_list"] = {}
        cases[f"cobuilding:{kind}_create"] = {}
        cases[f"cobuilding:{kind}_edit"] = {"pk": objs[kind].pk}
        cases[f"cobuilding:{kind}_delete"] = {"pk": objs[kind].pk}
    return cases
