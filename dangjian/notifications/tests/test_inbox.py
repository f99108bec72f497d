"""The inbox as a secretary reads it: kinds named in Chinese, dates, digests one item a line."""
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


def _digest(day, user, *items):
    from dangjian.core.extensions import Reminder

    return Reminder("recruitment_due", f"recruitment_due:{user.pk}:{day}", f"发展党员待办{len(items)}项", day,
                    user_id=user.pk, items=[{"key": k, "text": t, "url": f"/recruitment/{n}/"}
                                            for n, (k, t) in enumerate(items, start=1)])


def test_a_digest_sends_only_what_changed_and_links_each_item(users, client_for, county):
    """Issue 14: the daily digest repeated unchanged items every day, and its items were not links."""
    from dangjian.notifications.outbox import queue_reminders

    sec = users["secretary"]
    d1 = datetime.date(2025, 3, 1)
    d2, d3 = d1 + datetime.timedelta(days=1), d1 + datetime.timedelta(days=2)
    assert queue_reminders([_digest(d1, sec, ("a:1", "张某 待谈话"), ("b:2", "李某 公示即将结束"))]) == 1
    # the next day nothing changed: no message at all
    assert queue_reminders([_digest(d2, sec, ("a:1", "张某 待谈话"), ("b:2", "李某 公示即将结束"))]) == 0
    # the day after one item became overdue: only that one
    assert queue_reminders([_digest(d3, sec, ("a:1", "张某 待谈话"), ("b:2-late", "【逾期】李某 公示"))]) == 1
    last = Message.objects.get(day=d3)
    assert "【逾期】李某" in last.text and "张某" not in last.text and "变化1项" in last.text
    content = client_for(sec).get(reverse("notifications:inbox")).content.decode()
    assert '<a href="/recruitment/2/">【逾期】李某 公示</a>' in content
    assert '<a href="/recruitment/1/">张某 待谈话</a>' in content  # in the first day's message
