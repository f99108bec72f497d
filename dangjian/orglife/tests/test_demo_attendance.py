"""Issue 14: the demo's named attendance lists only members who belonged to the branch on the meeting's
day — not members the transfers demo moves out before it, nor members who came in after it."""
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from dangjian.core import demo as core_demo


@pytest.fixture
def orglife_and_transfers_demo(db, settings, monkeypatch):
    from dangjian.orglife import demo as orglife_demo
    from dangjian.register.management.commands import load_demo as command
    from dangjian.transfers import demo as transfers_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    core_demo.forget_demo_loaded()
    # The apps in INSTALLED_APPS order, as the command finds them.
    monkeypatch.setattr(command, "app_modules", lambda name: [orglife_demo, transfers_demo])
    call_command("load_demo", members=1000, today=timezone.localdate(), stdout=io.StringIO(), stderr=io.StringIO())
    yield
    core_demo.forget_demo_loaded()


def left_on(transfer):
    """The first day the member no longer belonged to the sending branch."""
    return transfer.accepted_on or transfer.issued_on


def test_named_attendance_lists_only_members_of_the_branch_on_the_day(orglife_and_transfers_demo):
    from dangjian.orglife.models import Attendance
    from dangjian.register.vocab import MemberStatus
    from dangjian.transfers.models import Kind, Status, Transfer

    gone = Transfer.objects.filter(
        status__in=[Status.ACCEPTED, Status.COMPLETED]).exclude(kind=Kind.IN).select_related("member")
    assert gone.exists(), "the transfers demo moves members out"
    left = {(t.member_id, t.from_org_id): left_on(t) for t in gone}
    came = {(t.member_id, t.to_org_id): t.accepted_on or t.reported_on
            for t in Transfer.objects.filter(status__in=[Status.ACCEPTED, Status.COMPLETED]).exclude(kind=Kind.OUT)}
    rows = list(Attendance.objects.select_related("activity", "member"))
    assert rows
    wrong = []
    for row in rows:
        a, m = row.activity, row.member
        key = (m.pk, a.organization_id)
        if key in left:
            ok = a.date < left[key]
        else:
            ok = m.organization_id == a.organization_id and m.status == MemberStatus.NORMAL
        if key in came and came[key] > a.date:
            ok = False
        if m.joined_on > a.date:
            ok = False
        if not ok:
            wrong.append((m.name, a.date, str(a.organization_id)))
    assert wrong == []
    # The branch's members on each day are all listed (absent ones too): nobody who belonged is missing.
    movers_listed = [r for r in rows if (r.member_id, r.activity.organization_id) in left]
    assert len({r.activity_id for r in rows}) >= 3
    assert movers_listed or not any(a < max(left.values()) for a in [r.activity.date for r in rows])
