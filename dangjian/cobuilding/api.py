"""The 两新组织 ledger (排查 and 组建) in the REST API: list, read, register (POST) and change (PATCH)
through the page's form and ``services.save_unit`` — same checks, audit row and Chinese field
messages; every queryset through ``for_user``; writes for the township organisers and the county."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from dangjian.core.extensions import ApiRoute
from dangjian.core.restapi import LedgerWriteMixin, ScopedReadOnlyViewSet, actor_for

from . import services
from .forms import UnitForm
from .models import TwoNewUnit
from .vocab import UnitCategory

STAFF = ("county_admin", "organiser")  # as the pages (views.STAFF)
ID = {"min_value": 1, "max_value": 2**31 - 1}


class UnitSerializer(serializers.ModelSerializer):
    division_name = serializers.CharField(source="division.name", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True, default="")

    class Meta:
        model = TwoNewUnit
        fields = ["id", *services.UNIT_FIELDS, "division_name", "organization_name"]
        read_only_fields = fields


class UnitWrite(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=UnitCategory.choices)
    division = serializers.IntegerField(help_text="所在行政区划编号", **ID)
    sector = serializers.CharField(max_length=50, required=False, allow_blank=True)
    staff_count = serializers.IntegerField(min_value=0, max_value=10**7)
    member_count = serializers.IntegerField(min_value=0, max_value=10**7)
    investor = serializers.CharField(max_length=100, required=False, allow_blank=True)
    organization = serializers.IntegerField(required=False, allow_null=True, help_text="已组建的党组织编号", **ID)
    instructor = serializers.CharField(max_length=50, required=False, allow_blank=True, help_text="未建党组织时必填")
    no_body_reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
    surveyed_on = serializers.DateField()


@extend_schema_view(
    list=extend_schema(summary="两新组织台账", parameters=[
        OpenApiParameter("category", str, enum=UnitCategory.values),
        OpenApiParameter("covered", str, enum=["yes", "no"], description="yes：已建党组织；no：未建")]),
    retrieve=extend_schema(summary="两新组织"),
    create=extend_schema(summary="两新组织排查登记", request=UnitWrite, responses={201: UnitSerializer}),
    partial_update=extend_schema(summary="修改两新组织（排查、组建）", request=UnitWrite, responses={200: UnitSerializer}))
class UnitViewSet(LedgerWriteMixin, ScopedReadOnlyViewSet):
    scoped_model = TwoNewUnit
    serializer_class = UnitSerializer
    queryset = TwoNewUnit.objects.none()
    form_class, fields = UnitForm, services.UNIT_FIELDS
    roles, roles_message = STAFF, "两新组织台账由乡镇（街道）组织员和县委组织部登记"

    def get_queryset(self):
        qs = super().get_queryset().select_related("division", "organization").order_by("division__path", "name")
        p = self.request.query_params
        if p.get("category"):
            qs = qs.filter(category=p["category"])
        if p.get("covered") in ("yes", "no"):
            qs = qs.filter(organization__isnull=p["covered"] == "no")
        return qs

    def save(self, instance, values):
        return services.save_unit(actor=actor_for(self.request), instance=instance, **values)


ROUTES = [ApiRoute("cobuilding/two-new-units", UnitViewSet, "cobuilding-unit", "区域化党建与两新")]
