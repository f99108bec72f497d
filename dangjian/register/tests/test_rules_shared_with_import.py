"""Issue 8: the register's services and the roster import judge by the same ``register.rules``
functions. For each rule both doors give the same message for the same bad input, neither gives it
for the good input next to it, and a rule changed in ``rules.py`` changes both doors."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.actor import Actor
from dangjian.register import rules, services
from dangjian.register.models import Member, Organization
from dangjian.roster.engine import import_workbook
from dangjian.roster.tests.helpers import MEM, ORG, member, rows, xlsx

ACTOR = Actor.command()


def import_faults(sheets) -> list[str]:
    result = import_workbook(xlsx(sheets), actor=ACTOR)
    return [f.message for f in result.faults]


def service_errors(call) -> list[str]:
    try:
        call()
    except ValidationError as err:
        return [m for messages in err.message_dict.values() for m in messages]
    return []


def org_row(county, name, org_type, parent, unit="村", division="一村"):
    return [name, org_type, parent, unit, division, None, None, None]


# --- 上级党组织已停用 ----------------------------------------------------------------------------

def _new_branch_both_ways(county):
    parent = Organization.objects.get(pk=county["town_committee"].pk)
    by_service = service_errors(lambda: services.create_organization(
        actor=ACTOR, parent=parent, name="新设党支部", org_type="党支部", unit_type="村", division=county["village"]))
    by_import = import_faults({"党组织": [ORG, org_row(county, "又一新设党支部", "党支部", parent.name)]})
    return by_service, by_import


def test_an_inactive_parent_is_refused_with_one_message_by_both(county):
    Organization.objects.filter(pk=county["town_committee"].pk).update(is_active=False)
    expected = rules.check_parent_organization_active("中共甲镇委员会", False)
    assert expected == ["上级党组织“中共甲镇委员会”已停用"]
    by_service, by_import = _new_branch_both_ways(county)
    assert by_service == expected
    assert by_import == expected


def test_an_active_parent_is_accepted_by_both(county):
    by_service, by_import = _new_branch_both_ways(county)
    assert by_service == [] and by_import == []
    assert Organization.objects.filter(name__in=["新设党支部", "又一新设党支部"]).count() == 2


def test_changing_the_parent_rule_changes_both_doors(county, monkeypatch):
    monkeypatch.setattr(rules, "check_parent_organization_active", lambda name, active: [f"规则已改：{name}"])
    by_service, by_import = _new_branch_both_ways(county)
    assert by_service == by_import == ["规则已改：中共甲镇委员会"]


# --- 不能把党组织调整到它自己或它的下级之下 ------------------------------------------------------

def _move_under_own_branch(county):
    town = county["town_committee"]
    by_service = service_errors(lambda: services.move_organization(
        town, actor=ACTOR, new_parent=county["village_branch"]))
    by_import = import_faults({"党组织": [ORG, org_row(county, town.name, "党委", county["village_branch"].name,
                                                       unit="乡镇", division="甲镇")]})
    return by_service, by_import


def test_a_move_below_itself_is_refused_with_the_same_rule_text_by_both(county):
    text = rules.check_not_below_itself("党组织")[0]
    by_service, by_import = _move_under_own_branch(county)
    assert text in by_service
    # The workbook also names the cycle it would make, before the same words.
    assert [m for m in by_import if m.endswith(text)] == [
        f"上级党组织形成循环（中共甲镇委员会 → 中共一村支部委员会 → 中共甲镇委员会），{text}"]
    assert Organization.objects.get(pk=county["town_committee"].pk).parent_id == county["root"].pk


def test_a_move_elsewhere_is_not_a_cycle_for_either(county):
    text = rules.check_not_below_itself("党组织")[0]
    firm = county["firm_branch"]
    by_service = service_errors(lambda: services.move_organization(
        firm, actor=ACTOR, new_parent=county["street_committee"]))
    by_import = import_faults({"党组织": [ORG, org_row(county, county["village_branch"].name, "党支部",
                                                       county["street_committee"].name)]})
    assert not any(text in m for m in by_service + by_import)
    assert by_service == [] and by_import == []


def test_changing_the_cycle_rule_changes_both_doors(county, monkeypatch):
    monkeypatch.setattr(rules, "check_not_below_itself", lambda kind, cycle=None: [f"规则已改：{kind}"])
    by_service, by_import = _move_under_own_branch(county)
    assert "规则已改：党组织" in by_service and "规则已改：党组织" in by_import


# --- 组织类别改变时的下级党组织 ------------------------------------------------------------------

def _change_town_type(county, org_type):
    town = county["town_committee"]
    by_service = service_errors(lambda: services.update_organization(town, actor=ACTOR, org_type=org_type))
    by_import = import_faults({"党组织": [ORG, org_row(county, town.name, org_type, county["root"].name,
                                                       unit="乡镇", division="甲镇")]})
    return by_service, by_import


def test_a_type_its_sub_organisations_cannot_sit_under_is_refused_alike(county):
    expected = rules.check_org_type_change("党支部", [("中共一村支部委员会", "党支部"), ("甲镇某公司党支部", "党支部")])
    assert expected == ["下级党组织“中共一村支部委员会”与新的组织类别不符：党支部不能隶属于党支部",
                        "下级党组织“甲镇某公司党支部”与新的组织类别不符：党支部不能隶属于党支部"]
    by_service, by_import = _change_town_type(county, "党支部")
    assert [m for m in by_service if m.startswith("下级党组织")] == expected
    assert [m for m in by_import if m.startswith("下级党组织")] == expected
    assert Organization.objects.get(pk=county["town_committee"].pk).org_type == "党委"


def test_a_type_its_sub_organisations_fit_is_accepted_by_both(county):
    by_service, by_import = _change_town_type(county, "党总支")
    assert by_service == [] and by_import == []
    assert Organization.objects.get(pk=county["town_committee"].pk).org_type == "党总支"


# --- 公民身份号码已登记为其他党员 ----------------------------------------------------------------

def _member_data(county, id_number):
    return dict(name="王五", sex="男", ethnicity="汉族", id_number=id_number, birth_date=datetime.date(1980, 5, 6),
                education="大学本科", occupation="工人", organization=county["village_branch"],
                joined_on=datetime.date(2005, 7, 1), full_on=datetime.date(2006, 7, 1))


def _claim_number_both_ways(county, make_member, numbers_of):
    """A new member by the service, and the second member's row (by its 党员编号) in a workbook,
    with the numbers ``numbers_of(first member)`` gives."""
    first, second = make_member(county["village_branch"]), make_member(county["village_branch"])
    for_service, for_import = numbers_of(first)
    by_service = service_errors(lambda: services.create_member(actor=ACTOR, **_member_data(county, for_service)))
    row = member(name=second.name, org=county["village_branch"].name, id_number=for_import, birth=datetime.date(1980, 5, 6),
                 joined="2005-07-01", full="2006-07-01")
    row["党员编号"] = str(second.pk)
    by_import = import_faults({"党员": rows(MEM + ["党员编号"], [row])})
    return by_service, by_import, second


def test_a_number_already_registered_is_refused_with_one_message_by_both(county, make_member):
    by_service, by_import, second = _claim_number_both_ways(county, make_member, lambda m: (m.id_number,) * 2)
    assert by_service == by_import == [rules.ID_NUMBER_TAKEN]
    assert Member.objects.filter(name="王五").count() == 0


def test_a_free_number_is_accepted_by_both(county, make_member):
    from dangjian.conftest import make_id_number

    free = (make_id_number(datetime.date(1980, 5, 6), "男", 700), make_id_number(datetime.date(1980, 5, 6), "男", 701))
    by_service, by_import, second = _claim_number_both_ways(county, make_member, lambda m: free)
    assert by_service == [] and by_import == []
    assert Member.objects.get(pk=second.pk).id_number == free[1]


def test_changing_the_number_rule_changes_both_doors(county, make_member, monkeypatch):
    monkeypatch.setattr(rules, "check_id_number_free", lambda taken: ["规则已改"] if taken else [])
    by_service, by_import, _ = _claim_number_both_ways(county, make_member, lambda m: (m.id_number,) * 2)
    assert by_service == by_import == ["规则已改"]
