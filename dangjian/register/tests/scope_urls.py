"""Register URLs for the project-wide scope matrix (dangjian/core/tests/test_scope_matrix.py).

Every object here lies in 乙街道 (the street committee's subtree), outside the scope of the 甲镇
organiser, the 一村 secretary and the member; names carry the world's marker so that a list page
that leaked them would be caught.
"""
import datetime


def url_cases(world) -> dict[str, dict]:
    from dangjian.register.models import Division, Organization

    county, marker = world["county"], world["marker"]
    street_committee, community_branch = county["street_committee"], county["community_branch"]
    outside_org = Organization(name=f"{marker}街道某协会党支部", org_type="党支部", unit_type="社会组织",
                               division=county["street"], term_ends_on=datetime.date(2000, 1, 1))
    outside_org.assign_path(street_committee)
    outside_org.save()
    outside_member = world["make_member"](community_branch, name=f"{marker}党员")
    world["make_member"](outside_org, name=f"{marker}协会党员")
    outside_division = Division(name=f"{marker}社区", category="城市社区")
    outside_division.assign_path(county["street"])
    outside_division.save()
    org = {"pk": outside_org.pk}
    member = {"pk": outside_member.pk}
    return {
        "register:org_tree": {},
        "register:org_export": {},
        "register:org_options": {},
        "register:org_create": {},
        "register:org_detail": org,
        "register:org_children": {"pk": street_committee.pk},
        "register:org_edit": org,
        "register:org_move": org,
        "register:org_suspend": org,
        "register:org_restore": org,
        "register:org_delete": org,
        "register:division_list": {},
        "register:division_export": {},
        "register:division_create": {},
        "register:division_edit": {"pk": outside_division.pk},
        "register:member_list": {},
        "register:member_export": {},
        "register:member_create": {},
        "register:member_detail": member,
        "register:member_reveal": member,
        "register:member_edit": member,
        "register:member_move": member,
        "register:member_suspend": member,
        "register:member_restore": member,
    }
