"""Cadres in the REST API (read-only): the cadre records with the pages' filters — above all
``serving_on`` (who holds which post on a day; issue 14's accounts follow posts), training classes and
their attendance, and the 换届 ledger. ID numbers are masked. Writes stay on the pages and the Excel
ledgers, through the same services."""
from __future__ import annotations

import datetime

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from dangjian.core.extensions import ApiRoute
from dangjian.core.restapi import ScopedReadOnlyViewSet

from .models import Cadre, Election, TrainingAttendance
from .vocab import ElectionStatus, Post


def _day(raw):
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise serializers.ValidationError({"serving_on": [f"日期“{raw}”格式不正确，应为 YYYY-MM-DD"]}) from None


class CadreSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    id_number_masked = serializers.CharField(read_only=True)

    class Meta:
        model = Cadre
        fields = ["id", "name", "id_number_masked", "member", "organization", "organization_name", "post",
                  "started_on", "ended_on", "one_shoulder", "concurrent_post", "sex", "birth_date", "education",
                  "election"]
        read_only_fields = fields


class AttendanceSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    training_name = serializers.CharField(source="training.name", read_only=True)
    started_on = serializers.DateField(source="training.started_on", read_only=True)
    hours = serializers.DecimalField(source="training.hours", max_digits=6, decimal_places=1, read_only=True)
    id_number_masked = serializers.CharField(read_only=True)

    class Meta:
        model = TrainingAttendance
        fields = ["id", "training", "training_name", "started_on", "hours", "name", "id_number_masked",
                  "organization", "organization_name", "role", "cadre"]
        read_only_fields = fields


class ElectionSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Election
        fields = ["id", "organization", "organization_name", "term_ends_on", "planned_on", "status", "held_on"]
        read_only_fields = fields


@extend_schema_view(list=extend_schema(summary="干部任职记录", parameters=[
    OpenApiParameter("serving_on", str, description="只列该日在任的（YYYY-MM-DD；离任日期当天已不在任）"),
    OpenApiParameter("post", str, enum=Post.values), OpenApiParameter("organization", int),
    OpenApiParameter("member", int, description="党员编号：该党员担任过的职务")]),
    retrieve=extend_schema(summary="干部任职记录"))
class CadreViewSet(ScopedReadOnlyViewSet):
    scoped_model = Cadre
    serializer_class = CadreSerializer
    queryset = Cadre.objects.none()

    def get_queryset(self):
        qs = super().get_queryset().select_related("organization").order_by("organization__path", "post", "-started_on", "id")
        p = self.request.query_params
        day = _day(p.get("serving_on"))
        if day:
            qs = qs.serving_on(day)
        if p.get("post"):
            qs = qs.filter(post=p["post"])
        if p.get("organization", "").isdigit():
            qs = qs.filter(organization_id=int(p["organization"]))
        if p.get("member", "").isdigit():
            qs = qs.filter(member_id=int(p["member"]))
        return qs


@extend_schema_view(list=extend_schema(summary="参训记录", parameters=[OpenApiParameter("training", int)]),
                    retrieve=extend_schema(summary="参训记录"))
class AttendanceViewSet(ScopedReadOnlyViewSet):
    scoped_model = TrainingAttendance
    serializer_class = AttendanceSerializer
    queryset = TrainingAttendance.objects.none()

    def get_queryset(self):
        qs = super().get_queryset().select_related("organization", "training").order_by("-training__started_on", "id")
        if self.request.query_params.get("training", "").isdigit():
            qs = qs.filter(training_id=int(self.request.query_params["training"]))
        return qs


@extend_schema_view(list=extend_schema(summary="换届选举台账", parameters=[
    OpenApiParameter("status", str, enum=ElectionStatus.values)]), retrieve=extend_schema(summary="换届选举"))
class ElectionViewSet(ScopedReadOnlyViewSet):
    scoped_model = Election
    serializer_class = ElectionSerializer
    queryset = Election.objects.none()

    def get_queryset(self):
        qs = super().get_queryset().select_related("organization").order_by("-planned_on", "id")
        if self.request.query_params.get("status"):
            qs = qs.filter(status=self.request.query_params["status"])
        return qs


ROUTES = [
    ApiRoute("cadres/cadres", CadreViewSet, "cadres-cadre", "干部队伍"),
    ApiRoute("cadres/training-attendances", AttendanceViewSet, "cadres-attendance", "干部队伍"),
    ApiRoute("cadres/elections", ElectionViewSet, "cadres-election", "干部队伍"),
]
