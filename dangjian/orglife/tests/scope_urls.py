"""Organisational life URLs for the project-wide scope matrix: every object lies in the 乙街道 subtree."""
import datetime


def url_cases(world) -> dict[str, dict]:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from dangjian.orglife.models import Activity, Attachment, Base, Booking, PartyGroup, ReviewComment

    marker = world["marker"]
    street = world["county"]["street_committee"]
    branch = world["county"]["community_branch"]
    day = timezone.localdate() - datetime.timedelta(days=1)
    activity = Activity.objects.create(
        organization=branch, activity_type="theme_day", date=day, start_time=datetime.time(9, 0),
        end_time=datetime.time(10, 0), place=f"{marker}会议室", host=f"{marker}书记", topic=f"{marker}主题",
        expected_count=5, present_count=5, recorded_on=day)
    # One fixed file under MEDIA_ROOT, reused by every run (no litter).
    name = "orglife/scope-matrix.pdf"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(b"%PDF-1.4 test"))
    attachment = Attachment.objects.create(activity=activity, file=name, original_name=f"{marker}.pdf", size=13,
                                           content_type="application/pdf")
    comment = ReviewComment.objects.create(activity=activity, kind="rectification", text=f"{marker}整改",
                                           author_name="街道组织员")
    group = PartyGroup.objects.create(branch=branch, name=f"{marker}党小组")
    base = Base.objects.create(name=f"{marker}街道基地", organization=street, address="某路", capacity=30,
                               opens_at=datetime.time(8, 0), closes_at=datetime.time(18, 0), open_days="1234567")
    booking = Booking.objects.create(base=base, organization=branch, date=timezone.localdate() + datetime.timedelta(days=2),
                                     start_time=datetime.time(9, 0), end_time=datetime.time(10, 0), expected_count=10,
                                     purpose=f"{marker}活动")
    return {
        "orglife:index": {},
        "orglife:activity_create": {},
        "orglife:activity_attendance": {},
        "orglife:activity_detail": {"pk": activity.pk},
        "orglife:activity_edit": {"pk": activity.pk},
        "orglife:activity_delete": {"pk": activity.pk},
        "orglife:attachment_upload": {"pk": activity.pk},
        "orglife:comment_create": {"pk": activity.pk},
        "orglife:attachment_download": {"pk": attachment.pk},
        "orglife:attachment_delete": {"pk": attachment.pk},
        "orglife:comment_answer": {"pk": comment.pk},
        "orglife:compliance": {},
        "orglife:bulletin": {},
        "orglife:reviews": {},
        "orglife:groups": {},
        "orglife:group_create": {},
        "orglife:group_edit": {"pk": group.pk},
        "orglife:group_delete": {"pk": group.pk},
        "orglife:bases": {},
        "orglife:base_create": {},
        "orglife:base_detail": {"pk": base.pk},
        "orglife:base_edit": {"pk": base.pk},
        "orglife:bookings": {},
        "orglife:booking_decide": {"pk": booking.pk},
        "orglife:booking_cancel": {"pk": booking.pk},
        "orglife:booking_complete": {"pk": booking.pk},
        "orglife:sheet_export": {},
    }
