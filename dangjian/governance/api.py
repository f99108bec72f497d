"""Village and community governance in the REST API (read-only): matters with their steps, disputes,
the service catalogue, service requests and 四风 cases — each list through ``for_user`` (the same
scope as the pages: the discipline office reads only its cases), with the pages' main filters.
Writes stay on the pages and the Excel ledgers, through the same services."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from dangjian.core.extensions import ApiRoute
from dangjian.core.restapi import ScopedReadOnlyViewSet, ScopedViewSetMixin

from .models import Dispute, FourWindsCase, Matter, MatterStep, ServiceItem, ServiceRequest
from .vocab import MatterStatus, ServiceLevel


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = MatterStep
        fields = ["number", "kind", "label", "date", "meeting_form", "due", "present", "in_favour", "against",
                  "content", "passed", "is_publication"]
        read_only_fields = fields


class MatterSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = Matter
        fields = ["id", "organization", "organization_name", "name", "category", "origin", "template",
                  "one_shoulder", "status", "opened_on", "steps_done", "last_step_on", "decided_on", "steps"]
        read_only_fields = fields


def _division_fields(model, *names):
    class Meta:
        pass
    Meta.model = model
    Meta.fields = ["id", *names, "division", "division_name"]
    Meta.read_only_fields = Meta.fields
    return type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), {
        "Meta": Meta, "division_name": serializers.CharField(source="division.name", read_only=True)})


DisputeSerializer = _division_fields(Dispute, "case_no", "category", "accepted_on", "mediator", "result",
                                     "transferred_to", "closed_on")
RequestSerializer = _division_fields(ServiceRequest, "number", "level", "item", "accepted_on", "closed_on",
                                     "handled_level", "handled_division", "handed_up_on")
CaseSerializer = _division_fields(FourWindsCase, "case_no", "category", "opened_on", "concluded_on")


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceItem
        fields = ["id", "category", "name", "level", "starts_on", "stops_on", "description"]
        read_only_fields = fields


def _dates(qs, params, field):
    if params.get("from"):
        qs = qs.filter(**{f"{field}__gte": params["from"]})
    if params.get("to"):
        qs = qs.filter(**{f"{field}__lte": params["to"]})
    return qs


DATE_PARAMS = [OpenApiParameter("from", str, description="YYYY-MM-DD"), OpenApiParameter("to", str, description="YYYY-MM-DD")]


@extend_schema_view(list=extend_schema(summary="议事事项列表", parameters=[
    OpenApiParameter("status", str, enum=MatterStatus.values)] + DATE_PARAMS), retrieve=extend_schema(summary="议事事项"))
class MatterViewSet(ScopedReadOnlyViewSet):
    scoped_model = Matter
    serializer_class = MatterSerializer
    queryset = Matter.objects.none()

    def get_queryset(self):
        qs = super().get_queryset().select_related("organization").prefetch_related("steps").order_by("-last_step_on", "-id")
        if self.request.query_params.get("status"):
            qs = qs.filter(status=self.request.query_params["status"])
        return _dates(qs, self.request.query_params, "last_step_on")


@extend_schema_view(list=extend_schema(summary="纠纷调处列表（按受理日期）", parameters=DATE_PARAMS),
                    retrieve=extend_schema(summary="纠纷调处"))
class DisputeViewSet(ScopedReadOnlyViewSet):
    scoped_model = Dispute
    serializer_class = DisputeSerializer
    queryset = Dispute.objects.none()

    def get_queryset(self):
        return _dates(super().get_queryset().select_related("division").order_by("-accepted_on", "-id"),
                      self.request.query_params, "accepted_on")


@extend_schema_view(list=extend_schema(summary="便民服务目录（全县的，所有登录用户可读，只有列表）"))
class ItemViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    scoped_model = ServiceItem
    serializer_class = ItemSerializer
    queryset = ServiceItem.objects.none()

    def get_queryset(self):
        return super().get_queryset().order_by("category", "name")


@extend_schema_view(list=extend_schema(summary="便民服务受理列表（按受理日期）", parameters=[
    OpenApiParameter("level", str, enum=ServiceLevel.values)] + DATE_PARAMS), retrieve=extend_schema(summary="便民服务"))
class RequestViewSet(ScopedReadOnlyViewSet):
    scoped_model = ServiceRequest
    serializer_class = RequestSerializer
    queryset = ServiceRequest.objects.none()

    def get_queryset(self):
        qs = super().get_queryset().select_related("division").order_by("-accepted_on", "-id")
        if self.request.query_params.get("level"):
            qs = qs.filter(level=self.request.query_params["level"])
        return _dates(qs, self.request.query_params, "accepted_on")


@extend_schema_view(list=extend_schema(summary="四风案件列表（按立案日期）", parameters=DATE_PARAMS),
                    retrieve=extend_schema(summary="四风案件"))
class CaseViewSet(ScopedReadOnlyViewSet):
    scoped_model = FourWindsCase
    serializer_class = CaseSerializer
    queryset = FourWindsCase.objects.none()

    def get_queryset(self):
        return _dates(super().get_queryset().select_related("division").order_by("-opened_on", "-id"),
                      self.request.query_params, "opened_on")


ROUTES = [
    ApiRoute("governance/matters", MatterViewSet, "governance-matter", "村（社区）治理"),
    ApiRoute("governance/disputes", DisputeViewSet, "governance-dispute", "村（社区）治理"),
    ApiRoute("governance/service-items", ItemViewSet, "governance-service-item", "村（社区）治理"),
    ApiRoute("governance/service-requests", RequestViewSet, "governance-service-request", "村（社区）治理"),
    ApiRoute("governance/cases", CaseViewSet, "governance-case", "村（社区）治理"),
]
