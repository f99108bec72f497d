"""URLs of the stats app for the project-wide scope matrix (dangjian/core/tests/test_scope_matrix.py).

Both pages take no URL kwargs: they show the user's own scope (an out-of-scope ``?org=`` answers
404, tested in test_page.py and test_export.py). The case adds a branch, named with the matrix's
marker and holding a member, in the 乙街道 subtree: neither its name nor its member may show in
the page or the export of the 甲镇 organiser, the 一村 secretary or a member.
"""
from dangjian.register.models import Organization


def url_cases(world) -> dict[str, dict]:
    county = world["county"]
    marker = world.get("marker", "界外标记")
    branch = Organization(name=f"{marker}统计支部", org_type="党支部", unit_type="社区",
                          division=county["community"])
    branch.assign_path(county["street_committee"])
    branch.save()
    world["make_member"](branch, name=f"{marker}党员")
    return {"stats:index": {}, "stats:export": {}}
