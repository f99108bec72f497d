from django.urls import path

from . import views

app_name = "recruitment"
urlpatterns = [
    path("", views.todo_list, name="todo"),
    path("candidates/", views.candidate_list, name="list"),
    path("new/", views.create, name="create"),
    path("overrides/", views.override_list, name="overrides"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/print/", views.print_view, name="print"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("<int:pk>/step/", views.record_step, name="record_step"),
    path("<int:pk>/event/<str:kind>/", views.record_event, name="record_event"),
    path("<int:pk>/attach/", views.attach, name="attach"),
    path("<int:pk>/forms/<str:form>.docx", views.docx_form, name="docx"),
    path("attachments/<int:pk>/", views.download, name="download"),
]
