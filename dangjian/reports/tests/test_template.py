"""The county's sentence template: saved as data through an audited service, unknown placeholders
refused, the default restored by saving the default text."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.core.models import AuditLog
from dangjian.reports import services, templating
from dangjian.reports.document import build
from dangjian.reports.models import ReportTemplate
from dangjian.reports.report import compute_report

from .conftest import FROM, TO, installed_blocks


def test_the_defaults_use_only_known_placeholders_and_every_figure():
    for key, text in templating.DEFAULTS.items():
        assert templating.check(text) == [], key
    used = set()
    for text in templating.DEFAULTS.values():
        used |= {name.removesuffix("升降") for name in templating._TOKEN.findall(text)}
    assert set(templating.FIGURE_IDS) <= used


def test_it_saves_a_section_audits_it_and_the_report_uses_it(county, users, actor_for):
    text = "{地名}共有党员{F13}名，基层党组织{F08}个。"
    changed = services.update_template({"opening": text}, actor=actor_for(users["admin"]))
    assert changed == ["opening"]
    assert ReportTemplate.objects.get(key="opening").text == text
    log = AuditLog.objects.get(object_type="reports.reporttemplate")
    assert log.actor == users["admin"] and log.changes["text"] == [templating.DEFAULTS["opening"], text]
    report = compute_report(county["root"], FROM, TO, blocks=installed_blocks())
    assert build(report).paragraphs[0].text == "测试县共有党员1名，基层党组织5个。"
    # Saving the default again removes the county's row (and is audited too).
    services.update_template({"opening": templating.DEFAULTS["opening"]}, actor=actor_for(users["admin"]))
    assert not ReportTemplate.objects.filter(key="opening").exists()
    assert AuditLog.objects.filter(object_type="reports.reporttemplate").count() == 2


@pytest.mark.parametrize("text, fragment", [
    ("党员{F99}名", "{F99}无法识别"), ("党员{党员数}名", "{党员数}无法识别"), ("党员{F13名", "花括号不成对"),
    ("党员F13}名", "花括号不成对"), ("{F13升降}", "{F13升降}无法识别"), ("   ", "内容不能为空"),
])
def test_it_refuses_unknown_placeholders_and_writes_nothing(users, actor_for, text, fragment):
    with pytest.raises(ValidationError) as exc:
        services.update_template({"opening": text, "work_1": "改过的{F14}"}, actor=actor_for(users["admin"]))
    assert fragment in str(exc.value.message_dict["opening"])
    assert not ReportTemplate.objects.exists() and not AuditLog.objects.filter(object_type="reports.reporttemplate").exists()


def test_only_the_county_admin_edits_the_template(users, actor_for):
    with pytest.raises(PermissionDenied):
        services.update_template({"opening": "{F13}"}, actor=actor_for(users["organiser"]))
