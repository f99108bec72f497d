"""Issue 8: the application form (services.check_person) and the 发展党员 sheet judge the applicant's
organisation by the one rule ``rules.applicant_organization``: same message, both sides of it."""
import datetime
import io

import pytest

from dangjian.conftest import make_id_number
from dangjian.core.actor import Actor
from dangjian.core.excel import write_workbook
from dangjian.recruitment import rules, services
from dangjian.recruitment.roster_sheets import RecruitmentSheet
from dangjian.recruitment.steps import STEPS
from dangjian.register.models import Organization
from dangjian.roster import engine

BIRTH = datetime.date(1996, 6, 6)


def _both_ways(org) -> tuple[list[str], list[str]]:
    person = dict(name="甲", sex="男", ethnicity="汉族", id_number=make_id_number(BIRTH, "男", 1, region="419906"),
                  birth_date=BIRTH, education="大学本科", occupation="工人", organization=org)
    by_service = services.check_person(person, on=datetime.date(2024, 1, 1)).get("organization", [])
    dates = {1: datetime.date(2023, 3, 1)}
    row = ["乙", "男", "汉族", make_id_number(BIRTH, "男", 2, region="419906"), BIRTH, "大学本科", "工人", org.name]
    content = write_workbook([("发展党员", RecruitmentSheet.titles(), [row + [dates.get(n) for n in STEPS]])],
                             text_columns={"发展党员": {3}})
    result = engine.import_workbook(io.BytesIO(content), actor=Actor.command(), dry_run=True)
    by_import = [f.message for f in result.faults if f.column == "所在党组织"]
    return by_service, by_import


def test_an_application_to_a_committee_is_refused_alike(county):
    by_service, by_import = _both_ways(county["town_committee"])
    assert by_service == by_import == ["“中共甲镇委员会”不是党支部：入党申请由党支部受理"]


def test_an_application_to_an_inactive_branch_is_refused_alike(county):
    Organization.objects.filter(pk=county["village_branch"].pk).update(is_active=False)
    by_service, by_import = _both_ways(Organization.objects.get(pk=county["village_branch"].pk))
    assert by_service == by_import == ["党组织“中共一村支部委员会”已停用"]


def test_an_application_to_a_working_branch_is_accepted_by_both(county):
    assert _both_ways(county["village_branch"]) == ([], [])


@pytest.mark.parametrize("org_key", ["town_committee", "village_branch"])
def test_changing_the_rule_changes_both_doors(county, monkeypatch, org_key):
    monkeypatch.setattr(rules, "applicant_organization", lambda name, org_type, active: [f"规则已改：{name}"])
    name = county[org_key].name
    assert _both_ways(county[org_key]) == ([f"规则已改：{name}"], [f"规则已改：{name}"])
