from django.urls import path

from . import views

app_name = "orglife"
urlpatterns = [
    path("", views.index, name="index"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/attendance/", views.activity_attendance, name="activity_attendance"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("activities/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("activities/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("comments/<int:pk>/answer/", views.comment_answer, name="comment_answer"),
    path("compliance/", views.compliance_view, name="compliance"),
    path("bulletin/", views.bulletin_view, name="bulletin"),
    path("reviews/", views.reviews, name="reviews"),
    path("groups/", views.groups, name="groups"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/delete/", views.group_delete, name="group_delete"),
    path("bases/", views.bases, name="bases"),
    path("bases/new/", views.base_create, name="base_create"),
    path("bases/<int:pk>/", views.base_detail, name="base_detail"),
    path("bases/<int:pk>/edit/", views.base_edit, name="base_edit"),
    path("bookings/", views.bookings, name="bookings"),
    path("bookings/<int:pk>/decide/", views.booking_decide, name="booking_decide"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/complete/", views.booking_complete, name="booking_complete"),
    path("ledger/export/", views.sheet_export, name="sheet_export"),
]
