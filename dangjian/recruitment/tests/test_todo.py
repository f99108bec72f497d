import datetime


from dangjian.core.actor import Actor
from dangjian.recruitment import reminders, services, todo
from dangjian.recruitment.models import Recruitment

D = datetime.date


def kinds(items, name=None):
    return {i.kind for i in items if name is None or i.name == name}


def test_an_applicant_not_yet_talked_to_shows_the_days_left_and_goes_overdue(new_recruitment):
    new_recruitment(applied_on=D(2025, 1, 10))
    [item] = todo.todo_items(Recruitment.objects.all(), D(2025, 2, 10))
    assert item.kind == "talk" and item.days_left == 0 and not item.overdue
    [item] = todo.todo_items(Recruitment.objects.all(), D(2025, 2, 11))
    assert item.overdue and item.overdue_days == 1


def test_activists_show_their_review_and_when_they_may_become_targets(new_recruitment, advance):
    advance(new_recruitment(), 5)  # ③ 2023-03-28, no review yet: due 2023-09-28
    assert kinds(todo.todo_items(Recruitment.objects.all(), D(2023, 8, 28))) == set()
    assert kinds(todo.todo_items(Recruitment.objects.all(), D(2023, 8, 29))) == {"review"}
    items = todo.todo_items(Recruitment.objects.all(), D(2024, 3, 28))
    assert "target_ready" in kinds(items) and next(i for i in items if i.kind == "review").overdue
    assert "target_ready" not in kinds(todo.todo_items(Recruitment.objects.all(), D(2024, 3, 27)))


def test_approval_waiting_and_probation_ending(new_recruitment, advance):
    r = advance(new_recruitment(), 15)  # ⑮ 2024-04-27
    items = todo.todo_items(Recruitment.objects.all(), D(2024, 7, 27))
    approval = next(i for i in items if i.kind == "approval")
    assert not approval.overdue and "已等待91天" in approval.text
    assert next(i for i in todo.todo_items(Recruitment.objects.all(), D(2024, 7, 28)) if i.kind == "approval").overdue
    advance(r, 20)
    assert "probation" not in kinds(todo.todo_items(Recruitment.objects.all(), D(2025, 3, 27)))
    assert "probation" in kinds(todo.todo_items(Recruitment.objects.all(), D(2025, 3, 28)))


def test_political_review_and_publicity_items(new_recruitment, advance):
    r = advance(new_recruitment(), 10)  # ⑩ 2024-04-08: valid to 2025-04-07
    assert "political_review" not in kinds(todo.todo_items(Recruitment.objects.all(), D(2025, 3, 7)))
    assert "political_review" in kinds(todo.todo_items(Recruitment.objects.all(), D(2025, 3, 8)))
    advance(r, 11)
    services.record_event(r, actor=Actor.command(), kind="publicity", date=D(2024, 9, 27))  # to 2024-10-09
    assert "publicity" not in kinds(todo.todo_items(Recruitment.objects.all(), D(2024, 10, 5)))
    assert "publicity" in kinds(todo.todo_items(Recruitment.objects.all(), D(2024, 10, 6)))


def test_overdue_items_come_first(new_recruitment, county):
    from dangjian.conftest import make_id_number

    new_recruitment(applied_on=D(2025, 1, 20))
    birth = D(1992, 2, 2)
    new_recruitment(name="早申请", applied_on=D(2025, 1, 1), birth_date=birth, sex="男",
                    id_number=make_id_number(birth, "男", 3, region="419908"))
    items = todo.todo_items(Recruitment.objects.all(), D(2025, 2, 5))
    assert [i.name for i in items] == ["早申请", "张申请"] and items[0].overdue and not items[1].overdue


def test_the_daily_digest_goes_to_the_secretary_and_organiser_in_scope(new_recruitment, users):
    new_recruitment(applied_on=D(2025, 1, 10))
    got = list(reminders.daily_reminders(D(2025, 2, 1)))
    assert {r.user_id for r in got} == {users["secretary"].pk, users["organiser"].pk}
    assert all(r.kind == "recruitment_due" and "张申请" in r.items[0]["text"] for r in got)
    assert len({r.key for r in got}) == 2


def test_each_digest_item_links_to_its_candidate_and_changes_key_when_overdue(new_recruitment, users):
    """Issue 14: digest items link to their record; an item is keyed by its state, so it is sent again only
    when that changes (the notifications job drops keys the previous digest already carried)."""
    r = new_recruitment(applied_on=D(2025, 1, 10))
    before = [x for x in reminders.daily_reminders(D(2025, 2, 1)) if x.user_id == users["secretary"].pk][0]
    again = [x for x in reminders.daily_reminders(D(2025, 2, 2)) if x.user_id == users["secretary"].pk][0]
    later = [x for x in reminders.daily_reminders(D(2025, 3, 1)) if x.user_id == users["secretary"].pk][0]
    assert before.items[0]["url"] == f"/recruitment/{r.pk}/" or before.items[0]["url"].endswith(f"/{r.pk}/")
    assert before.items[0]["key"] == again.items[0]["key"]
    assert later.items[0]["key"] != before.items[0]["key"] and later.items[0]["text"].startswith("【逾期】")


def test_the_todo_of_a_user_is_scoped(new_recruitment, users):
    new_recruitment(applied_on=D(2025, 1, 10))
    assert todo.todo_for_user(users["secretary"], D(2025, 2, 1))
    assert todo.todo_for_user(users["outsider"], D(2025, 2, 1)) == []
    assert todo.todo_for_user(users["member"], D(2025, 2, 1)) == []
