from django.urls import path

from . import views

app_name = "transfers"
urlpatterns = [
    path("", views.transfer_list, name="list"),
    path("new/", views.transfer_new, name="new"),
    path("members/", views.member_search, name="member_search"),
    path("out/new/", views.transfer_out_new, name="out_new"),
    path("in/new/", views.transfer_in_new, name="in_new"),
    path("<int:pk>/", views.transfer_detail, name="detail"),
    path("<int:pk>/letter.docx", views.transfer_letter, name="letter"),
    path("<int:pk>/<str:step>/", views.transfer_step, name="step"),
    path("floating/", views.floating_list, name="floating_list"),
    path("floating/new/out/", views.floating_new_out, name="floating_new_out"),
    path("floating/new/in/", views.floating_new_in, name="floating_new_in"),
    path("floating/<int:pk>/", views.floating_detail, name="floating_detail"),
    path("floating/<int:pk>/reveal/", views.floating_reveal, name="floating_reveal"),
    path("floating/<int:pk>/contact/", views.floating_contact, name="floating_contact"),
    path("floating/<int:pk>/end/", views.floating_end, name="floating_end"),
]
