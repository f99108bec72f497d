import datetime

from dangjian.orglife.reminders import daily_reminders
from dangjian.orglife.vocab import ActivityType as T

D = datetime.date


def test_it_reminds_the_secretary_of_missing_activities_near_the_end_of_a_quarter(county, users, make_activity):
    make_activity(county["village_branch"], T.THEME_DAY, D(2025, 3, 2))
    reminders = list(daily_reminders(D(2025, 3, 24)))  # 7 days before the end (the default)
    assert [(r.kind, r.user_id, r.organization_id) for r in reminders] == [
        ("activity_missing", users["secretary"].pk, county["village_branch"].pk)]
    text = reminders[0].text
    assert "2025年第1季度支部党员大会" in text and "2025年第1季度党课" in text and "主题党日" not in text
    assert "还有7天" in text


def test_it_stays_silent_earlier_in_the_month(county, users):
    assert list(daily_reminders(D(2025, 3, 23))) == []


def test_it_names_only_the_monthly_activities_at_the_end_of_an_ordinary_month(county, users):
    reminders = list(daily_reminders(D(2025, 2, 28)))
    assert len(reminders) == 1
    assert "2025年2月主题党日" in reminders[0].text and "季度" not in reminders[0].text
