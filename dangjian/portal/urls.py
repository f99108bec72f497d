from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.me, name="me"),
    path("sms/", views.me_sms, name="me_sms"),
    path("transfer/", views.me_transfer, name="me_transfer"),
]
