"""URL cases for the project-wide scope matrix: the member's own pages take no object."""


def url_cases(world) -> dict[str, dict]:
    return {"portal:me": {}, "portal:me_sms": {}, "portal:me_transfer": {}}
