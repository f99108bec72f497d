"""Scope-matrix cases for the REST API: every detail URL names an object in the 乙街道 subtree
(outside the 甲镇 organiser's, the 一村 secretary's and the member's scope); the marker is in the
names, so a list that leaks shows it. The key pages are the county administrator's alone."""
import datetime

from django.utils import timezone


def url_cases(world) -> dict[str, dict]:
    from dangjian.api.models import ApiKey
    from dangjian.conftest import make_id_number
    from dangjian.core.actor import Actor
    from dangjian.orglife.models import Activity
    from dangjian.recruitment.models import Recruitment
    from dangjian.transfers.models import Kind, Status, Transfer

    marker = world.get("marker", "界外标记Ω")
    county, make_member = world["county"], world["make_member"]
    branch = county["community_branch"]
    member = make_member(branch, name=f"{marker}接口党员")
    day = timezone.localdate() - datetime.timedelta(days=3)
    activity = Activity.objects.create(
        organization=branch, activity_type="party_lecture", date=day, start_time=datetime.time(15, 0),
        end_time=datetime.time(16, 0), place=f"{marker}接口会议室", host="主持", topic=f"{marker}接口主题",
        lecturer="讲", expected_count=3, present_count=3, recorded_on=day)
    birth = datetime.date(1997, 4, 5)
    recruitment = Recruitment(organization=branch, name=f"{marker}接口申请人", sex="女", birth_date=birth,
                              education="大学本科", occupation="工人", applied_on=datetime.date(2025, 4, 4))
    recruitment.id_number = make_id_number(birth, "女", 919, region="419903")
    recruitment.save()
    transfer = Transfer.objects.create(kind=Kind.INTERNAL, member=member, from_org=branch,
                                       to_org=county["street_committee"], status=Status.REQUESTED,
                                       requested_on=datetime.date(2026, 6, 1), reason=f"{marker}转接")
    from dangjian.api import services

    key, _secret = services.issue_key(actor=Actor(user=world["users"]["admin"]), name=f"{marker}系统",
                                      organization=county["street_committee"], access=ApiKey.Access.READ)
    cases = {
        "healthz": {},
        "api:docs": {},
        "api:redoc": {},
        "api:schema": {},
        "api:keys": {},
        "api:revoke": {"pk": key.pk},
        "api:key_uses": {"pk": key.pk},
        "api:party_stats": {},
        "api:county_report": {},
        "api:division-list": {},
        "api:division-detail": {"pk": county["community"].pk},
        "api:organization-list": {},
        "api:organization-detail": {"pk": branch.pk},
        "api:member-list": {},
        "api:member-detail": {"pk": member.pk},
        "api:member-reveal": {"pk": member.pk},
        "api:member-move": {"pk": member.pk},
        "api:member-suspend": {"pk": member.pk},
        "api:member-restore": {"pk": member.pk},
        "api:organization-move": {"pk": branch.pk},
        "api:organization-suspend": {"pk": branch.pk},
        "api:organization-restore": {"pk": branch.pk},
        "api:orglife-activity-list": {},
        "api:orglife-activity-detail": {"pk": activity.pk},
        "api:recruitment-list": {},
        "api:recruitment-detail": {"pk": recruitment.pk},
        "api:recruitment-steps": {"pk": recruitment.pk},
        "api:transfer-list": {},
        "api:transfer-detail": {"pk": transfer.pk},
        "api:transfer-steps": {"pk": transfer.pk},
    }
    return cases
