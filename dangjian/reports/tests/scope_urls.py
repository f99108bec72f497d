"""URLs of the reports app for the project-wide scope matrix (dangjian/core/tests/test_scope_matrix.py).

No page takes URL kwargs: each shows the user's own scope, or ``?org=`` within it (out of scope is
404, tested in test_views.py). The case adds a branch named with the matrix's marker, holding a
member, in the 乙街道 subtree: neither may show in the report, a figure's records, the dashboard,
the annual tables or the downloads of the 甲镇 organiser, the 一村 secretary or a member.
"""
from dangjian.register.models import Organization


def url_cases(world) -> dict[str, dict]:
    county = world["county"]
    marker = world.get("marker", "界外标记")
    branch = Organization(name=f"{marker}汇报支部", org_type="党支部", unit_type="社区", division=county["community"])
    branch.assign_path(county["street_committee"])
    branch.save()
    world["make_member"](branch, name=f"{marker}党员")
    return {name: {} for name in ("reports:index", "reports:docx", "reports:figures_xlsx", "reports:figure", "reports:job",
                                  "reports:template", "reports:template_preview", "reports:dashboard",
                                  "reports:annual")}
