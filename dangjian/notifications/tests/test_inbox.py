"""The inbox as a secretary reads it (faults found in a browser pass)."""
import datetime

from django.urls import reverse
from django.utils import timezone

from dangjian.notifications.models import Message


def test_it_names_every_kind_in_chinese_and_dates_a_message_by_when_it_came(users, client_for, county):
    term_end = timezone.localdate() + datetime.timedelta(days=30)
    Message.objects.create(channel="in_app", kind="transfer_expired", day=timezone.localdate(),
                           user=users["secretary"], text="王某的组织关系介绍信已过期")
    Message.objects.create(channel="in_app", kind="term_ending", day=term_end, user=users["secretary"],
                           text="一村支部本届任期将届满")
    content = client_for(users["secretary"]).get(reverse("notifications:inbox")).content.decode()
    assert "介绍信已过期" in content and "transfer_expired" not in content
    # A term reminder is keyed by the term's end; the reader sees the day it arrived, not a future date.
    assert f"{term_end:%Y-%m-%d}" not in content
    assert f"{timezone.localdate():%Y-%m-%d}" in content


def test_it_keeps_the_day_of_an_earlier_digest(users, client_for, county):
    earlier = timezone.localdate() - datetime.timedelta(days=3)
    Message.objects.create(channel="in_app", kind="recruitment_due", day=earlier, user=users["secretary"], text="待办")
    content = client_for(users["secretary"]).get(reverse("notifications:inbox")).content.decode()
    assert f"{earlier:%Y-%m-%d}" in content


def test_it_keeps_a_digest_one_item_a_line(users, client_for, county):
    Message.objects.create(channel="in_app", kind="recruitment_due", day=timezone.localdate(), user=users["secretary"],
                           text="发展党员待办2项：\n张某 待谈话\n李某 公示即将结束")
    content = client_for(users["secretary"]).get(reverse("notifications:inbox")).content.decode()
    assert '<div class="message-text">发展党员待办2项：\n张某 待谈话\n李某 公示即将结束</div>' in content
