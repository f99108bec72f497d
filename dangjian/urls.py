from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("dangjian.accounts.urls")),
    path("register/", include("dangjian.register.urls")),
    path("roster/", include("dangjian.roster.urls")),
    path("stats/", include("dangjian.stats.urls")),
    path("recruitment/", include("dangjian.recruitment.urls")),
    path("orglife/", include("dangjian.orglife.urls")),
    path("transfers/", include("dangjian.transfers.urls")),
    path("notifications/", include("dangjian.notifications.urls")),
    path("me/", include("dangjian.portal.urls")),
    path("governance/", include("dangjian.governance.urls")),
    path("cobuilding/", include("dangjian.cobuilding.urls")),
    path("cadres/", include("dangjian.cadres.urls")),
    path("jobs/", include("dangjian.jobs.urls")),
    path("assessment/", include("dangjian.assessment.urls")),
    path("reports/", include("dangjian.reports.urls")),
    path("api/", include("dangjian.api.urls")),
    path("", include("dangjian.api.health_urls")),
    path("", include("dangjian.core.urls")),
]
