"""The record and booking pages: dates shown in the format the date fields accept, who was away."""
import datetime

from django.urls import reverse
from django.utils import timezone

from dangjian.orglife.models import Attendance, Base
from dangjian.orglife.vocab import ActivityType as T


def test_it_fills_the_date_of_a_record_being_edited_in_the_format_a_date_field_accepts(
        users, client_for, county, make_activity):
    a = make_activity(county["village_branch"], T.THEME_DAY, datetime.date(2026, 3, 5),
                      recorded_on=timezone.localdate())
    page = client_for(users["secretary"]).get(reverse("orglife:activity_edit", args=[a.pk])).content.decode()
    # <input type="date"> shows nothing for 2026/03/05 (the zh-hans format): the user would lose the date.
    assert 'name="date" value="2026-03-05"' in page
    assert "2026/03/05" not in page


def test_it_prefills_a_booking_date_the_date_field_shows(users, client_for, county):
    base = Base.objects.create(name="纪念馆", organization=county["root"], address="人民路1号", theme="革命传统",
                               capacity=50, opens_at=datetime.time(8, 30), closes_at=datetime.time(17, 30))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = client_for(users["secretary"]).get(reverse("orglife:base_detail", args=[base.pk])).content.decode()
    assert f'name="date" value="{tomorrow:%Y-%m-%d}"' in page


def test_it_lists_who_was_away_and_folds_those_present(users, client_for, county, make_activity, branch_members):
    a = make_activity(county["village_branch"], T.BRANCH_GENERAL_MEETING, timezone.localdate(),
                      expected=len(branch_members), present=len(branch_members) - 1, leave=1)
    away, *present = branch_members
    Attendance.objects.create(activity=a, member=away, status="leave", reason="外出务工")
    for m in present:
        Attendance.objects.create(activity=a, member=m, status="present")
    page = client_for(users["secretary"]).get(reverse("orglife:activity_detail", args=[a.pk])).content.decode()
    table, folded = page.split("<details", 1)
    assert away.name in table and "外出务工" in table
    assert all(m.name not in table.split("出席名单", 1)[1] for m in present)
    assert f"出席的党员（{len(present)} 人）" in folded and all(m.name in folded for m in present)


def test_it_says_so_when_nobody_was_away(users, client_for, county, make_activity, branch_members):
    a = make_activity(county["village_branch"], T.BRANCH_GENERAL_MEETING, timezone.localdate(),
                      expected=len(branch_members), present=len(branch_members), leave=0)
    for m in branch_members:
        Attendance.objects.create(activity=a, member=m, status="present")
    page = client_for(users["secretary"]).get(reverse("orglife:activity_detail", args=[a.pk])).content.decode()
    assert "名单上的党员全部出席" in page
