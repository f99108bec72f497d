"""URLs of the recruitment app for the project-wide scope test: objects in 乙街道's subtree,
outside the scope of the organiser (甲镇), the secretary (一村支部) and the member."""
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.conftest import make_id_number
from dangjian.core.actor import Actor


def url_cases(world) -> dict[str, dict]:
    from dangjian.recruitment import services

    county = world["county"]
    birth = datetime.date(1996, 2, 3)
    r = services.register_application(
        actor=Actor.command(), organization=county["community_branch"], name="社区申请人", sex="男", ethnicity="汉族",
        id_number=make_id_number(birth, "男", 909, region="419903"), birth_date=birth, education="大学本科",
        occupation="工人", unit="", applied_on=datetime.date(2025, 3, 3),
        files=[SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 scope")],
    )
    attachment = r.attachments.get()
    return {
        "recruitment:todo": {},
        "recruitment:list": {},
        "recruitment:create": {},
        "recruitment:overrides": {},
        "recruitment:detail": {"pk": r.pk},
        "recruitment:print": {"pk": r.pk},
        "recruitment:reveal": {"pk": r.pk},
        "recruitment:record_step": {"pk": r.pk},
        "recruitment:record_event": {"pk": r.pk, "kind": "termination"},
        "recruitment:attach": {"pk": r.pk},
        "recruitment:docx": {"pk": r.pk, "form": "activist"},
        "recruitment:download": {"pk": attachment.pk},
    }


def choice_cases(world) -> list[tuple[str, dict]]:
    """In-scope step forms whose member choices the matrix checks (the secretary's branch's files at
    ⑤ 指定培养联系人 and ⑨ 确定入党介绍人: the lists hold the branch's members only)."""
    from dangjian.recruitment.models import Recruitment

    county = world["county"]
    out = []
    for serial, last_step in enumerate((4, 8)):
        birth = datetime.date(1995, 4, 5)
        r = Recruitment(name=f"支部申请人{last_step}", sex="男", birth_date=birth, education="高中", occupation="工人",
                        organization=county["village_branch"], applied_on=datetime.date(2024, 3, 1),
                        last_step=last_step)
        r.id_number = make_id_number(birth, "男", 930 + serial, region="419903")
        r.save()
        out.append(("recruitment:record_step", {"pk": r.pk}))
    return out
