from django.urls import path

from . import views

app_name = "governance"
urlpatterns = [
    path("matters/", views.matters, name="matters"),
    path("matters/new/", views.matter_create, name="matter_create"),
    path("matters/<int:pk>/", views.matter_detail, name="matter_detail"),
    path("matters/<int:pk>/steps/", views.step_create, name="step_create"),
    path("steps/<int:pk>/attachments/", views.step_attach, name="step_attach"),
    path("steps/<int:pk>/notice.docx", views.step_notice, name="step_notice"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("templates/", views.templates, name="templates"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/copy/", views.template_copy, name="template_copy"),
    path("templates/<int:pk>/activate/", views.template_activate, name="template_activate"),
    path("public/", views.public, name="public"),
    path("disputes/", views.disputes, name="disputes"),
    path("disputes/new/", views.dispute_create, name="dispute_create"),
    path("disputes/<int:pk>/", views.dispute_edit, name="dispute_edit"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/new/", views.item_create, name="item_create"),
    path("catalogue/<int:pk>/", views.item_edit, name="item_edit"),
    path("requests/", views.requests_view, name="requests"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/close/", views.request_close, name="request_close"),
    path("requests/<int:pk>/hand-up/", views.request_hand_up, name="request_hand_up"),
    path("cases/", views.cases, name="cases"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<int:pk>/", views.case_edit, name="case_edit"),
]
