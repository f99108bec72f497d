"""Disputes, service requests (代办 keeps one number) and 四风 cases: the services' rules at their edges."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.governance import services
from dangjian.governance.models import Dispute, FourWindsCase, ServiceRequest

from .conftest import DAY

D = datetime.date


def test_it_registers_a_dispute_and_refuses_a_closing_before_acceptance_and_a_number_used_twice(county, actor):
    d = services.save_dispute(actor=actor, case_no="TJ1", division=county["village"], category="邻里",
                              accepted_on=D(2026, 1, 5))
    assert AuditLog.objects.filter(object_type="governance.dispute", object_id=str(d.pk)).count() == 1
    with pytest.raises(ValidationError) as err:
        services.save_dispute(d, actor=actor, result="调处成功", closed_on=D(2026, 1, 4))
    assert "不早于受理日期" in err.value.message_dict["closed_on"][0]
    services.save_dispute(d, actor=actor, result="调处成功", closed_on=D(2026, 1, 5))  # same day: fine
    with pytest.raises(ValidationError) as err:
        services.save_dispute(actor=actor, case_no="TJ1", division=county["village"], category="其他",
                              accepted_on=D(2026, 1, 5))
    assert "已被使用" in err.value.message_dict["case_no"][0]
    with pytest.raises(ValidationError) as err:
        services.save_dispute(actor=actor, case_no="TJ2", division=county["village"], category="打架",
                              accepted_on=D(2026, 1, 5), result="移交", closed_on=D(2026, 1, 6))
    assert set(err.value.message_dict) == {"category", "transferred_to"}
    assert Dispute.objects.count() == 1


def test_a_secretary_registers_disputes_only_in_their_village(county, users):
    sec = Actor(user=users["secretary"])
    services.save_dispute(actor=sec, case_no="TJ1", division=county["village"], category="邻里", accepted_on=DAY)
    with pytest.raises(PermissionDenied):
        services.save_dispute(actor=sec, case_no="TJ2", division=county["community"], category="邻里", accepted_on=DAY)
    assert list(Dispute.objects.values_list("case_no", flat=True)) == ["TJ1"]


def test_it_checks_a_requests_level_division_and_item_in_use(county, actor, catalogue):
    with pytest.raises(ValidationError) as err:
        services.register_request(actor=actor, number="BM1", level="村级", division=county["town"],
                                  item=catalogue["village"], accepted_on=DAY)
    assert "村级服务中心应在村或社区" in err.value.message_dict["division"][0]
    with pytest.raises(ValidationError) as err:  # stopped on DAY: not in use that day
        services.register_request(actor=actor, number="BM1", level="县级", division=county["root_div"],
                                  item=catalogue["stopped"], accepted_on=DAY)
    assert "未启用或已停用" in err.value.message_dict["item"][0]
    r = services.register_request(actor=actor, number="BM1", level="县级", division=county["root_div"],
                                  item=catalogue["stopped"], accepted_on=DAY - datetime.timedelta(days=1))
    assert r.handled_division == county["root_div"]


def test_handing_a_request_up_keeps_its_number_and_its_acceptance(county, actor, catalogue, users):
    r = services.register_request(actor=Actor(user=users["secretary"]), number="BM9", level="村级",
                                  division=county["village"], item=catalogue["village"], accepted_on=DAY)
    services.hand_up_request(r, actor=actor, date=DAY)
    r.refresh_from_db()
    assert (r.number, r.level, r.division, r.handled_level, r.handled_division) == (
        "BM9", "村级", county["village"], "乡镇级", county["town"])
    # The township's organiser now handles it; closing before acceptance is refused.
    with pytest.raises(ValidationError):
        services.close_request(r, actor=Actor(user=users["organiser"]), closed_on=DAY - datetime.timedelta(days=1))
    services.close_request(r, actor=Actor(user=users["organiser"]), closed_on=DAY)
    with pytest.raises(ValidationError):
        services.hand_up_request(r, actor=actor, date=DAY)
    assert ServiceRequest.objects.count() == 1


def test_the_discipline_office_keeps_cases_in_its_scope_and_numbers_are_unique(county, discipline):
    act = Actor(user=discipline)
    c = services.save_case(actor=act, case_no="SF1", division=county["village"], category="腐败", opened_on=DAY)
    with pytest.raises(PermissionDenied):
        services.save_case(actor=act, case_no="SF2", division=county["community"], category="腐败", opened_on=DAY)
    with pytest.raises(ValidationError) as err:
        services.save_case(actor=act, case_no="SF1", division=county["village"], category="形式主义", opened_on=DAY)
    assert "已被使用" in err.value.message_dict["case_no"][0]
    with pytest.raises(ValidationError) as err:
        services.save_case(c, actor=act, concluded_on=DAY - datetime.timedelta(days=1))
    assert "concluded_on" in err.value.message_dict
    assert FourWindsCase.objects.count() == 1


def test_only_the_county_admin_keeps_the_catalogue(users):
    with pytest.raises(PermissionDenied):
        services.save_item(actor=Actor(user=users["organiser"]), category="民政", name="x", level="村级")
    with pytest.raises(ValidationError) as err:
        services.save_item(actor=Actor(user=users["admin"]), category="民政", name="x", level="村级",
                           starts_on=DAY, stops_on=DAY)
    assert "stops_on" in err.value.message_dict
