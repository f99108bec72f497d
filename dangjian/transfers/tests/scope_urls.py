"""URL cases for the project-wide scope matrix: objects of 乙街道 (outside the test users' scope)."""
import datetime


def url_cases(world) -> dict[str, dict]:
    from dangjian.register.models import Organization
    from dangjian.transfers.models import Direction, FloatingRecord, Kind, Status, Transfer

    county, make_member = world["county"], world["make_member"]
    street, branch = county["street_committee"], county["community_branch"]
    other = Organization(name="中共幸福社区第二支部委员会", org_type="党支部", unit_type="社区", division=county["community"])
    other.assign_path(street)
    other.save()
    member = make_member(branch, name="街道党员")
    transfer = Transfer.objects.create(
        kind=Kind.INTERNAL, member=member, from_org=branch, to_org=other, status=Status.ISSUED,
        requested_on=datetime.date(2026, 6, 1), letter_number="转字〔2026〕9001号", issued_on=datetime.date(2026, 6, 1),
        valid_until=datetime.date(2026, 6, 30), letters_issued=1)
    record = FloatingRecord.objects.create(direction=Direction.OUT, member=member, organization=branch, name=member.name,
                                           place="外省", since=datetime.date(2026, 1, 1))
    return {
        "transfers:list": {},
        "transfers:new": {},
        "transfers:member_search": {},
        "transfers:out_new": {},
        "transfers:in_new": {},
        "transfers:detail": {"pk": transfer.pk},
        "transfers:letter": {"pk": transfer.pk},
        "transfers:step": {"pk": transfer.pk, "step": "accept"},
        "transfers:floating_list": {},
        "transfers:floating_new_out": {},
        "transfers:floating_new_in": {},
        "transfers:floating_detail": {"pk": record.pk},
        "transfers:floating_reveal": {"pk": record.pk},
        "transfers:floating_contact": {"pk": record.pk},
        "transfers:floating_end": {"pk": record.pk},
    }
