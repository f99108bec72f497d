"""组织生活 records in the REST API: list (filters as the page: branch subtree, type, dates), read,
and record a held activity through ``services.record_activity`` (same checks, audit row, messages)."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from dangjian.core.extensions import ApiRoute
from dangjian.core.restapi import ScopedReadOnlyViewSet, actor_for, created
from dangjian.core.scope import CHANGE, VIEW, subtree_q
from dangjian.register.models import Member, Organization

from . import services
from .models import Activity, PartyGroup
from .vocab import ActivityType, AttendanceStatus


class AttendanceSerializer(serializers.Serializer):
    member = serializers.IntegerField(help_text="党员编号")
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ActivitySerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "organization", "organization_name", "party_group", "activity_type", "date", "start_time",
                  "end_time", "place", "host", "recorder", "topic", "lecturer", "minutes", "decisions",
                  "expected_count", "present_count", "leave_count", "quorum_met", "is_late", "recorded_on",
                  "review_count"]
        read_only_fields = fields


class ActivityCreateSerializer(serializers.Serializer):
    organization = serializers.IntegerField(help_text="党支部编号")
    activity_type = serializers.ChoiceField(choices=ActivityType.choices)
    party_group = serializers.IntegerField(required=False, allow_null=True, help_text="党小组会：党小组编号")
    date = serializers.DateField()
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    # Emptiness is the service's check (the same Chinese message as the page), not the serializer's.
    host = serializers.CharField(max_length=50, required=False, allow_blank=True)
    recorder = serializers.CharField(max_length=50, required=False, allow_blank=True)
    topic = serializers.CharField(max_length=300, required=False, allow_blank=True)
    lecturer = serializers.CharField(max_length=50, required=False, allow_blank=True)
    minutes = serializers.CharField(required=False, allow_blank=True)
    decisions = serializers.CharField(required=False, allow_blank=True)
    attendance = AttendanceSerializer(many=True, required=False, help_text="出席名单；不填时按人数登记")
    expected_count = serializers.IntegerField(min_value=0, required=False)
    present_count = serializers.IntegerField(min_value=0, required=False)
    leave_count = serializers.IntegerField(min_value=0, required=False)


def _in_scope_or_error(queryset, pk, user, field, label, action=CHANGE):
    obj = queryset.for_user(user, action).filter(pk=pk).first() if pk is not None else None
    if obj is None:
        raise serializers.ValidationError({field: [f"{label}不存在或不在您的管理范围内"]})
    return obj


@extend_schema_view(
    list=extend_schema(summary="组织生活记录列表", parameters=[
        OpenApiParameter("org", int, description="党组织编号（含下级）"),
        OpenApiParameter("type", str, enum=ActivityType.values, description="活动类型"),
        OpenApiParameter("from", OpenApiTypes.DATE, description="日期从"),
        OpenApiParameter("to", OpenApiTypes.DATE, description="日期到")]),
    retrieve=extend_schema(summary="组织生活记录"),
    create=extend_schema(summary="登记组织生活（与页面相同的检查和操作日志）", request=ActivityCreateSerializer,
                         responses={201: ActivitySerializer}))
class ActivityViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    scoped_model = Activity
    serializer_class = ActivitySerializer
    queryset = Activity.objects.none()

    def get_queryset(self):
        qs = super().get_queryset().select_related("organization")
        p = self.request.query_params
        if p.get("org"):
            org = Organization.objects.for_user(self.request.user, VIEW).filter(pk=_int(p["org"])).first()
            qs = qs.filter(subtree_q(org, "organization")) if org else qs.none()
        if p.get("type"):
            qs = qs.filter(activity_type=p["type"])
        for param, lookup in (("from", "date__gte"), ("to", "date__lte")):
            if p.get(param):
                day = serializers.DateField().to_internal_value(p[param])
                qs = qs.filter(**{lookup: day})
        return qs

    def create(self, request, *args, **kwargs):
        body = ActivityCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        user = request.user
        org = _in_scope_or_error(Organization.objects, data.pop("organization"), user, "organization", "党组织", VIEW)
        group_id = data.pop("party_group", None)
        if group_id is not None:
            data["party_group"] = _in_scope_or_error(PartyGroup.objects, group_id, user, "party_group", "党小组", VIEW)
        attendance = data.pop("attendance", None)
        if attendance is not None:
            members = {m.pk: m for m in Member.objects.for_user(user, VIEW).filter(
                pk__in=[a["member"] for a in attendance])}
            missing = [str(a["member"]) for a in attendance if a["member"] not in members]
            if missing:
                raise serializers.ValidationError({"attendance": [f"党员编号 {'、'.join(missing)} 不存在或不在您的管理范围内"]})
            attendance = [dict(a, member=members[a["member"]]) for a in attendance]
        activity = services.record_activity(actor=actor_for(request), organization=org, attendance=attendance, **data)
        return created(ActivitySerializer, activity, request)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


ROUTES = [ApiRoute("orglife/activities", ActivityViewSet, "orglife-activity", "组织生活")]
