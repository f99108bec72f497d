"""Shared fixtures: a small county with two townships, and the five users of the house style —
a county admin, a township organiser, a branch secretary, a member, and a user of another township.
"""
import datetime

import pytest

from dangjian.core.actor import Actor


def make_id_number(birth: datetime.date, sex: str, serial: int = 1, region: str = "419901") -> str:
    """A valid GB 11643 number for the given birth date and sex."""
    from dangjian.register.rules import gb11643_check_char

    seq = serial * 2 + (1 if sex == "男" else 0)
    body = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return body + gb11643_check_char(body)


@pytest.fixture(autouse=True)
def _test_environment(settings, tmp_path):
    """Every test: a fast password hasher (the users fixture hashes five passwords), uploads under
    a temporary MEDIA_ROOT (nothing left in var/media), and an empty cache, since cached rule
    settings would otherwise outlive the rolled-back test that changed them."""
    from django.core.cache import cache

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # Background jobs run at once, in the test's thread (the worker tests start real workers).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.DANGJIAN_JOBS_DIR = tmp_path / "jobs"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def system_actor():
    return Actor.command()


@pytest.fixture
def county(db):
    """县 → 甲镇(村1) / 乙街道(社区1); 县委 → 甲镇党委 → 村1党支部, 甲镇党委 → 企业党支部; 乙街道党工委 → 社区党支部."""
    from dangjian.register.models import Division, Organization

    def div(name, category, parent):
        d = Division(name=name, category=category)
        d.assign_path(parent)
        d.save()
        return d

    def org(name, org_type, unit_type, division, parent):
        o = Organization(name=name, org_type=org_type, unit_type=unit_type, division=division)
        o.assign_path(parent)
        o.save()
        return o

    root_div = div("测试县", "县", None)
    town = div("甲镇", "镇", root_div)
    village = div("一村", "村", town)
    street = div("乙街道", "街道", root_div)
    community = div("幸福社区", "城市社区", street)
    root = org("中共测试县委员会", "县委", "机关", root_div, None)
    town_committee = org("中共甲镇委员会", "党委", "乡镇", town, root)
    village_branch = org("中共一村支部委员会", "党支部", "村", village, town_committee)
    firm_branch = org("甲镇某公司党支部", "党支部", "非公有制企业", town, town_committee)
    street_committee = org("中共乙街道工作委员会", "党工委", "街道", street, root)
    community_branch = org("中共幸福社区支部委员会", "党支部", "社区", community, street_committee)
    return {
        "root_div": root_div, "town": town, "village": village, "street": street, "community": community,
        "root": root, "town_committee": town_committee, "village_branch": village_branch,
        "firm_branch": firm_branch, "street_committee": street_committee, "community_branch": community_branch,
    }


@pytest.fixture
def make_member(db):
    from dangjian.register.models import Member

    counter = {"n": 0}

    def make(org, name=None, sex="男", birth=datetime.date(1980, 5, 6), joined=datetime.date(2005, 7, 1),
             full=datetime.date(2006, 7, 1), **extra):
        counter["n"] += 1
        m = Member(
            name=name or f"党员{counter['n']}", sex=sex, ethnicity=extra.pop("ethnicity", "汉族"), birth_date=birth,
            education=extra.pop("education", "大学本科"), occupation=extra.pop("occupation", "工人"),
            organization=org, joined_on=joined, full_on=full, **extra,
        )
        m.id_number = make_id_number(birth, sex, counter["n"])
        m.phone = f"1380000{counter['n']:04d}"
        m.save()
        return m

    return make


@pytest.fixture
def users(db, county, make_member):
    from dangjian.accounts.models import User

    def user(username, role, org, member=None):
        u = User.objects.create_user(username=username, password="测试密码123", role=role, organization=org,
                                     member=member, last_name=username)
        return u

    member = make_member(county["village_branch"], name="李党员")
    return {
        "admin": user("admin", "county_admin", county["root"]),
        "organiser": user("organiser", "organiser", county["town_committee"]),
        "secretary": user("secretary", "secretary", county["village_branch"]),
        "member": user("member", "member", county["village_branch"], member=member),
        "outsider": user("outsider", "organiser", county["street_committee"]),
        "member_record": member,
    }


@pytest.fixture
def client_for(client):
    """client_for(user) logs the test client in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def actor_for():
    """actor_for(user): the Actor of a web request by that user."""

    def make(user):
        return Actor(user=user, ip_address="127.0.0.1")

    return make


@pytest.fixture
def firm_secretary(db, county):
    """The secretary of 甲镇某公司党支部 (a second branch in the organiser's township)."""
    from dangjian.accounts.models import User

    return User.objects.create_user(username="firm_secretary", password="测试密码123", role="secretary",
                                    organization=county["firm_branch"], last_name="企业书记")


@pytest.fixture
def community_secretary(db, county):
    """The secretary of 幸福社区 (乙街道, outside the organiser's township)."""
    from dangjian.accounts.models import User

    return User.objects.create_user(username="community_secretary", password="测试密码123", role="secretary",
                                    organization=county["community_branch"], last_name="社区书记")
