"""Core URLs for the project-wide scope matrix. None takes kwargs; the audit log and the rule
settings answer 403 to everyone but the county admin, and the home page shows only the user's scope.
"""


def url_cases(world) -> dict[str, dict]:
    from dangjian.core import audit
    from dangjian.core.actor import Actor
    from dangjian.core.models import AuditLog

    # A row about an out-of-scope object: no organiser, secretary or member may read it.
    community_branch = world["county"]["community_branch"]
    audit.record(actor=Actor.command(), action=AuditLog.Action.CHANGED, obj=community_branch,
                 object_repr=f"{world['marker']}审计对象", changes={"secretary_name": ["甲", "乙"]})
    return {"core:home": {}, "core:audit_log": {}, "core:audit_export": {}, "core:rule_settings": {}}
