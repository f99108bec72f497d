"""Governance URLs for the project-wide scope matrix: every object lies in the 乙街道 subtree.

The catalogue is the county's and readable by everyone, so its item carries no marker; the public
noticeboard (no login) takes its village as ``?d=`` and lists only village names without it.
"""
import datetime


def url_cases(world) -> dict[str, dict]:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from dangjian.governance.models import (
        Dispute, FourWindsCase, Matter, MatterStep, ServiceItem, ServiceRequest, StepAttachment,
    )

    marker = world["marker"]
    county = world["county"]
    branch, community, street = county["community_branch"], county["community"], county["street"]
    day = datetime.date(2026, 1, 5)
    from dangjian.governance.models import ProcedureTemplate
    from dangjian.governance.rules import SHIPPED_TEMPLATES

    matter = Matter.objects.create(organization=branch, name=f"{marker}议事", category="其他", opened_on=day,
                                   steps_done=5, last_step_on=day, template="一征三议两公开",
                                   procedure_steps=SHIPPED_TEMPLATES["一征三议两公开"][1].as_data())
    template = ProcedureTemplate.objects.get(name="一征三议两公开")
    step = MatterStep.objects.create(matter=matter, number=5, kind="公开", label="决议公开", date=day,
                                     content=f"{marker}公开内容", is_publication=True)
    name = "governance/scope-matrix.pdf"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(b"%PDF-1.4 test"))
    attachment = StepAttachment.objects.create(step=step, file=name, original_name=f"{marker}.pdf", size=13,
                                               content_type="application/pdf")
    dispute = Dispute.objects.create(case_no=f"{marker}TJ1", division=community, category="邻里", accepted_on=day)
    item = ServiceItem.objects.create(category="民政", name="低保申请", level="村级")
    req = ServiceRequest.objects.create(number=f"{marker}BM1", level="乡镇级", division=street, item=item,
                                        accepted_on=day, handled_level="乡镇级", handled_division=street)
    case = FourWindsCase.objects.create(case_no=f"{marker}SF1", division=community, category="腐败", opened_on=day)
    return {
        "governance:matters": {},
        "governance:matter_create": {},
        "governance:matter_detail": {"pk": matter.pk},
        "governance:step_create": {"pk": matter.pk},
        "governance:step_attach": {"pk": step.pk},
        "governance:step_notice": {"pk": step.pk},
        "governance:attachment_download": {"pk": attachment.pk},
        # The county's procedure templates: the county admin's alone (403 for everyone else).
        "governance:templates": {},
        "governance:template_edit": {"pk": template.pk},
        "governance:template_copy": {"pk": template.pk},
        "governance:template_activate": {"pk": template.pk},
        "governance:public": {},
        "governance:disputes": {},
        "governance:dispute_create": {},
        "governance:dispute_edit": {"pk": dispute.pk},
        "governance:catalogue": {},
        "governance:item_create": {},
        "governance:item_edit": {"pk": item.pk},
        "governance:requests": {},
        "governance:request_create": {},
        "governance:request_close": {"pk": req.pk},
        "governance:request_hand_up": {"pk": req.pk},
        "governance:cases": {},
        "governance:case_create": {},
        "governance:case_edit": {"pk": case.pk},
        # The REST API's governance routes (dangjian/governance/api.py).
        "api:governance-matter-list": {},
        "api:governance-matter-detail": {"pk": matter.pk},
        "api:governance-dispute-list": {},
        "api:governance-dispute-detail": {"pk": dispute.pk},
        "api:governance-service-item-list": {},
        "api:governance-service-request-list": {},
        "api:governance-service-request-detail": {"pk": req.pk},
        "api:governance-case-list": {},
        "api:governance-case-detail": {"pk": case.pk},
    }
