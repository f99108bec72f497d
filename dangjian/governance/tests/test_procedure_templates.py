"""Procedure templates as data (issue 9): the shipped two as rows, a county's edits through the
service (validated, audited, county admin only), and every matter keeping the snapshot of the steps
it was opened under: editing or switching a template changes new matters only."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.core.rules import get_setting
from dangjian.governance import rules, services
from dangjian.governance.models import Matter, ProcedureTemplate
from dangjian.governance.vocab import MatterStatus

from .conftest import open_matter

D = datetime.date


def _steps(name):
    return ProcedureTemplate.objects.get(name=name).steps_data()


def _record(matter, actor, number, day, **kw):
    return services.record_step(matter, actor=actor, number=number, date=day, **kw)


VOTE = dict(due=30, present=20, in_favour=16)


def test_the_two_shipped_templates_are_rows_after_the_migration(db):
    assert list(ProcedureTemplate.objects.values_list("name", flat=True)) == ["一征三议两公开", "四议两公开"]
    assert _steps("四议两公开") == rules.SHIPPED_TEMPLATES["四议两公开"][1].as_data()
    assert get_setting("governance.procedure_template") == "一征三议两公开"


def test_the_seeding_is_idempotent_and_keeps_a_countys_edits(db, users):
    from importlib import import_module

    from django.apps import apps

    tpl = ProcedureTemplate.objects.get(name="四议两公开")
    services.save_template(tpl, actor=Actor(user=users["admin"]), name="四议两公开", steps=_steps("四议两公开")[:1]
                           + _steps("四议两公开")[2:])
    seed = import_module("dangjian.governance.migrations.0002_procedure_templates").seed_templates
    seed(apps, None)
    assert ProcedureTemplate.objects.count() == 2
    assert [d["kind"] for d in _steps("四议两公开")] == ["提议", "审议", "决议", "公开", "公开"]


def test_an_edited_template_is_saved_renumbered_with_one_audit_row(db, users):
    actor = Actor(user=users["admin"])
    tpl = ProcedureTemplate.objects.get(name="一征三议两公开")
    steps = _steps("一征三议两公开")
    del steps[4]  # no 决议公开: the result is published once
    for n, d in enumerate(steps, start=1):  # the order as given (10, 20, …), saved renumbered 1, 2, …
        d["order"] = n * 10
    services.save_template(tpl, actor=actor, name="一征三议两公开", steps=steps)
    assert [(d["order"], d["label"]) for d in _steps("一征三议两公开")] == [
        (1, "征求意见"), (2, "两委会商议"), (3, "党员大会审议"), (4, "村（居）民代表会议决议"), (5, "实施结果公开")]
    rows = AuditLog.objects.filter(object_type="governance.proceduretemplate", object_id=str(tpl.pk))
    assert rows.count() == 1 and rows[0].actor == users["admin"]
    old, new = rows[0].changes["procedure_steps"]
    assert "决议公开" in old and "5.实施结果公开" in new


def test_a_bad_template_is_refused_by_field_and_nothing_is_written(db, users):
    actor = Actor(user=users["admin"])
    tpl = ProcedureTemplate.objects.get(name="一征三议两公开")
    steps = _steps("一征三议两公开")
    steps[2]["vote_rule"] = "none"
    with pytest.raises(ValidationError) as err:
        services.save_template(tpl, actor=actor, name="四议两公开", steps=steps)
    assert "已有名为“四议两公开”" in err.value.message_dict["name"][0]
    assert "第3步（审议）应有表决规则" in err.value.message_dict["step3"][0]
    assert _steps("一征三议两公开") == rules.SHIPPED_TEMPLATES["一征三议两公开"][1].as_data()
    assert not AuditLog.objects.filter(object_type="governance.proceduretemplate").exists()


def test_only_the_county_admin_keeps_the_templates(db, users):
    tpl = ProcedureTemplate.objects.get(name="一征三议两公开")
    for who in ("organiser", "secretary"):
        with pytest.raises(PermissionDenied):
            services.save_template(tpl, actor=Actor(user=users[who]), name="x", steps=_steps("一征三议两公开"))
        with pytest.raises(PermissionDenied):
            services.activate_template(tpl, actor=Actor(user=users[who]))
    assert ProcedureTemplate.objects.get(pk=tpl.pk).name == "一征三议两公开"


def test_a_copy_edited_and_made_active_is_followed_by_new_matters_only(county, users,
                                                                      django_capture_on_commit_callbacks):
    """The edited-template test: a county adds a step (决议公开 removed, a 商议 by the 支部委员会 … ) and
    removes one; new matters follow, old ones keep theirs."""
    admin = Actor(user=users["admin"])
    old = open_matter(county["village_branch"], admin, name="旧事项")
    source = ProcedureTemplate.objects.get(name="一征三议两公开")
    copy = services.copy_template(source, actor=admin, name="本县简化程序")
    steps = copy.steps_data()
    del steps[1]  # no 商议
    del steps[3]  # no 决议公开
    steps.insert(1, {"order": 2, "kind": "商议", "label": "支部委员会商议", "meets": "支部委员会",
                     "quorum_rule": "none", "vote_rule": "none", "mergeable": False})
    for n, d in enumerate(steps, start=1):
        d["order"] = n
    services.save_template(copy, actor=admin, name="本县简化程序", steps=steps)
    with django_capture_on_commit_callbacks(execute=True):
        services.activate_template(copy, actor=admin)
    assert get_setting("governance.procedure_template") == "本县简化程序"
    new = open_matter(county["village_branch"], admin, name="新事项")
    assert new.template == "本县简化程序"
    assert [s.label for s in new.procedure.steps] == ["征求意见", "支部委员会商议", "党员大会审议", "村（居）民代表会议决议",
                                                      "实施结果公开"]
    # the old matter keeps the six steps it was opened under
    old.refresh_from_db()
    assert old.template == "一征三议两公开" and old.procedure.last == 6
    # the new matter is decided on its fifth (last) step
    _record(new, admin, 2, D(2026, 1, 6))
    _record(new, admin, 3, D(2026, 1, 7), **VOTE)
    _record(new, admin, 4, D(2026, 1, 8), **VOTE)
    _record(new, admin, 5, D(2026, 1, 9), content="结果")
    new.refresh_from_db()
    assert new.status == MatterStatus.DECIDED and new.decided_on == D(2026, 1, 9)
    # the old matter, recorded to its fifth step, is not decided: its sixth is still to come
    for n, day in ((2, D(2026, 1, 6)), (3, D(2026, 1, 7)), (4, D(2026, 1, 8))):
        _record(old, admin, n, day, **(VOTE if n > 2 else {}))
    _record(old, admin, 5, D(2026, 1, 9), content="决议")
    old.refresh_from_db()
    assert old.status == MatterStatus.OPEN and services.allowed_step_numbers(old) == [6]


def test_editing_a_template_never_changes_an_open_matter(county, users):
    admin = Actor(user=users["admin"])
    matter = open_matter(county["village_branch"], admin)
    tpl = ProcedureTemplate.objects.get(name="一征三议两公开")
    steps = _steps("一征三议两公开")
    steps[2]["quorum_rule"] = "half"
    steps[2]["vote_rule"] = "majority_of_present"
    steps[2]["label"] = "党员大会表决"
    services.save_template(tpl, actor=admin, name="一征三议两公开", steps=steps)
    matter = Matter.objects.get(pk=matter.pk)
    _record(matter, admin, 2, D(2026, 1, 6))
    # 2/3 of 30 is still the matter's quorum: 19 present fails although it is more than half
    with pytest.raises(ValidationError) as err:
        _record(matter, admin, 3, D(2026, 1, 7), due=30, present=19, in_favour=19)
    assert "三分之二" in err.value.message_dict["present"][0]
    step = _record(matter, admin, 3, D(2026, 1, 7), **VOTE)
    assert step.label == "党员大会审议"
    # a matter opened after the edit follows it
    new = open_matter(county["village_branch"], admin, name="新事项")
    _record(new, admin, 2, D(2026, 1, 6))
    assert _record(new, admin, 3, D(2026, 1, 7), due=30, present=16, in_favour=9).passed is True


def test_renaming_the_template_in_force_renames_it_in_the_setting(db, users, django_capture_on_commit_callbacks):
    admin = Actor(user=users["admin"])
    tpl = ProcedureTemplate.objects.get(name="一征三议两公开")
    with django_capture_on_commit_callbacks(execute=True):
        services.save_template(tpl, actor=admin, name="本县一征三议两公开", steps=_steps("一征三议两公开"))
    assert get_setting("governance.procedure_template") == "本县一征三议两公开"
    assert services.active_procedure().name == "本县一征三议两公开"


def test_one_shoulder_leaves_out_only_a_mergeable_step_of_the_matters_own_procedure(county, users):
    admin = Actor(user=users["admin"])
    tpl = ProcedureTemplate.objects.get(name="一征三议两公开")
    steps = _steps("一征三议两公开")
    steps[1]["mergeable"] = False
    services.save_template(tpl, actor=admin, name="一征三议两公开", steps=steps)
    matter = open_matter(county["village_branch"], admin, one_shoulder=True)
    assert services.allowed_step_numbers(matter) == [2]
    with pytest.raises(ValidationError) as err:
        _record(matter, admin, 3, D(2026, 1, 7), **VOTE)
    assert "下一步应为“两委会商议”" in err.value.message_dict["number"][0]


def test_a_publication_needs_a_resolution_recorded_before_it(county, users):
    admin = Actor(user=users["admin"])
    matter = open_matter(county["village_branch"], admin, one_shoulder=True)
    _record(matter, admin, 3, D(2026, 1, 7), **VOTE)
    with pytest.raises(ValidationError) as err:
        _record(matter, admin, 5, D(2026, 1, 8), content="决议")
    assert "number" in err.value.message_dict
    _record(matter, admin, 4, D(2026, 1, 8), **VOTE)
    assert _record(matter, admin, 5, D(2026, 1, 9), content="决议").is_publication
