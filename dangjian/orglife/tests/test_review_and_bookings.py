"""调阅 (the review log, comments and rectification answers) and base bookings."""
import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.orglife import services
from dangjian.orglife.models import Activity, Base, Booking, Review
from dangjian.orglife.vocab import ActivityType as T

D = datetime.date
TODAY = D(2025, 6, 16)  # a Monday


@pytest.fixture(autouse=True)
def fixed_today(freeze_today):
    freeze_today(TODAY)


@pytest.fixture
def activity(county, make_activity):
    return make_activity(county["village_branch"], T.THEME_DAY, D(2025, 6, 1))


def test_it_counts_one_review_per_reader_per_record_per_day(activity, users, actor_for):
    """Issue 14: reloading the page is not another 调阅; the same reader on another day is."""
    import datetime

    first = services.log_review(activity, actor=actor_for(users["organiser"]))
    assert services.log_review(activity, actor=actor_for(users["organiser"])) == first  # a reload
    services.log_review(activity, actor=actor_for(users["admin"]))
    activity.refresh_from_db()
    assert activity.review_count == 2
    Review.objects.filter(pk=first.pk).update(reviewed_at=first.reviewed_at - datetime.timedelta(days=1))
    services.log_review(activity, actor=actor_for(users["organiser"]))  # the next day
    activity.refresh_from_db()
    assert activity.review_count == 3
    assert sorted(Review.objects.filter(activity=activity).values_list("reviewer__username", flat=True)) == [
        "admin", "organiser", "organiser"]


def test_it_does_not_count_the_branch_reading_its_own_record(activity, users, actor_for):
    assert services.log_review(activity, actor=actor_for(users["secretary"])) is None
    activity.refresh_from_db()
    assert activity.review_count == 0 and not Review.objects.exists()


def test_it_lets_a_reviewer_request_rectification_and_the_branch_answer(activity, users, actor_for):
    comment = services.add_review_comment(activity, actor=actor_for(users["organiser"]), kind="rectification",
                                          text="会议记录过于简单，请补充讨论内容")
    assert comment.needs_answer
    log = AuditLog.objects.get(object_type="orglife.reviewcomment")
    assert log.actor == users["organiser"] and log.changes["text"] == [None, "会议记录过于简单，请补充讨论内容"]
    services.answer_review_comment(comment, actor=actor_for(users["secretary"]), answer="已补充讨论内容")
    comment.refresh_from_db()
    assert not comment.needs_answer and comment.answer == "已补充讨论内容" and comment.answered_by == users["secretary"]
    assert AuditLog.objects.filter(object_type="orglife.reviewcomment", action="changed").get().changes == {
        "answer": [None, "已补充讨论内容"]}


def test_it_refuses_comments_from_the_branch_itself_and_empty_answers(activity, users, actor_for):
    with pytest.raises(PermissionDenied):
        services.add_review_comment(activity, actor=actor_for(users["secretary"]), kind="comment", text="自己评自己")
    comment = services.add_review_comment(activity, actor=actor_for(users["admin"]), kind="comment", text="很好")
    with pytest.raises(ValidationError) as e:
        services.answer_review_comment(comment, actor=actor_for(users["secretary"]), answer="  ")
    assert e.value.message_dict["answer"]


# --- Bookings --------------------------------------------------------------------------------

@pytest.fixture
def base(county, users):
    return Base.objects.create(
        name="县党员教育基地", organization=county["root"], address="人民路1号", capacity=40,
        opens_at=datetime.time(9, 0), closes_at=datetime.time(17, 0), open_days="12345", manager=users["admin"],
    )


def book(base, actor, branch, day=TODAY, start=(9, 0), end=(11, 0), people=30, purpose="主题党日"):
    return services.book_base(base, actor=actor, organization=branch, date=day, start_time=datetime.time(*start),
                              end_time=datetime.time(*end), expected_count=people, purpose=purpose)


def test_it_books_a_base_with_one_audit_row(base, county, users, actor_for):
    b = book(base, actor_for(users["secretary"]), county["village_branch"])
    assert b.status == "pending" and b.created_by == users["secretary"]
    log = AuditLog.objects.get(object_type="orglife.booking")
    assert log.changes["time"] == [None, "09:00-11:00"] and log.actor == users["secretary"]


@pytest.mark.parametrize("kwargs,field,message", [
    ({"start": (8, 30), "end": (10, 0)}, "start_time", "超出“县党员教育基地”开放时间09:00-17:00"),
    ({"start": (16, 0), "end": (17, 30)}, "start_time", "超出"),
    ({"people": 41}, "expected_count", "超过“县党员教育基地”可容纳人数40人"),
    ({"day": TODAY + datetime.timedelta(days=5)}, "date", "开放日为周一、周二、周三、周四、周五"),
    ({"day": TODAY - datetime.timedelta(days=1)}, "date", "不能预约已过去的日期"),
    ({"start": (11, 0), "end": (10, 0)}, "end_time", "必须晚于开始时间"),
])
def test_it_refuses_bookings_outside_hours_over_capacity_or_on_closed_days(base, county, users, actor_for, kwargs, field, message):
    with pytest.raises(ValidationError) as e:
        book(base, actor_for(users["secretary"]), county["village_branch"], **kwargs)
    assert message in " ".join(e.value.message_dict[field])
    assert not Booking.objects.exists()


def test_it_accepts_a_booking_exactly_at_opening_hours_and_capacity(base, county, users, actor_for):
    b = book(base, actor_for(users["secretary"]), county["village_branch"], start=(9, 0), end=(17, 0), people=40)
    assert b.pk


def test_it_refuses_an_overlapping_booking_but_allows_adjacent_ones(base, county, users, actor_for):
    actor = actor_for(users["secretary"])
    book(base, actor, county["village_branch"], start=(9, 0), end=(11, 0))
    with pytest.raises(ValidationError) as e:
        book(base, actor_for(users["organiser"]), county["firm_branch"], start=(10, 30), end=(12, 0))
    assert "该时段已被预约：中共一村支部委员会" in e.value.message_dict["start_time"][0]
    adjacent = book(base, actor_for(users["organiser"]), county["firm_branch"], start=(11, 0), end=(12, 0))
    assert adjacent.pk and Booking.objects.count() == 2


def test_it_frees_the_slot_when_a_booking_is_declined_or_cancelled(base, county, users, actor_for):
    first = book(base, actor_for(users["secretary"]), county["village_branch"])
    services.decide_booking(first, actor=actor_for(users["admin"]), approve=False, note="当天有上级检查")
    second = book(base, actor_for(users["secretary"]), county["village_branch"])
    services.cancel_booking(second, actor=actor_for(users["secretary"]), reason="改期")
    third = book(base, actor_for(users["organiser"]), county["firm_branch"])
    assert [b.status for b in Booking.objects.order_by("id")] == ["declined", "cancelled", "pending"]
    assert third.pk


def test_it_lets_only_the_base_side_decide(base, county, users, actor_for):
    b = book(base, actor_for(users["secretary"]), county["village_branch"])
    with pytest.raises(PermissionDenied):
        services.decide_booking(b, actor=actor_for(users["secretary"]), approve=True)
    with pytest.raises(ValidationError) as e:
        services.decide_booking(b, actor=actor_for(users["admin"]), approve=False)
    assert e.value.message_dict["decision_note"] == ["不同意预约时请说明理由"]
    services.decide_booking(b, actor=actor_for(users["admin"]), approve=True)
    b.refresh_from_db()
    assert b.status == "approved" and b.decided_by == users["admin"]
    assert AuditLog.objects.filter(object_type="orglife.booking", action="changed").get().changes["status"] == ["待审核", "已同意"]


def test_it_ends_a_held_booking_in_a_visit_record_linked_to_the_activity(base, county, users, actor_for, freeze_today):
    b = book(base, actor_for(users["secretary"]), county["village_branch"], day=TODAY + datetime.timedelta(days=1))
    services.decide_booking(b, actor=actor_for(users["admin"]), approve=True)
    with pytest.raises(ValidationError) as e:
        services.complete_booking(b, actor=actor_for(users["secretary"]), visitors=25)
    assert "未到" in e.value.message_dict["__all__"][0]
    freeze_today(TODAY + datetime.timedelta(days=1))
    activity = Activity.objects.create(
        organization=county["village_branch"], activity_type=T.THEME_DAY, date=b.date, start_time=b.start_time,
        end_time=b.end_time, base=base, host="书记", topic="参观学习", recorded_on=b.date)
    with pytest.raises(ValidationError):
        services.complete_booking(b, actor=actor_for(users["secretary"]), visitors=41, activity=activity)
    services.complete_booking(b, actor=actor_for(users["secretary"]), visitors=25, activity=activity)
    b.refresh_from_db()
    assert (b.status, b.visitors, b.activity) == ("held", 25, activity)


@pytest.mark.django_db(transaction=True)
def test_it_gives_exactly_one_booking_to_twenty_simultaneous_requests(county, users):
    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL；SQLite 以 IMMEDIATE 事务串行化写入，不存在并发写入")
    base = Base.objects.create(name="并发测试基地", organization=county["root"], address="某路", capacity=50,
                               opens_at=datetime.time(8, 0), closes_at=datetime.time(18, 0), open_days="1234567")
    branch = county["village_branch"]
    day = datetime.date.today() + datetime.timedelta(days=3)
    barrier = threading.Barrier(20)
    outcomes = []
    lock = threading.Lock()

    def request(i):
        try:
            barrier.wait()
            services.book_base(base, actor=Actor.command(), organization=branch, date=day,
                               start_time=datetime.time(9, 0), end_time=datetime.time(10, 0), expected_count=10,
                               purpose=f"请求{i}")
            result = "booked"
        except ValidationError:
            result = "refused"
        except Exception as exc:  # noqa: BLE001 - reported through the assertion below
            result = repr(exc)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=request, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["booked"] + ["refused"] * 19
    assert Booking.objects.filter(base=base).count() == 1
