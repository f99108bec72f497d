"""Scope-matrix cases for the roster app: every URL is kwargs-less; the marker member lives in the
乙街道 subtree, so an organiser's, secretary's or member's export must not show it."""


def url_cases(world) -> dict[str, dict]:
    county = world["county"]
    world["make_member"](county["community_branch"], name=world.get("marker", "界外标记Ω"))
    return {
        "roster:import": {},
        "roster:faults_xlsx": {},
        "roster:export": {},
        "roster:export_job": {},
        "roster:template": {},
    }
