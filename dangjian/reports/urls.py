from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("docx/", views.docx, name="docx"),
    path("figures.xlsx", views.figures_xlsx, name="figures_xlsx"),
    path("figure/", views.figure, name="figure"),
    path("job/", views.job, name="job"),
    path("template/", views.template_edit, name="template"),
    path("template/preview/", views.template_preview, name="template_preview"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("annual/", views.annual_tables, name="annual"),
]
