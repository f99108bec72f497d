"""Cadres in the REST API (read-only): the cadre records with the pages' filters — above all
``serving_on`` (who holds which post on a day; issue 14's accounts follow posts), training classes and
their attendance, and the 换届 ledger. ID numbers are masked. Writes stay on the pages and the Excel
ledgers, through the same services — except the cadre records themselves, written here too (create,
PATCH, ``end``, DELETE) through the page's form and ``services.create_cadre`` / ``update_cadre`` /
``end_cadre`` / ``delete_cadre`` (same checks, audit row, Chinese field messages)."""
from __future__ import annotations

import datetime

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian.core.extensions import ApiRoute
from dangjian.core.restapi import LedgerWriteMixin, ScopedReadOnlyViewSet, actor_for, bind_form, request_body
from dangjian.core.scope import CHANGE
from dangjian.core.views_helpers import require_role
from dangjian.register.models import Organization

from . import services
from .forms import EDUCATION_CHOICES, CadreForm, EndForm
from .models import MANAGER_ROLES, Cadre, Election, TrainingAttendance
from .vocab import ElectionStatus, Post

MANAGER_MESSAGE = "只有乡镇（街道）组织员和县委组织部可以登记或修改"
CADRE_FIELDS = ("organization", "name", "id_number", "post", "started_on", "ended_on", "one_shoulder",
                "concurrent_post", "education", "note")


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
    # Empty for a non-member entered without an ID number: plain text, not the enum.
    sex = serializers.CharField(read_only=True)
    education = serializers.CharField(read_only=True)

    class Meta:
        model = Cadre
        fields = ["id", "name", "id_number_masked", "member", "organization", "organization_name", "post",
                  "started_on", "ended_on", "one_shoulder", "concurrent_post", "sex", "birth_date", "education",
                  "election"]
        read_only_fields = fields


class CadreWrite(serializers.Serializer):
    organization = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="所在党组织编号")
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True,
                                      help_text="公民身份号码（修改时不填则不变）")
    post = serializers.ChoiceField(choices=Post.choices)
    started_on = serializers.DateField()
    ended_on = serializers.DateField(required=False, allow_null=True)
    one_shoulder = serializers.BooleanField(required=False)
    concurrent_post = serializers.CharField(max_length=100, required=False, allow_blank=True)
    education = serializers.ChoiceField(choices=EDUCATION_CHOICES, required=False, allow_blank=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class EndWrite(serializers.Serializer):
    ended_on = serializers.DateField(help_text="离任日期（当天起不再任职）")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


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
    retrieve=extend_schema(summary="干部任职记录"),
    create=extend_schema(summary="登记干部（乡镇组织员、县委组织部）", request=CadreWrite, responses={201: CadreSerializer}),
    partial_update=extend_schema(summary="修改干部信息", request=CadreWrite, responses={200: CadreSerializer}),
    destroy=extend_schema(summary="删除干部记录（登记有误时；离任请用 end）", responses={204: None}))
class CadreViewSet(LedgerWriteMixin, ScopedReadOnlyViewSet):
    scoped_model = Cadre
    serializer_class = CadreSerializer
    queryset = Cadre.objects.none()
    form_class, fields = CadreForm, CADRE_FIELDS
    roles, roles_message = MANAGER_ROLES, MANAGER_MESSAGE

    def form_kwargs(self, instance):
        orgs = Organization.objects.for_user(self.request.user, CHANGE).filter(is_active=True).order_by("path")
        initial = {k: getattr(instance, k) for k in CADRE_FIELDS if k != "id_number"} if instance else None
        return {"organizations": orgs, "initial": initial, "editing": instance is not None}

    def save(self, instance, values):
        actor = actor_for(self.request)
        if instance is None:
            return services.create_cadre(actor=actor, **values)
        if not values.get("id_number"):
            values.pop("id_number", None)
        return services.update_cadre(instance, actor=actor, **values)

    def destroy(self, request, *args, **kwargs):
        require_role(request.user, MANAGER_ROLES, MANAGER_MESSAGE)
        services.delete_cadre(self.get_object(), actor=actor_for(request))
        return Response(status=204)

    @extend_schema(summary="登记离任", request=EndWrite, responses={200: CadreSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        require_role(request.user, MANAGER_ROLES, MANAGER_MESSAGE)
        cadre = self.get_object()
        data = bind_form(EndForm, request_body(request)).cleaned_data
        return Response(CadreSerializer(services.end_cadre(cadre, actor=actor_for(request), **data)).data)

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
