"""``/api/v1/``: every app's ROUTES (core.extensions.api_routes), statistics, the OpenAPI schema,
Swagger UI and Redoc (assets from drf-spectacular-sidecar, served locally); ``/api/keys/`` pages."""
from django.urls import include, path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from dangjian.core.extensions import api_routes

from . import views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
for route in api_routes():
    viewset = extend_schema(tags=[route.tag])(route.viewset) if route.tag else route.viewset
    router.register(route.prefix, viewset, basename=route.basename)

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/stats/party-stats/", views.party_stats, name="party_stats"),
    path("v1/reports/county-report/", views.county_report, name="county_report"),
    path("v1/schema/", SpectacularAPIView.as_view(urlconf="dangjian.urls"), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("keys/", views.keys, name="keys"),
    path("keys/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("keys/<int:pk>/uses/", views.key_uses, name="key_uses"),
]

