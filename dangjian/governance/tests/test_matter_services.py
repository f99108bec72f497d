"""Opening a matter and recording its steps: order, votes at both edges, failure ends the matter,
the template as a setting, the audit row of each write."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.core.models import AuditLog
from dangjian.core.rules import change_rule_setting
from dangjian.governance import services
from dangjian.governance.models import Matter
from dangjian.governance.vocab import MatterStatus

from .conftest import open_matter

D = datetime.date


def _record(matter, actor, number, day, **kw):
    return services.record_step(matter, actor=actor, number=number, date=day, **kw)


def _to_review(matter, actor):
    _record(matter, actor, 2, D(2026, 1, 10))


def test_it_opens_a_matter_with_its_first_step_and_one_audit_row(county, secretary_actor):
    matter = open_matter(county["village_branch"], secretary_actor, origin="党组织提议", content="群众反映道路破损")
    assert matter.template == "一征三议两公开" and matter.status == MatterStatus.OPEN
    assert [d["label"] for d in matter.procedure_steps][:2] == ["征求意见", "两委会商议"]
    assert [(s.number, s.label) for s in matter.steps.all()] == [(1, "征求意见")]
    rows = AuditLog.objects.filter(object_type="governance.matter", object_id=str(matter.pk))
    assert rows.count() == 1 and rows[0].actor == secretary_actor.user and rows[0].action == "created"


def test_it_refuses_a_matter_outside_a_village_or_community_and_a_category_outside_the_list(county, actor):
    with pytest.raises(ValidationError) as err:
        services.open_matter(actor=actor, organization=county["firm_branch"], name="x", category="乱填",
                             opened_on=D(2026, 1, 1))
    assert "organization" in err.value.message_dict and "category" in err.value.message_dict
    assert not Matter.objects.exists()


def test_a_secretary_cannot_open_a_matter_for_another_village(county, users):
    from dangjian.core.actor import Actor

    with pytest.raises(PermissionDenied):
        open_matter(county["community_branch"], Actor(user=users["secretary"]))
    assert not Matter.objects.exists()


def test_it_refuses_a_step_out_of_order_or_before_the_previous_one(county, actor):
    matter = open_matter(county["village_branch"], actor)
    with pytest.raises(ValidationError) as err:
        _record(matter, actor, 3, D(2026, 1, 10), due=30, present=20, in_favour=16)
    assert "下一步应为“两委会商议”" in err.value.message_dict["number"][0]
    with pytest.raises(ValidationError) as err:
        _record(matter, actor, 2, D(2026, 1, 4))
    assert "早于上一步骤" in err.value.message_dict["date"][0]
    _record(matter, actor, 2, D(2026, 1, 5))  # the same day as the step before is fine
    assert Matter.objects.get(pk=matter.pk).steps_done == 2


def test_one_shoulder_matters_may_skip_the_deliberation(county, actor):
    matter = open_matter(county["village_branch"], actor, one_shoulder=True)
    assert services.allowed_step_numbers(matter) == [2, 3]
    _record(matter, actor, 3, D(2026, 1, 10), due=30, present=20, in_favour=16)
    assert Matter.objects.get(pk=matter.pk).steps_done == 3


@pytest.mark.parametrize("present,in_favour,passes", [(20, 16, True), (19, 19, False), (20, 15, False)])
def test_the_review_needs_two_thirds_present_and_more_than_half_of_those_due(county, actor, present, in_favour, passes):
    matter = open_matter(county["village_branch"], actor)
    _to_review(matter, actor)
    if passes:
        step = _record(matter, actor, 3, D(2026, 1, 20), due=30, present=present, in_favour=in_favour)
        assert step.passed is True
        assert Matter.objects.get(pk=matter.pk).status == MatterStatus.OPEN
    else:
        with pytest.raises(ValidationError) as err:
            _record(matter, actor, 3, D(2026, 1, 20), due=30, present=present, in_favour=in_favour)
        assert "表决未通过，事项终止" in str(err.value)
        assert Matter.objects.get(pk=matter.pk).steps_done == 2


def test_a_confirmed_failed_vote_ends_the_matter_and_no_later_step_is_taken(county, actor):
    matter = open_matter(county["village_branch"], actor)
    _to_review(matter, actor)
    step = _record(matter, actor, 3, D(2026, 1, 20), due=30, present=20, in_favour=15, confirm_failure=True)
    assert step.passed is False
    matter.refresh_from_db()
    assert matter.status == MatterStatus.FAILED
    with pytest.raises(ValidationError) as err:
        _record(matter, actor, 4, D(2026, 1, 25), due=40, present=30, in_favour=25)
    assert "已终止" in err.value.message_dict["number"][0]


def test_it_refuses_more_for_than_present_and_missing_counts(county, actor):
    matter = open_matter(county["village_branch"], actor)
    _to_review(matter, actor)
    with pytest.raises(ValidationError) as err:
        _record(matter, actor, 3, D(2026, 1, 20), due=30, present=20, in_favour=21)
    assert "赞成票数21多于实到人数20" in err.value.message_dict["in_favour"][0]
    with pytest.raises(ValidationError) as err:
        _record(matter, actor, 3, D(2026, 1, 20))
    assert set(err.value.message_dict) >= {"due", "present", "in_favour"}


def _decide(matter, actor):
    _to_review(matter, actor)
    _record(matter, actor, 3, D(2026, 1, 20), due=30, present=20, in_favour=16)
    _record(matter, actor, 4, D(2026, 1, 25), due=40, present=27, in_favour=21)
    _record(matter, actor, 5, D(2026, 1, 26), content="决议：硬化村道2公里")
    return _record(matter, actor, 6, D(2026, 3, 1), content="已完工，验收合格")


def test_a_publication_needs_its_content_and_the_result_decides_the_matter(county, actor):
    matter = open_matter(county["village_branch"], actor)
    _to_review(matter, actor)
    _record(matter, actor, 3, D(2026, 1, 20), due=30, present=20, in_favour=16)
    with pytest.raises(ValidationError) as err:  # publication before the resolution
        _record(matter, actor, 5, D(2026, 1, 26), content="决议")
    assert "number" in err.value.message_dict
    _record(matter, actor, 4, D(2026, 1, 25), due=40, present=27, in_favour=21)
    with pytest.raises(ValidationError) as err:
        _record(matter, actor, 5, D(2026, 1, 26))
    assert "公开的内容" in err.value.message_dict["content"][0]
    _record(matter, actor, 5, D(2026, 1, 26), content="决议")
    _record(matter, actor, 6, D(2026, 3, 1), content="结果")
    matter.refresh_from_db()
    assert matter.status == MatterStatus.DECIDED and matter.decided_on == D(2026, 3, 1)
    assert AuditLog.objects.filter(object_type="governance.matter", object_id=str(matter.pk)).count() == 6


def test_a_county_switching_to_siyi_liangkai_opens_new_matters_under_it(county, actor,
                                                                        django_capture_on_commit_callbacks):
    old = open_matter(county["village_branch"], actor, name="旧事项")
    with django_capture_on_commit_callbacks(execute=True):
        change_rule_setting("governance.procedure_template", "四议两公开", actor=actor)
    new = open_matter(county["village_branch"], actor, name="新事项")
    assert new.template == "四议两公开" and new.steps.get().label == "党组织提议"
    assert new.procedure.step(1).kind == "提议"
    old.refresh_from_db()
    assert old.template == "一征三议两公开" and old.steps.get().label == "征求意见"
    assert services.allowed_step_numbers(old) == [2] and old.procedure.step(1).kind == "征求意见"
    with pytest.raises(ValidationError) as err:
        change_rule_setting("governance.procedure_template", "随便", actor=actor)
    assert "一征三议两公开或四议两公开" in str(err.value)
    from dangjian.core.rules import PARAMETERS

    assert PARAMETERS["governance.procedure_template"].coerce("yizheng_sanyi") == "一征三议两公开"
    assert dict(PARAMETERS["governance.procedure_template"].choices) == {"一征三议两公开": "一征三议两公开",
                                                                         "四议两公开": "四议两公开"}


def test_one_shoulder_is_checked_against_the_cadre_records_when_an_app_provides_them(county, actor, monkeypatch):
    from dangjian.governance import services as svc

    monkeypatch.setattr(svc, "one_shoulder_org_ids", lambda day: {county["community_branch"].pk})
    with pytest.raises(ValidationError) as err:
        open_matter(county["village_branch"], actor, one_shoulder=True)
    assert "一肩挑" in err.value.message_dict["one_shoulder"][0]
    assert open_matter(county["community_branch"], actor, one_shoulder=True).one_shoulder


def test_a_step_attachment_is_stored_under_a_random_name_and_a_renamed_file_is_refused(county, secretary_actor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangjian.governance.models import StepAttachment

    matter = open_matter(county["village_branch"], secretary_actor)
    step = matter.steps.get(number=1)
    att = services.attach_to_step(step, actor=secretary_actor,
                                  upload=SimpleUploadedFile("会议记录.pdf", b"%PDF-1.4 minutes", "application/pdf"))
    assert (att.original_name, att.size, att.content_type) == ("会议记录.pdf", 16, "application/pdf")
    assert att.uploaded_by == secretary_actor.user and att.file.name.startswith(f"governance/{step.date:%Y/%m}/")
    assert att.file.name.endswith(".pdf") and "会议记录" not in att.file.name and att.file.read() == b"%PDF-1.4 minutes"
    with pytest.raises(ValidationError) as err:
        services.attach_to_step(step, actor=secretary_actor, upload=SimpleUploadedFile("a.pdf", b"MZ\x90\x00", "application/pdf"))
    assert err.value.message_dict["file"] == ["附件内容与扩展名“pdf”不符"]
    assert StepAttachment.objects.count() == 1
