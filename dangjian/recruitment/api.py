"""发展党员纪实 in the REST API: list, read (with its steps), and record the next step through
``services.record_step`` (the 细则 checks refuse with the rule and the dates, as on the page)."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action

from dangjian.core.extensions import ApiRoute
from dangjian.core.restapi import ScopedReadOnlyViewSet, actor_for, created
from dangjian.core.scope import VIEW, subtree_q
from dangjian.register.models import Member, Organization

from . import services
from .models import Recruitment, StepRecord
from .steps import STEP_CHOICES


class StepSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)

    class Meta:
        model = StepRecord
        fields = ["id", "step", "title", "date", "note", "committee", "talker", "votes_entitled", "votes_present",
                  "votes_for", "votes_against", "votes_abstain", "training_days", "training_hours"]
        read_only_fields = fields


class RecruitmentSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    id_number = serializers.CharField(source="id_number_masked", read_only=True, help_text="公民身份号码（打码）")
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = Recruitment
        fields = ["id", "name", "sex", "birth_date", "education", "occupation", "id_number", "organization",
                  "organization_name", "status", "last_step", "last_step_on", "applied_on", "activist_on",
                  "target_on", "admitted_on", "probation_ends_on", "full_on", "steps"]
        read_only_fields = fields


class StepCreateSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=STEP_CHOICES)
    date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True)
    committee = serializers.IntegerField(required=False, allow_null=True, help_text="审批（备案）党委编号")
    talker = serializers.CharField(required=False, allow_blank=True, max_length=100)
    contacts = serializers.ListField(child=serializers.IntegerField(), required=False, help_text="培养联系人（党员编号）")
    introducers = serializers.ListField(child=serializers.IntegerField(), required=False, help_text="入党介绍人（党员编号）")
    votes_entitled = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    votes_present = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    votes_for = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    votes_against = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    votes_abstain = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    training_days = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    training_hours = serializers.IntegerField(required=False, allow_null=True, min_value=0)


@extend_schema_view(
    list=extend_schema(summary="发展党员纪实列表", parameters=[
        OpenApiParameter("org", int, description="党组织编号（含下级）"),
        OpenApiParameter("status", str, description="进行中、已完成、已终止"),
        OpenApiParameter("q", str, description="姓名包含")]),
    retrieve=extend_schema(summary="发展党员纪实（含已登记步骤）"))
class RecruitmentViewSet(ScopedReadOnlyViewSet):
    scoped_model = Recruitment
    serializer_class = RecruitmentSerializer
    queryset = Recruitment.objects.none()

    def get_queryset(self):
        qs = super().get_queryset().select_related("organization").prefetch_related("steps")
        p = self.request.query_params
        if p.get("org"):
            try:
                org = Organization.objects.for_user(self.request.user, VIEW).filter(pk=int(p["org"])).first()
            except ValueError:
                org = None
            qs = qs.filter(subtree_q(org, "organization")) if org else qs.none()
        if p.get("status"):
            qs = qs.filter(status=p["status"])
        if p.get("q"):
            qs = qs.filter(name__contains=p["q"].strip())
        return qs

    @extend_schema(summary="登记下一步骤（与页面相同的《细则》检查和操作日志）", request=StepCreateSerializer,
                   responses={201: StepSerializer})
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        recruitment = self.get_object()
        body = StepCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        user = request.user
        if data.get("committee") is not None:
            committee = Organization.objects.for_user(user, VIEW).filter(pk=data["committee"]).first()
            if committee is None:
                raise serializers.ValidationError({"committee": ["党委不存在或不在您的管理范围内"]})
            data["committee"] = committee
        for field, label in (("contacts", "培养联系人"), ("introducers", "入党介绍人")):
            ids = data.pop(field, None) or []
            found = {m.pk: m for m in Member.objects.for_user(user, VIEW).filter(pk__in=ids)}
            if len(found) != len(set(ids)):
                raise serializers.ValidationError({field: [f"{label}中有党员不存在或不在您的管理范围内"]})
            data[field] = [found[i] for i in ids]
        data = {k: v for k, v in data.items() if v is not None}
        record = services.record_step(recruitment, actor=actor_for(request), **data)
        return created(StepSerializer, record, request)


ROUTES = [ApiRoute("recruitment/files", RecruitmentViewSet, "recruitment", "发展党员")]
