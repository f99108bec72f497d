from django.urls import path

from . import views

app_name = "cobuilding"
urlpatterns = [
    path("", views.index, name="index"),
]
