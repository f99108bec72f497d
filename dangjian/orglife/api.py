"""组织生活 records in the REST API: list (filters as the page: branch subtree, type, dates), read,
record a held activity (``services.record_activity``), change it (PATCH, ``services.update_activity``:
after the edit window an amendment with its reason) and delete it while unlocked
(``services.delete_activity``) — same checks, audit rows and Chinese field messages as the page."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.response import Response

from dangjian.core.extensions import ApiRoute
from dangjian.core.restapi import ClockField, ScopedReadOnlyViewSet, actor_for, created
from dangjian.core.roles import STAFF_ROLES
from dangjian.core.scope import CHANGE, VIEW, subtree_q
from dangjian.core.views_helpers import require_role
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
    start_time = ClockField(read_only=True)
    end_time = ClockField(read_only=True)

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
    start_time = ClockField()
    end_time = ClockField()
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


class ActivityChangeSerializer(ActivityCreateSerializer):
    organization = None
    activity_type = serializers.ChoiceField(choices=ActivityType.choices, required=False)
    date = serializers.DateField(required=False)
    start_time = ClockField(required=False)
    end_time = ClockField(required=False)
    amendment_reason = serializers.CharField(required=False, allow_blank=True, max_length=500,
                                             help_text="记录已锁定（超过修改期限）时必填的更正理由")


STAFF_MESSAGE = "组织生活由党组织书记、组织员和县委组织部使用"


def _attendance(rows, user):
    """The body's attendance list with members in the caller's scope (else 400 naming them)."""
    if rows is None:
        return None
    members = {m.pk: m for m in Member.objects.for_user(user, VIEW).filter(pk__in=[a["member"] for a in rows])}
    missing = [str(a["member"]) for a in rows if a["member"] not in members]
    if missing:
        raise serializers.ValidationError({"attendance": [f"党员编号 {'、'.join(missing)} 不存在或不在您的管理范围内"]})
    return [dict(a, member=members[a["member"]]) for a in rows]


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
                         responses={201: ActivitySerializer}),
    partial_update=extend_schema(summary="修改组织生活记录（锁定后为更正，须填更正理由）", request=ActivityChangeSerializer,
                                 responses={200: ActivitySerializer}),
    destroy=extend_schema(summary="删除组织生活记录（锁定前）", responses={204: None}))
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
        attendance = _attendance(data.pop("attendance", None), user)
        activity = services.record_activity(actor=actor_for(request), organization=org, attendance=attendance, **data)
        return created(ActivitySerializer, activity, request)

    def partial_update(self, request, *args, **kwargs):
        require_role(request.user, STAFF_ROLES, STAFF_MESSAGE)
        activity = self.get_object()
        body = ActivityChangeSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        user = request.user
        if "party_group" in data and data["party_group"] is not None:
            data["party_group"] = _in_scope_or_error(PartyGroup.objects, data["party_group"], user, "party_group",
                                                     "党小组", VIEW)
        attendance = _attendance(data.pop("attendance", None), user)
        reason = data.pop("amendment_reason", "")
        activity = services.update_activity(activity, actor=actor_for(request), attendance=attendance,
                                            amendment_reason=reason, **data)
        return Response(ActivitySerializer(Activity.objects.select_related("organization").get(pk=activity.pk)).data)

    def destroy(self, request, *args, **kwargs):
        require_role(request.user, STAFF_ROLES, STAFF_MESSAGE)
        services.delete_activity(self.get_object(), actor=actor_for(request))
        return Response(status=204)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


ROUTES = [ApiRoute("orglife/activities", ActivityViewSet, "orglife-activity", "组织生活")]
