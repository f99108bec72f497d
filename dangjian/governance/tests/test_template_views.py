"""The county admin's 议事程序模板 pages: view, copy, edit (validated, messages by step and field),
make current; everyone else gets 403."""
import pytest
from django.urls import reverse

from dangjian.core.models import AuditLog
from dangjian.core.rules import get_setting
from dangjian.governance.models import ProcedureTemplate


def _post_steps(steps, name, extra_rows=()):
    data = {"name": name, "description": "", "rows": len(steps) + len(extra_rows)}
    for i, d in enumerate(list(steps) + list(extra_rows)):
        for key in ("order", "kind", "label", "meets", "quorum_rule", "vote_rule"):
            data[f"s{i}-{key}"] = d.get(key, "")
        if d.get("mergeable"):
            data[f"s{i}-mergeable"] = "on"
        if d.get("delete"):
            data[f"s{i}-delete"] = "on"
    return data


def test_the_admin_sees_the_templates_and_the_one_in_force(client, users):
    client.force_login(users["admin"])
    page = client.get(reverse("governance:templates")).content.decode()
    assert "一征三议两公开" in page and "四议两公开" in page and "现行" in page
    assert "应到人数的三分之二以上到会" in page and "“一肩挑”时可并入上一步" in page


@pytest.mark.parametrize("who", ["organiser", "secretary", "member"])
def test_nobody_else_reaches_the_template_pages(client, users, who):
    tpl = ProcedureTemplate.objects.get(name="一征三议两公开")
    client.force_login(users[who])
    assert client.get(reverse("governance:templates")).status_code == 403
    assert client.get(reverse("governance:template_edit", args=[tpl.pk])).status_code == 403
    assert client.post(reverse("governance:template_edit", args=[tpl.pk]), {"name": "x", "rows": 0}).status_code == 403
    assert client.post(reverse("governance:template_activate", args=[tpl.pk])).status_code == 403
    assert client.post(reverse("governance:template_copy", args=[tpl.pk]), {"name": "y"}).status_code == 403
    assert ProcedureTemplate.objects.count() == 2 and not AuditLog.objects.filter(
        object_type="governance.proceduretemplate").exists()


def test_the_admin_copies_edits_with_a_fault_then_saves_and_makes_it_current(client, users,
                                                                             django_capture_on_commit_callbacks):
    client.force_login(users["admin"])
    source = ProcedureTemplate.objects.get(name="四议两公开")
    response = client.post(reverse("governance:template_copy", args=[source.pk]), {"name": "本县四步程序"})
    copy = ProcedureTemplate.objects.get(name="本县四步程序")
    assert response.status_code == 302 and response["Location"] == reverse("governance:template_edit", args=[copy.pk])
    edit = client.get(reverse("governance:template_edit", args=[copy.pk])).content.decode()
    assert 'name="s5-label" value="实施结果公开"' in edit and 'name="s7-label"' in edit  # six steps, two blank rows
    steps = copy.steps_data()
    steps[1]["delete"] = True  # no 商议
    steps[4]["delete"] = True  # no 决议公开
    steps[2]["vote_rule"] = "none"  # a fault: the 审议 without a vote rule
    url = reverse("governance:template_edit", args=[copy.pk])
    response = client.post(url, _post_steps(steps, "本县四步程序"))
    text = response.content.decode()
    assert response.status_code == 200 and "第3步（审议）应有表决规则" in text
    assert len(ProcedureTemplate.objects.get(pk=copy.pk).steps_data()) == 6  # nothing written
    steps[2]["vote_rule"] = "majority_of_due"
    added = {"order": 7, "kind": "公开", "label": "张榜公布", "meets": "公开栏"}
    steps[5]["order"] = 6
    response = client.post(url, _post_steps(steps, "本县四步程序", extra_rows=[{}, added]))
    assert response.status_code == 302
    assert [d["label"] for d in ProcedureTemplate.objects.get(pk=copy.pk).steps_data()] == [
        "党组织提议", "党员大会审议", "村（居）民代表会议决议", "实施结果公开", "张榜公布"]
    # 实施结果公开 is now an earlier 公开 (决议公开 column), 张榜公布 the last one (结果公开)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("governance:template_activate", args=[copy.pk])).status_code == 302
    assert get_setting("governance.procedure_template") == "本县四步程序"
    assert AuditLog.objects.filter(action="setting_changed").count() == 1
