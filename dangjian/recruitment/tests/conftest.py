import datetime

import pytest

from dangjian.conftest import make_id_number
from dangjian.core.actor import Actor
from dangjian.recruitment import services
from dangjian.recruitment.plan import plan_dates

APPLIED = datetime.date(2023, 3, 1)


@pytest.fixture
def elders(county, make_member):
    """Three full members of 一村支部, to be contacts and introducers."""
    return [make_member(county["village_branch"], name=n, joined=datetime.date(2000, 7, 1), full=datetime.date(2001, 7, 1))
            for n in ("赵老党员", "钱老党员", "孙老党员")]


def applicant(county, **over):
    birth = over.pop("birth_date", datetime.date(1995, 8, 8))
    sex = over.pop("sex", "女")
    data = dict(name="张申请", sex=sex, ethnicity="汉族", id_number=make_id_number(birth, sex, 501, region="419902"),
                birth_date=birth, education="大学本科", occupation="专业技术人员", unit="一村村委会",
                organization=county["village_branch"], applied_on=APPLIED)
    data.update(over)
    return data


def step_kwargs(step, county, elders):
    """What the form would carry for each step, valid by the rules."""
    if step == 5:
        return {"contacts": elders[:2]}
    if step == 9:
        return {"introducers": elders[:2]}
    if step == 11:
        return {"training_days": 3}
    if step == 12:
        return dict(votes_entitled=5, votes_present=5, votes_for=5, votes_against=0, votes_abstain=0)
    if step in (15, 23):
        return dict(votes_entitled=10, votes_present=8, votes_for=8, votes_against=0, votes_abstain=0)
    if step in (17, 24):
        return {"committee": county["town_committee"]}
    if step == 2:
        return {"talker": "王书记"}
    return {}


@pytest.fixture
def advance(county, elders):
    """advance(r, upto, actor=None, plan=None): record every step after r.last_step up to ``upto``."""

    def run(r, upto, actor=None, plan=None):
        actor = actor or Actor.command()
        plan = plan or plan_dates(r.applied_on)
        r.refresh_from_db()
        for step in range(r.last_step + 1, upto + 1):
            for kind, day, end in plan.events_before(step):
                services.record_event(r, actor=actor, kind=kind, date=day, end_on=end)
            services.record_step(r, actor=actor, step=step, date=plan.steps[step], **step_kwargs(step, county, elders))
        r.refresh_from_db()
        return r

    return run


@pytest.fixture
def new_recruitment(county):
    def make(**over):
        return services.register_application(actor=Actor.command(), **applicant(county, **over))

    return make
