"""URL cases for the project-wide scope matrix: an SMS to a member of 乙街道 (outside the test users' scope)."""
import datetime


def url_cases(world) -> dict[str, dict]:
    from dangjian.notifications.models import Message

    member = world["make_member"](world["county"]["community_branch"], name="街道短信党员")
    message = Message.objects.create(channel="sms", kind="political_birthday", day=datetime.date(2026, 7, 1),
                                     member=member, organization=member.organization, text="生日快乐", status="failed")
    return {
        "notifications:inbox": {},
        "notifications:mark_all_read": {},
        "notifications:outbox": {},
        "notifications:retry": {"pk": message.pk},
        "notifications:templates": {},
    }
