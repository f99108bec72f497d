from django.urls import path

from . import views

app_name = "cobuilding"
urlpatterns = [
    path("", views.index, name="index"),
    path("regions/new/", views.region_create, name="region_create"),
    path("regions/<int:pk>/", views.region_detail, name="region_detail"),
    *views.ledger_urls(),
    path("meetings/<int:pk>/agenda/", views.meeting_agenda, name="meeting_agenda"),
    path("items/<int:pk>/match/", views.item_match, name="item_match"),
    path("resources/<int:pk>/book/", views.resource_book, name="resource_book"),
    path("bookings/", views.bookings, name="bookings"),
    path("bookings/<int:pk>/decide/", views.booking_decide, name="booking_decide"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("dual/", views.dual_list, name="dual_list"),
    path("dual/new/", views.dual_create, name="dual_create"),
    path("dual/<int:pk>/", views.dual_detail, name="dual_detail"),
    path("dual/<int:pk>/services/new/", views.service_create, name="service_create"),
    path("twonew/", views.twonew, name="twonew"),
    path("twonew/new/", views.unit_create, name="unit_create"),
    path("twonew/<int:pk>/", views.unit_edit, name="unit_edit"),
    path("twonew/coverage/", views.coverage, name="coverage"),
    path("ratings/", views.ratings, name="ratings"),
    path("ratings/due/", views.ratings_due, name="ratings_due"),
    path("ratings/new/", views.rating_create, name="rating_create"),
    path("ratings/<int:pk>/", views.rating_detail, name="rating_detail"),
    path("ratings/<int:pk>/review/", views.rating_review, name="rating_review"),
    path("ratings/<int:pk>/publish/", views.rating_publish, name="rating_publish"),
    path("subsidies/", views.subsidies, name="subsidies"),
    path("brands/", views.brands, name="brands"),
    path("brands/new/", views.brand_create, name="brand_create"),
    path("brands/<int:pk>/", views.brand_detail, name="brand_detail"),
    path("brands/<int:pk>/recognise/", views.brand_recognise, name="brand_recognise"),
    path("brands/<int:pk>/revoke/", views.brand_revoke, name="brand_revoke"),
    path("brands/<int:pk>/milestones/", views.milestone_create, name="milestone_create"),
]
