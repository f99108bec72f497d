"""The register in the REST API: divisions, organisations and members (read), and the audited
reveal of a member's full ID or phone number. Members are masked; the member list takes the same
filters as the page (``register.filters.filtered_members``)."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from dangjian.core.extensions import ApiRoute
from dangjian.core.restapi import ScopedReadOnlyViewSet, actor_for

from . import services
from .filters import filtered_members
from .forms import ORDERINGS, STATUS_ALL
from .models import Division, Member, Organization
from .vocab import AGE_BANDS, Education, MemberStatus, OrgType, Sex


class DivisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Division
        fields = ["id", "name", "category", "parent", "depth"]


class OrganizationSerializer(serializers.ModelSerializer):
    division_name = serializers.CharField(source="division.name", read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "org_type", "unit_type", "parent", "depth", "division", "division_name",
                  "founded_on", "term_ends_on", "secretary_name", "is_active"]


class MemberSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(source="id_number_masked", read_only=True, help_text="公民身份号码（打码）")
    phone = serializers.CharField(source="phone_masked", read_only=True, help_text="手机号码（打码）")
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Member
        fields = ["id", "name", "sex", "ethnicity", "birth_date", "education", "occupation", "organization",
                  "organization_name", "joined_on", "full_on", "status", "is_floating", "under_party_probation",
                  "id_number", "phone"]


TREE_FILTERS = [
    OpenApiParameter("q", str, description="名称包含"),
    OpenApiParameter("parent", int, description="只列该组织（区划）的直接下级"),
]


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class TreeFilterMixin:
    def get_queryset(self):
        qs = super().get_queryset()
        params = self.request.query_params
        if params.get("q"):
            qs = qs.filter(name__contains=params["q"].strip())
        if "parent" in params:
            parent = _int(params["parent"])
            qs = qs.filter(parent_id=parent) if parent is not None else qs.none()
        return qs


@extend_schema_view(list=extend_schema(summary="行政区划列表", parameters=TREE_FILTERS),
                    retrieve=extend_schema(summary="行政区划"))
class DivisionViewSet(TreeFilterMixin, ScopedReadOnlyViewSet):
    scoped_model = Division
    serializer_class = DivisionSerializer
    queryset = Division.objects.none()


@extend_schema_view(
    list=extend_schema(summary="党组织列表", parameters=TREE_FILTERS + [
        OpenApiParameter("org_type", str, enum=OrgType.values, description="组织类别"),
        OpenApiParameter("active", bool, description="只列正常运行的组织")]),
    retrieve=extend_schema(summary="党组织"))
class OrganizationViewSet(TreeFilterMixin, ScopedReadOnlyViewSet):
    scoped_model = Organization
    serializer_class = OrganizationSerializer
    queryset = Organization.objects.none()

    def get_queryset(self):
        qs = super().get_queryset().select_related("division")
        params = self.request.query_params
        if params.get("org_type"):
            qs = qs.filter(org_type=params["org_type"])
        if params.get("active") in ("true", "1"):
            qs = qs.filter(is_active=True)
        return qs


MEMBER_FILTERS = [
    OpenApiParameter("org", int, description="所在组织（含下级）编号"),
    OpenApiParameter("q", str, description="姓名包含"),
    OpenApiParameter("status", str, enum=[STATUS_ALL] + MemberStatus.values, description="党籍状态（默认 正常）"),
    OpenApiParameter("sex", str, enum=Sex.values),
    OpenApiParameter("age", str, enum=[k for k, _lo, _hi in AGE_BANDS], description="年龄段"),
    OpenApiParameter("education", str, enum=["college"] + Education.values, description="学历（college：大专及以上）"),
    OpenApiParameter("kind", str, enum=["full", "probationary"], description="正式/预备"),
    OpenApiParameter("floating", str, enum=["yes", "no"], description="流动党员"),
    OpenApiParameter("order", str, enum=list(ORDERINGS), description="排序"),
]


class RevealRequest(serializers.Serializer):
    field = serializers.ChoiceField(choices=[("id_number", "公民身份号码"), ("phone", "手机号码")],
                                    help_text="id_number 或 phone")


@extend_schema_view(list=extend_schema(summary="党员列表（号码打码）", parameters=MEMBER_FILTERS),
                    retrieve=extend_schema(summary="党员（号码打码）"))
class MemberViewSet(ScopedReadOnlyViewSet):
    scoped_model = Member
    serializer_class = MemberSerializer
    queryset = Member.objects.none()

    def get_queryset(self):
        if self.action == "list":
            params = self.request.query_params.copy()
            params.pop("page", None)
            params.pop("page_size", None)
            return filtered_members(self.request.user, params).queryset
        return super().get_queryset().select_related("organization")

    @extend_schema(summary="查看完整号码（写操作日志）", request=RevealRequest,
                   responses=inline_serializer("RevealResponse", {"field": serializers.CharField(),
                                                                  "value": serializers.CharField()}))
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """只有县委组织部可以查看完整公民身份号码或手机号码；每次查看写一条操作日志。"""
        from dangjian.core.scope import get_for_user_or_404

        member = get_for_user_or_404(Member.objects, request.user, pk=pk)
        if not getattr(request.user, "may_view_full_pii", False):
            raise PermissionDenied("只有县委组织部管理员可以查看完整号码")
        body = RevealRequest(data=request.data)
        body.is_valid(raise_exception=True)
        field = body.validated_data["field"]
        value = services.reveal_member_pii(member, actor=actor_for(request), field=field)
        return Response({"field": field, "value": value})


ROUTES = [
    ApiRoute("register/divisions", DivisionViewSet, "division", "名册"),
    ApiRoute("register/organizations", OrganizationViewSet, "organization", "名册"),
    ApiRoute("register/members", MemberViewSet, "member", "名册"),
]
