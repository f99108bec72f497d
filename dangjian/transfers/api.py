"""组织关系转接 in the REST API: list (filters: status, kind, open), read, apply for a transfer
(``services.start_transfer``) and take the procedure's next step (``POST {id}/steps/``: approve,
reject, cancel, accept, return, receipt, reissue — the page's step forms and services, which judge
who may take which step: same checks, audit rows, notifications)."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian.core.extensions import ApiRoute
from dangjian.core.restapi import ScopedReadOnlyViewSet, actor_for, bind_form, created, request_body
from dangjian.core.scope import VIEW, get_for_user_or_404
from dangjian.register.models import Member, Organization

from . import services
from .models import OPEN_STATUSES, Kind, Status, Transfer


class TransferSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    from_org_name = serializers.CharField(source="from_org.name", read_only=True, default="")
    to_org_name = serializers.CharField(source="to_org.name", read_only=True, default="")

    class Meta:
        model = Transfer
        fields = ["id", "kind", "member", "member_name", "from_org", "from_org_name", "to_org", "to_org_name",
                  "external_org_name", "requested_destination", "reason", "status", "requested_on",
                  "letter_number", "issued_on", "valid_until", "accepted_on", "reported_on", "completed_on"]
        read_only_fields = fields


class TransferCreateSerializer(serializers.Serializer):
    member = serializers.IntegerField(help_text="党员编号")
    to_org = serializers.IntegerField(required=False, allow_null=True, help_text="转入党组织编号（平台内）")
    destination = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                        help_text="不选转入组织时，用文字写明拟转入的党组织")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class StepWrite(serializers.Serializer):
    step = serializers.ChoiceField(choices=[("approve", "审批通过并开具介绍信"), ("reject", "不予批准"), ("cancel", "撤销转接"),
                                            ("accept", "接收（党员已报到）"), ("return", "退回"),
                                            ("receipt", "登记回执，办结"), ("reissue", "重新开具介绍信")])
    note = serializers.CharField(required=False, allow_blank=True, max_length=300,
                                 help_text="approve/cancel：意见；reject：理由（必填）")
    to_org = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                      help_text="approve：申请时未选转入组织的，选择转入党组织")
    reported_on = serializers.DateField(required=False, help_text="accept：报到日期")
    return_reason = serializers.CharField(required=False, max_length=300, help_text="return：退回原因")
    receipt_on = serializers.DateField(required=False, help_text="receipt：回执日期")


@extend_schema_view(
    list=extend_schema(summary="组织关系转接列表", parameters=[
        OpenApiParameter("status", str, enum=Status.values), OpenApiParameter("kind", str, enum=Kind.values),
        OpenApiParameter("open", bool, description="只列办理中的")]),
    retrieve=extend_schema(summary="组织关系转接"),
    create=extend_schema(summary="申请组织关系转接（与页面相同的检查和操作日志）", request=TransferCreateSerializer,
                         responses={201: TransferSerializer}))
class TransferViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    scoped_model = Transfer
    serializer_class = TransferSerializer
    queryset = Transfer.objects.none()

    def get_queryset(self):
        qs = super().get_queryset().select_related("member", "from_org", "to_org")
        p = self.request.query_params
        if p.get("status"):
            qs = qs.filter(status=p["status"])
        if p.get("kind"):
            qs = qs.filter(kind=p["kind"])
        if p.get("open") in ("true", "1"):
            qs = qs.filter(status__in=OPEN_STATUSES)
        return qs

    def create(self, request, *args, **kwargs):
        body = TransferCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = request.user
        member = Member.objects.for_user(user, VIEW).filter(pk=data["member"]).first()
        if member is None:
            raise serializers.ValidationError({"member": ["党员不存在或不在您的管理范围内"]})
        to_org = None
        if data.get("to_org") is not None:
            # The receiving organisation may lie outside the sender's subtree: any organisation.
            to_org = Organization.objects.filter(pk=data["to_org"]).first()
            if to_org is None:
                raise serializers.ValidationError({"to_org": ["转入党组织不存在"]})
        transfer = services.start_transfer(actor=actor_for(request), member=member, to_org=to_org,
                                           reason=data.get("reason", ""), destination=data.get("destination", ""))
        return created(TransferSerializer, transfer, request)

    @extend_schema(summary="办理下一步（与页面相同的表单、检查、操作日志和通知）", request=StepWrite,
                   responses={200: TransferSerializer})
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        from .views import STEP_FORMS, _form_class, perform_step

        # Both sides of a transfer act on it: the services judge who may take which step (403).
        transfer = get_for_user_or_404(Transfer.objects.all(), request.user, pk=pk)
        body = request_body(request)
        step = body.pop("step", None)
        if not isinstance(step, str) or step not in STEP_FORMS:
            raise serializers.ValidationError({"step": ["请选择要办理的步骤"]})
        form_class = _form_class(transfer, step, request.user)
        data = bind_form(form_class, body).cleaned_data if form_class is not None else {}
        perform_step(transfer, step, actor=actor_for(request), data=data)
        transfer = Transfer.objects.select_related("member", "from_org", "to_org").get(pk=transfer.pk)
        return Response(TransferSerializer(transfer).data)


ROUTES = [ApiRoute("transfers", TransferViewSet, "transfer", "组织关系转接")]
