"""Village and community governance in the REST API: matters with their steps, disputes, the service
catalogue, service requests and 四风 cases — each list through ``for_user`` (the same scope as the
pages: the discipline office reads only its cases), with the pages' main filters. The dispute and
case ledgers are also written here (create, PATCH): the page's form bound to the body and the same
``services.save_dispute`` / ``save_case`` (same checks, audit row, Chinese field messages)."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from dangjian.core.extensions import ApiRoute
from dangjian.core.restapi import LedgerWriteMixin, ScopedReadOnlyViewSet, ScopedViewSetMixin, actor_for

from . import services
from .forms import CaseForm, DisputeForm
from .models import CASE_ROLES, STAFF_ROLES, Dispute, FourWindsCase, Matter, MatterStep, ServiceItem, ServiceRequest
from .vocab import CaseCategory, DisputeCategory, DisputeResult, MatterStatus, ServiceLevel


@extend_schema_serializer(component_name="MatterStep")  # "Step" is the recruitment record's
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


def _division_fields(model, *names, **declared):
    class Meta:
        pass
    Meta.model = model
    Meta.fields = ["id", *names, "division", "division_name"]
    Meta.read_only_fields = Meta.fields
    return type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), {
        "Meta": Meta, "division_name": serializers.CharField(source="division.name", read_only=True), **declared})


# 调处结果 is empty while the dispute is being mediated: plain text, not the enum.
DisputeSerializer = _division_fields(Dispute, "case_no", "category", "accepted_on", "mediator", "result",
                                     "transferred_to", "closed_on",
                                     result=serializers.CharField(read_only=True, help_text="调处结果；调处中为空"))
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


class DisputeWrite(serializers.Serializer):
    case_no = serializers.CharField(max_length=50)
    division = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="受理地行政区划编号（乡镇、村）")
    category = serializers.ChoiceField(choices=DisputeCategory.choices)
    accepted_on = serializers.DateField()
    mediator = serializers.CharField(max_length=50, required=False, allow_blank=True)
    result = serializers.ChoiceField(choices=DisputeResult.choices, required=False, allow_blank=True)
    transferred_to = serializers.CharField(max_length=100, required=False, allow_blank=True)
    closed_on = serializers.DateField(required=False, allow_null=True)


class CaseWrite(serializers.Serializer):
    case_no = serializers.CharField(max_length=50)
    division = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="行政区划编号")
    category = serializers.ChoiceField(choices=CaseCategory.choices)
    opened_on = serializers.DateField()
    concluded_on = serializers.DateField(required=False, allow_null=True)


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
                    retrieve=extend_schema(summary="纠纷调处"),
                    create=extend_schema(summary="登记纠纷", request=DisputeWrite, responses={201: DisputeSerializer}),
                    partial_update=extend_schema(summary="修改纠纷（登记调处结果）", request=DisputeWrite,
                                                 responses={200: DisputeSerializer}))
class DisputeViewSet(LedgerWriteMixin, ScopedReadOnlyViewSet):
    scoped_model = Dispute
    serializer_class = DisputeSerializer
    queryset = Dispute.objects.none()
    form_class, fields = DisputeForm, services.DISPUTE_FIELDS
    roles, roles_message = STAFF_ROLES, "村（社区）治理台账由书记、组织员和县委组织部使用"

    def save(self, instance, values):
        return services.save_dispute(instance, actor=actor_for(self.request), **values)

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
                    retrieve=extend_schema(summary="四风案件"),
                    create=extend_schema(summary="登记四风案件", request=CaseWrite, responses={201: CaseSerializer}),
                    partial_update=extend_schema(summary="修改四风案件", request=CaseWrite, responses={200: CaseSerializer}))
class CaseViewSet(LedgerWriteMixin, ScopedReadOnlyViewSet):
    scoped_model = FourWindsCase
    serializer_class = CaseSerializer
    queryset = FourWindsCase.objects.none()
    form_class, fields = CaseForm, services.CASE_FIELDS
    roles, roles_message = CASE_ROLES, "四风案件由纪检监察部门和县委组织部管理员使用"

    def save(self, instance, values):
        return services.save_case(instance, actor=actor_for(self.request), **values)

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
