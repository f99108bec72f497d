"""Issue 14: accounts follow the post. A secretary's account keeps the branch's scope while its holder
serves as 书记 (a post ending on D serves up to the day before D), loses it on the day the post ends, and a
member appointed 书记 gets the branch's scope at once; daily command and immediate reconcile, audited."""
import datetime
import io

import pytest
from django.core.management import call_command

from dangjian.accounts.models import User
from dangjian.accounts.posts import reconcile_post_accounts
from dangjian.cadres import services as cadre_services
from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog

D = datetime.date
SYSTEM = Actor.command()


def account_rows(user):
    return AuditLog.objects.filter(object_type="accounts.user", object_id=str(user.pk))


@pytest.fixture
def holder(county, make_member):
    """A member of the village branch who is its 书记 from 2024-01-01 to the day before 2026-03-01, with a
    secretary account."""
    member = make_member(county["village_branch"], name="张书记")
    cadre_services.create_cadre(actor=SYSTEM, organization=county["village_branch"], name="张书记", post="书记",
                                started_on=D(2024, 1, 1), ended_on=D(2026, 3, 1), id_number=member.id_number)
    user = User.objects.create_user(username="zhang", password="测试密码123", role="secretary",
                                    organization=county["village_branch"], member=member, last_name="张书记")
    return user


def test_the_post_ends_tomorrow_the_scope_stays_today(holder):
    result = reconcile_post_accounts(actor=SYSTEM, day=D(2026, 2, 28))
    assert result.changed == 0
    holder.refresh_from_db()
    assert holder.role == "secretary" and holder.organization.name == "中共一村支部委员会"
    assert not account_rows(holder).exists()


def test_the_post_ends_today_the_scope_goes_today_once(holder, county):
    result = reconcile_post_accounts(actor=SYSTEM, day=D(2026, 3, 1))
    assert [(u.username, org) for u, org in result.lost] == [("zhang", "中共一村支部委员会")]
    holder.refresh_from_db()
    # The member's own account remains: their own branch, a member's role (no management scope).
    assert holder.role == "member" and holder.is_active
    assert User.objects.filter(pk=holder.pk, role="secretary").count() == 0
    [row] = account_rows(holder)
    assert row.actor_name == "命令行" and "不再担任中共一村支部委员会书记" in row.note
    assert row.changes["role"] == ["党支部书记", "党员"]
    # Idempotent: the next day's run changes nothing and writes nothing.
    assert reconcile_post_accounts(actor=SYSTEM, day=D(2026, 3, 2)).changed == 0
    assert account_rows(holder).count() == 1


def test_a_secretary_account_without_a_member_is_suspended_when_replaced(county):
    cadre_services.create_cadre(actor=SYSTEM, organization=county["firm_branch"], name="旧书记", post="书记",
                                started_on=D(2020, 1, 1), ended_on=D(2025, 6, 1))
    cadre_services.create_cadre(actor=SYSTEM, organization=county["firm_branch"], name="新书记", post="书记",
                                started_on=D(2025, 6, 1))
    old = User.objects.create_user(username="old", password="测试密码123", role="secretary",
                                   organization=county["firm_branch"], last_name="旧书记")
    assert reconcile_post_accounts(actor=SYSTEM, day=D(2025, 5, 31)).changed == 0
    new = User.objects.create_user(username="new", password="测试密码123", role="secretary",
                                   organization=county["firm_branch"], last_name="新书记")
    result = reconcile_post_accounts(actor=SYSTEM, day=D(2025, 6, 1))
    assert [u.username for u, _ in result.lost] == ["old"]
    old.refresh_from_db()
    new.refresh_from_db()
    assert not old.is_active and new.is_active and new.role == "secretary"


def test_a_vacancy_after_someone_elses_term_keeps_the_account(users, county):
    """Only history of another person and nobody serving: nothing says this secretary's post ended."""
    cadre_services.create_cadre(actor=SYSTEM, organization=county["village_branch"], name="前任", post="书记",
                                started_on=D(2015, 1, 1), ended_on=D(2020, 1, 1))
    assert reconcile_post_accounts(actor=SYSTEM, day=D(2026, 3, 1)).changed == 0
    users["secretary"].refresh_from_db()
    assert users["secretary"].role == "secretary"


def test_an_organisation_without_post_records_keeps_its_accounts(users):
    # users["secretary"] is the village branch's secretary; no cadre record names anyone there.
    assert reconcile_post_accounts(actor=SYSTEM, day=D(2026, 3, 1)).changed == 0
    users["secretary"].refresh_from_db()
    assert users["secretary"].role == "secretary"


def test_the_cadres_service_moves_the_accounts_at_once(county, make_member, users, monkeypatch,
                                                       django_capture_on_commit_callbacks):
    from dangjian.accounts import posts

    day = D(2026, 5, 10)
    monkeypatch.setattr(posts, "today", lambda: day)
    monkeypatch.setattr(cadre_services, "today", lambda: day)
    newcomer = make_member(county["firm_branch"], name="赵新任")
    account = User.objects.create_user(username="zhao", password="测试密码123", role="member",
                                       organization=county["firm_branch"], member=newcomer, last_name="赵新任")
    with django_capture_on_commit_callbacks(execute=True):
        cadre = cadre_services.create_cadre(actor=SYSTEM, organization=county["firm_branch"], name="赵新任",
                                            post="书记", started_on=day, id_number=newcomer.id_number)
    account.refresh_from_db()
    assert (account.role, account.organization_id) == ("secretary", county["firm_branch"].pk)
    assert "起担任甲镇某公司党支部书记" in account_rows(account).get().note
    # Not another organisation's accounts: the village branch's secretary (no records there) is untouched.
    users["secretary"].refresh_from_db()
    assert users["secretary"].role == "secretary"
    # A week later the post ends that day: the scope goes at once.
    later = day + datetime.timedelta(days=7)
    monkeypatch.setattr(posts, "today", lambda: later)
    monkeypatch.setattr(cadre_services, "today", lambda: later)
    with django_capture_on_commit_callbacks(execute=True):
        cadre_services.end_cadre(cadre, actor=SYSTEM, ended_on=later)
    account.refresh_from_db()
    assert account.role == "member" and account_rows(account).count() == 2


def test_the_daily_command(holder):
    out = io.StringIO()
    call_command("reconcile_post_accounts", date="2026-03-01", stdout=out)
    assert "不再担任中共一村支部委员会书记：张书记（zhang）" in out.getvalue()
    out = io.StringIO()
    call_command("reconcile_post_accounts", date="2026-03-01", stdout=out)
    assert "0个账号不再具有管理范围，0个账号取得管理范围" in out.getvalue()


def test_the_cadres_sheet_import_moves_the_accounts_after_its_commit(holder, county, monkeypatch,
                                                                     django_capture_on_commit_callbacks):
    """The 干部 sheet ends 张书记's post on 2026-03-01 and names a successor: on that day the account follows."""
    from openpyxl import Workbook

    from dangjian.accounts import posts
    from dangjian.roster.engine import import_workbook

    monkeypatch.setattr(posts, "today", lambda: D(2026, 3, 1))
    wb = Workbook()
    ws = wb.active
    ws.title = "干部"
    ws.append(["姓名", "公民身份号码", "所在党组织", "职务", "任职日期", "离任日期"])
    ws.append(["张书记", holder.member.id_number, "中共一村支部委员会", "书记", D(2024, 1, 1), D(2026, 3, 1)])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    with django_capture_on_commit_callbacks(execute=True):
        result = import_workbook(buf, actor=SYSTEM)
    assert result.ok, result.faults
    holder.refresh_from_db()
    assert holder.role == "member"
