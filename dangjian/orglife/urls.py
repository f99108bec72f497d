from django.urls import path

from .views import activities, bases, groups, ledger, oversight

app_name = "orglife"
urlpatterns = [
    path("", activities.index, name="index"),
    path("activities/new/", activities.activity_create, name="activity_create"),
    path("activities/attendance/", activities.activity_attendance, name="activity_attendance"),
    path("activities/<int:pk>/", activities.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", activities.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", activities.activity_delete, name="activity_delete"),
    path("activities/<int:pk>/attachments/", activities.attachment_upload, name="attachment_upload"),
    path("activities/<int:pk>/comments/", activities.comment_create, name="comment_create"),
    path("attachments/<int:pk>/", activities.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", activities.attachment_delete, name="attachment_delete"),
    path("comments/<int:pk>/answer/", activities.comment_answer, name="comment_answer"),
    path("compliance/", oversight.compliance_view, name="compliance"),
    path("bulletin/", oversight.bulletin_view, name="bulletin"),
    path("reviews/", oversight.reviews, name="reviews"),
    path("groups/", groups.groups, name="groups"),
    path("groups/new/", groups.group_create, name="group_create"),
    path("groups/<int:pk>/edit/", groups.group_edit, name="group_edit"),
    path("groups/<int:pk>/delete/", groups.group_delete, name="group_delete"),
    path("bases/", bases.bases, name="bases"),
    path("bases/new/", bases.base_create, name="base_create"),
    path("bases/<int:pk>/", bases.base_detail, name="base_detail"),
    path("bases/<int:pk>/edit/", bases.base_edit, name="base_edit"),
    path("bookings/", bases.bookings, name="bookings"),
    path("bookings/<int:pk>/decide/", bases.booking_decide, name="booking_decide"),
    path("bookings/<int:pk>/cancel/", bases.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/complete/", bases.booking_complete, name="booking_complete"),
    path("ledger/export/", ledger.sheet_export, name="sheet_export"),
]
