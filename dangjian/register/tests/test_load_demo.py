"""manage.py load_demo: the 演示县 is complete, lawful, clearly labelled, and its logins work."""
import io
import types
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from dangjian.core import demo as core_demo
from dangjian.core.demo import DEMO_PASSWORD, DEMO_ROOT_ORG_NAME
from dangjian.core.models import AuditLog

MEMBERS = 300


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    core_demo.forget_demo_loaded()
    yield
    core_demo.forget_demo_loaded()


def load(**options):
    out, err = io.StringIO(), io.StringIO()
    call_command("load_demo", members=MEMBERS, stdout=out, stderr=err, **options)
    return out.getvalue()


@pytest.fixture
def register_only(monkeypatch):
    """The register's part of the demo alone: other apps' demo data is tested in their apps."""
    from dangjian.register.management.commands import load_demo as command

    monkeypatch.setattr(command, "app_modules", lambda name: [])


@pytest.fixture
def demo(db, register_only):
    return load()


def branch_counts(today):
    from dangjian.register.models import Member

    total, full = Counter(), Counter()
    for org_id, full_on in Member.objects.in_good_standing().values_list("organization_id", "full_on"):
        total[org_id] += 1
        if full_on is not None and full_on <= today:
            full[org_id] += 1
    return total, full


def test_it_creates_every_kind_of_division_and_organisation(demo):
    from dangjian.register import rules
    from dangjian.register.models import Division, Member, Organization
    from dangjian.register.vocab import DivisionCategory, OrgType, UnitType

    categories = set(Division.objects.values_list("category", flat=True))
    assert categories == {"县", "乡", "镇", "街道", "村", "城市社区", "村改居社区"}
    assert set(Organization.objects.values_list("org_type", flat=True)) == set(OrgType.values)
    assert set(Organization.objects.values_list("unit_type", flat=True)) >= {
        UnitType.AGENCY, UnitType.INSTITUTION, UnitType.STATE_ENTERPRISE, UnitType.PRIVATE_ENTERPRISE,
        UnitType.SOCIAL_ORGANIZATION, UnitType.TOWNSHIP, UnitType.SUBDISTRICT, UnitType.VILLAGE, UnitType.COMMUNITY,
    }
    # 机关党委: a 党委 of a county agency; 两新 branches; 联合党支部.
    assert Organization.objects.filter(org_type=OrgType.COMMITTEE, unit_type=UnitType.AGENCY).exists()
    assert Organization.objects.filter(org_type=OrgType.JOINT_BRANCH).exists()
    assert Division.objects.filter(category=DivisionCategory.COUNTY).count() == 1
    # The tree is consistent: every parent allowed, every path its parent's plus one step.
    for org in Organization.objects.select_related("parent"):
        assert rules.check_org_parent(org.org_type, org.parent.org_type if org.parent else None) == []
        if org.parent:
            assert org.path[:-4] == org.parent.path and org.depth == org.parent.depth + 1
    for div in Division.objects.select_related("parent"):
        if div.parent:
            assert div.path[:-4] == div.parent.path and div.depth == div.parent.depth + 1
    root = Organization.objects.get(name=DEMO_ROOT_ORG_NAME)
    assert Organization.objects.subtree(root).count() == Organization.objects.count()
    assert Member.objects.count() == MEMBERS
    # Members sit in branches only, and every branch has some.
    branch_ids = set(Organization.objects.filter(org_type__in=["党支部", "联合党支部"]).values_list("pk", flat=True))
    assert set(Member.objects.values_list("organization_id", flat=True)) == branch_ids


def test_it_makes_members_that_pass_the_register_rules(demo):
    from dangjian.register import rules
    from dangjian.register.models import Member

    today = timezone.localdate()
    members = list(Member.objects.all())
    for m in members:
        assert rules.check_id_number(m.id_number, m.birth_date, m.sex) == [], m.name
        assert rules.check_joining_age(m.birth_date, m.joined_on) == [], m.name
        assert rules.check_probation(m.joined_on, m.full_on) == [], m.name
        assert m.joined_on <= today and (m.full_on is None or m.full_on <= today)
        assert rules.check_mobile(m.phone) == []
        if m.full_on is None:  # probationary: joined within the last two years
            assert m.joined_on > rules.add_years(today, -2), m.name
    assert len({m.id_number for m in members}) == len(members)
    probationary = [m for m in members if m.full_on is None]
    assert 0 < len(probationary) < len(members) * 0.2
    # Mostly a full year of probation.
    one_year = sum(1 for m in members if m.full_on == rules.add_years(m.joined_on, 1))
    assert one_year > len(members) * 0.7
    sexes = Counter(m.sex for m in members)
    assert sexes["男"] > sexes["女"] > 0
    ethnic = Counter(m.ethnicity for m in members)
    assert ethnic["汉族"] > len(members) * 0.8 and len(ethnic) > 1
    assert any(m.status == "停止党籍" for m in members)
    assert any(m.is_floating for m in members)
    assert sum(1 for m in members if m.phone) > len(members) * 0.7
    ages = [rules.age_on(m.birth_date, today) for m in members]
    assert min(ages) < 31 and max(ages) > 60
    assert len({m.education for m in members}) >= 5 and len({m.occupation for m in members}) >= 5


def test_it_includes_the_setup_warnings_a_county_meets(demo):
    from dangjian.register import rules
    from dangjian.register.models import Organization

    today = timezone.localdate()
    total, full = branch_counts(today)
    warnings = []
    for org in Organization.objects.all():
        warnings += rules.setup_warnings(org, full_members=full[org.pk], total_members=total[org.pk], today=today)
    assert any("不足3名" in w for w in warnings)
    assert any("超过50名" in w for w in warnings)
    assert any("已于" in w and "届满" in w for w in warnings)
    assert any("将于" in w and "届满" in w for w in warnings)


def test_it_labels_everything_as_demo_data(demo):
    from dangjian.register.models import Division, Member, Organization

    assert all("演示" in name for name in Division.objects.values_list("name", flat=True))
    assert all("演示" in name for name in Organization.objects.values_list("name", flat=True))
    assert all(m.id_number.startswith(core_demo.DEMO_ID_REGION) for m in Member.objects.all())


def test_it_writes_one_audit_row_for_the_whole_county(demo):
    from dangjian.register.models import Organization

    row = AuditLog.objects.get()
    assert row.action == AuditLog.Action.IMPORTED
    assert row.note == "生成演示数据"
    assert row.via == "command" and row.actor is None
    assert row.object_id == str(Organization.objects.get(name=DEMO_ROOT_ORG_NAME).pk)
    assert row.changes["members"] == [0, MEMBERS]


def test_it_creates_a_working_login_for_each_role(demo, client):
    from dangjian.accounts.models import User
    from dangjian.register.vocab import OrgType

    users = {u.username: u for u in User.objects.select_related("organization", "member")}
    assert set(users) == {"demo_admin", "demo_organiser", "demo_street", "demo_secretary", "demo_member"}
    assert {u.role for u in users.values()} == {"county_admin", "organiser", "secretary", "member"}
    assert users["demo_admin"].organization.name == DEMO_ROOT_ORG_NAME
    assert users["demo_organiser"].organization.org_type == OrgType.COMMITTEE
    assert users["demo_street"].organization.org_type == OrgType.WORKING_COMMITTEE
    branch = users["demo_secretary"].organization
    assert branch.org_type == OrgType.BRANCH and branch.unit_type == "村"
    assert branch.is_descendant_of(users["demo_organiser"].organization)
    assert users["demo_secretary"].member.organization == branch
    assert branch.secretary_name == users["demo_secretary"].member.name
    assert users["demo_member"].organization == branch and users["demo_member"].member.organization == branch
    assert users["demo_member"].member != users["demo_secretary"].member
    for username in users:
        assert client.login(username=username, password=DEMO_PASSWORD), username
        page = client.get("/")
        assert page.status_code == 200
        assert "演示数据" in page.content.decode()
        client.logout()
    assert not client.login(username="demo_admin", password="wrong-password")


def test_it_prints_the_demo_logins(db, register_only):
    out = load()
    for text in ("demo_admin", "demo_organiser", "demo_secretary", "demo_member", DEMO_PASSWORD,
                 "县委组织部管理员", "党支部书记", DEMO_ROOT_ORG_NAME):
        assert text in out


def test_it_does_nothing_the_second_time_with_if_empty(demo):
    from dangjian.register.models import Member, Organization

    counts = (Organization.objects.count(), Member.objects.count(), AuditLog.objects.count())
    out = load(if_empty=True)
    assert "未载入演示数据" in out
    assert (Organization.objects.count(), Member.objects.count(), AuditLog.objects.count()) == counts
    with pytest.raises(CommandError, match="演示县已存在"):
        load()


def test_it_leaves_a_database_with_a_county_alone_with_if_empty(county, register_only):
    from dangjian.register.models import Organization

    out = load(if_empty=True)
    assert "未载入演示数据" in out
    assert not Organization.objects.filter(name=DEMO_ROOT_ORG_NAME).exists()


def test_it_loads_into_an_empty_database_with_if_empty(db, register_only):
    from dangjian.register.models import Organization

    load(if_empty=True)
    assert Organization.objects.filter(name=DEMO_ROOT_ORG_NAME).exists()


def test_it_shows_the_demo_badge_only_with_the_demo_county(users, client_for, register_only):
    page = client_for(users["admin"]).get("/")
    assert "演示数据" not in page.content.decode()
    load()
    core_demo.forget_demo_loaded()
    page = client_for(users["admin"]).get("/")
    assert "演示数据" in page.content.decode()


def test_it_refuses_a_county_too_small_for_its_branches(db):
    from dangjian.register.models import Organization

    with pytest.raises(CommandError, match="党员人数太少"):
        call_command("load_demo", members=20, stdout=io.StringIO())
    assert not Organization.objects.exists()


def test_it_hands_every_app_the_context_and_reports_a_failing_app(db, monkeypatch):
    from dangjian.register.management.commands import load_demo as command

    seen = {}

    def ok_populate(ctx):
        seen["ctx"] = ctx

    def bad_populate(ctx):
        raise RuntimeError("坏了")

    fakes = [
        types.SimpleNamespace(__name__="dangjian.fakebad.demo", populate=bad_populate),
        types.SimpleNamespace(__name__="dangjian.fakeok.demo", populate=ok_populate),
        types.SimpleNamespace(__name__="dangjian.core.demo"),  # helpers only: no populate
        types.SimpleNamespace(__name__="dangjian.register.demo", populate=bad_populate),  # called first, not here
    ]
    monkeypatch.setattr(command, "app_modules", lambda name: fakes)
    err = io.StringIO()
    with pytest.raises(CommandError, match="fakebad"):
        call_command("load_demo", members=MEMBERS, stdout=io.StringIO(), stderr=err)
    assert "坏了" in err.getvalue()
    ctx = seen["ctx"]
    assert ctx.root.name == DEMO_ROOT_ORG_NAME
    assert ctx.today == timezone.localdate()
    for key in ("users", "password", "people", "root_division", "township_committees", "branches", "organiser_org",
                "street_org", "secretary_branch", "secretary_member", "member_record", "big_branch", "small_branch",
                "member_count", "seed"):
        assert key in ctx.extra, key
    assert ctx.extra["secretary_branch"] in ctx.extra["branches"]
    person = ctx.extra["people"].person(18, 30)
    from dangjian.register import rules
    from dangjian.register.models import Member

    assert rules.check_id_number(person.id_number, person.birth_date, person.sex) == []
    assert not Member.objects.with_id_number(person.id_number).exists()


def test_it_runs_every_apps_demo_module_without_error(db):
    """The whole demo as ``make run`` loads it: every app's ``populate`` on top of the register's part."""
    from dangjian.register.models import Member

    out = load()
    assert "演示账号" in out
    assert Member.objects.count() >= MEMBERS
    assert AuditLog.objects.filter(note="生成演示数据").count() == 1
    # Issue 14: every member marked 流动党员 has an open 外出 record (the page, list and statistics agree),
    # and no demo record lies in the future.
    from dangjian.transfers.models import FloatingContact, FloatingRecord
    from dangjian.transfers.services import flagged_without_record

    assert Member.objects.filter(is_floating=True).exists()
    assert not flagged_without_record(Member.objects.filter(status="正常")).exists()
    assert not FloatingRecord.objects.filter(ended_on__isnull=True, member__is_floating=False).exists()
    import datetime

    today = datetime.date.today()
    assert not FloatingRecord.objects.filter(since__gt=today).exists()
    assert not FloatingContact.objects.filter(on__gt=today).exists()
    # Issue 13: the demo county's work report for the demo year has no blank figure.
    from dangjian.register.models import Organization
    from dangjian.reports.report import compute_report

    report = compute_report(Organization.objects.get(name=DEMO_ROOT_ORG_NAME), datetime.date(today.year, 1, 1), today)
    assert report.missing == []
