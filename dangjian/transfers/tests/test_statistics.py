"""The ``platform`` block of party_stats, counted by hand over a small county."""
import datetime
import io
import json

from django.core.management import call_command

from dangjian.core.actor import Actor
from dangjian.notifications.models import Message
from dangjian.transfers import services
from dangjian.transfers.models import Destination, FloatingRecord
from dangjian.core.extensions import stats_blocks


def platform(org, as_of, date_from, date_to):
    """The whole ``platform`` block: the transfers' keys and the notifications' ``sms`` part."""
    return next(b for b in stats_blocks() if b.key == "platform").compute(org, as_of, date_from, date_to)

JAN1, JUN30 = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)


def test_the_platform_block_counts_the_period_inclusive(users, county, make_member, set_today):
    admin = Actor(users["admin"])
    village, community = county["village_branch"], county["community_branch"]
    # a transfer completed on the last day of the period, and one completed the day after
    for receipt_day in (JUN30, datetime.date(2026, 7, 1)):
        m = make_member(village)
        set_today(datetime.date(2026, 6, 20))
        t = services.start_transfer(actor=admin, member=m, to_org=community)
        t = services.approve_transfer(t, actor=admin)
        t = services.accept_transfer(t, actor=admin, reported_on=datetime.date(2026, 6, 20))
        set_today(receipt_day)
        services.record_receipt(t, actor=admin, receipt_on=receipt_day)
    set_today(JUN30)
    services.record_transfer_out(actor=admin, member=make_member(village), external_org_name="外省某支部",
                                 destination=Destination.OTHER_PROVINCE, letter_number="外转1", issued_on=JAN1)
    FloatingRecord.objects.create(direction="out", member=make_member(village), organization=village, name="甲",
                                  place="外地", since=datetime.date(2025, 5, 1), ended_on=datetime.date(2025, 12, 31))
    FloatingRecord.objects.create(direction="out", member=make_member(village), organization=village, name="乙",
                                  place="外地", since=datetime.date(2025, 5, 1))
    FloatingRecord.objects.create(direction="in", organization=community, name="丙", place="外地", since=JUN30)
    m = make_member(village)
    for day, status in ((JAN1, "sent"), (JUN30, "failed"), (datetime.date(2026, 3, 1), "sending"),
                        (datetime.date(2025, 12, 31), "sent")):
        Message.objects.create(channel="sms", kind="political_birthday", day=day, member=m, organization=village,
                               text="x", status=status)
    Message.objects.create(channel="in_app", kind="term_ending", day=JAN1, member=m, organization=village, text="x",
                           status="sent")
    block = platform(None, JUN30, JAN1, JUN30)
    assert (block["transfers_online"], block["transfers_out"], block["transfers_in"]) == (1, 1, 0)
    assert (block["floating_out"], block["floating_in"]) == (1, 1)
    assert block["sms"] == {"political_birthday": {"sent": 1, "pending": 1, "failed": 1}}
    # a township sees its own side only: the transfer counts on both sides, the floating member coming in does not
    town = platform(county["town_committee"], JUN30, JAN1, JUN30)
    assert (town["transfers_online"], town["floating_in"], town["floating_out"]) == (1, 0, 1)
    assert platform(county["street_committee"], JUN30, JAN1, JUN30)["sms"]["political_birthday"]["sent"] == 0


def test_party_stats_prints_the_platform_block(db, county):
    out = io.StringIO()
    call_command("party_stats", "--json", "--from", "2026-01-01", "--to", "2026-06-30", "--as-of", "2026-06-30", stdout=out)
    data = json.loads(out.getvalue())
    assert data["platform"]["transfers_online"] == 0
    assert set(data["platform"]) >= {"transfers_online", "transfers_out", "transfers_in", "floating_out", "floating_in", "sms"}
