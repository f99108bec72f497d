from django.urls import path

from . import views

app_name = "roster"
urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("import/faults.xlsx", views.faults_xlsx, name="faults_xlsx"),
    path("export/", views.export, name="export"),
    path("export/job/", views.export_job, name="export_job"),
    path("template/", views.template, name="template"),
]
