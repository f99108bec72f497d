from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("dangjian.accounts.urls")),
    path("", include("dangjian.core.urls")),
]
