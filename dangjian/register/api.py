"""The register in the REST API: divisions, organisations and members — read, create, change
(PATCH), and the page's other writes (organisations: move, suspend/restore, delete; members: move,
stop/restore membership) — and the audited reveal of a member's full ID or phone number.

Writes bind the page's own form to the JSON body (``core.restapi.bind_form``: the same choice
scopes, checks and Chinese field messages) and call the same ``services`` function (same rules,
same audit row). Members are masked; the member list takes the page's filters."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from dangjian.core.extensions import ApiRoute
from dangjian.core.restapi import ScopedReadOnlyViewSet, actor_for, bind_form, created, request_body

from . import services
from .filters import filtered_members
from .forms import (
    ORDERINGS, STATUS_ALL, DivisionForm, MemberForm, MemberMoveForm, OrganizationForm, OrganizationMoveForm, ReasonForm,
    member_org_choices, org_choices_for_change,
)
from .models import Division, Member, Organization
from .views import require_county_admin, require_staff
from .vocab import (
    AGE_BANDS, ETHNIC_CHOICES, DivisionCategory, Education, MemberStatus, Occupation, OrgType, Sex, UnitType,
)

ID = {"min_value": 1, "max_value": 2**31 - 1}


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


# --- Request bodies (the schema of the writes; the page's form validates them) ---------------------

class DivisionWrite(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="名称")
    category = serializers.ChoiceField(choices=DivisionCategory.choices, help_text="类别")
    parent = serializers.IntegerField(required=False, allow_null=True, help_text="上级区划编号", **ID)


class OrganizationWrite(serializers.Serializer):
    parent = serializers.IntegerField(help_text="上级党组织编号（新增时必填；修改隶属关系用 move）", **ID)
    name = serializers.CharField(max_length=200)
    org_type = serializers.ChoiceField(choices=[c for c in OrgType.choices if c[0] != OrgType.COUNTY_COMMITTEE])
    unit_type = serializers.ChoiceField(choices=UnitType.choices)
    division = serializers.IntegerField(help_text="所在行政区划编号", **ID)
    secretary_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    founded_on = serializers.DateField(required=False, allow_null=True)
    term_ends_on = serializers.DateField(required=False, allow_null=True)


class OrganizationChange(OrganizationWrite):
    parent = None


class MemberWrite(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18, min_length=18, help_text="公民身份号码（修改时不填则不变）")
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True, help_text="不填由身份号码带出")
    birth_date = serializers.DateField(required=False, allow_null=True, help_text="不填由身份号码带出")
    ethnicity = serializers.ChoiceField(choices=ETHNIC_CHOICES)
    education = serializers.ChoiceField(choices=Education.choices)
    occupation = serializers.ChoiceField(choices=Occupation.choices)
    organization = serializers.IntegerField(help_text="所在党组织编号（修改所在组织用 move）", **ID)
    joined_on = serializers.DateField()
    full_on = serializers.DateField(required=False, allow_null=True, help_text="预备党员不填")
    phone = serializers.CharField(max_length=11, required=False, allow_blank=True)
    is_floating = serializers.BooleanField(required=False)
    under_party_probation = serializers.BooleanField(required=False)


class MemberChange(MemberWrite):
    organization = None
    clear_phone = serializers.BooleanField(required=False, help_text="清除手机号码")


class ReasonWrite(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="原因（写入操作日志）")


class OptionalReasonWrite(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class OrganizationMoveWrite(serializers.Serializer):
    new_parent = serializers.IntegerField(help_text="新的上级党组织编号", **ID)


class MemberMoveWrite(serializers.Serializer):
    organization = serializers.IntegerField(help_text="调整到的党组织编号", **ID)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


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


@extend_schema_view(
    list=extend_schema(summary="行政区划列表", parameters=TREE_FILTERS),
    retrieve=extend_schema(summary="行政区划"),
    create=extend_schema(summary="新增行政区划（县委组织部）", request=DivisionWrite, responses={201: DivisionSerializer}),
    partial_update=extend_schema(summary="修改行政区划（县委组织部；含调整上级）", request=DivisionWrite,
                                 responses={200: DivisionSerializer}))
class DivisionViewSet(TreeFilterMixin, ScopedReadOnlyViewSet):
    scoped_model = Division
    serializer_class = DivisionSerializer
    queryset = Division.objects.none()

    def create(self, request, *args, **kwargs):
        require_county_admin(request.user)
        data = bind_form(DivisionForm, request_body(request), user=request.user).cleaned_data
        division = services.create_division(actor=actor_for(request), name=data["name"], category=data["category"],
                                            parent=data.get("parent"))
        return created(DivisionSerializer, division, request)

    def partial_update(self, request, *args, **kwargs):
        require_county_admin(request.user)
        division = self.get_object()
        data = bind_form(DivisionForm, request_body(request), partial=True, user=request.user,
                         instance=division).cleaned_data
        division = services.update_division(division, actor=actor_for(request), name=data["name"],
                                            category=data["category"], parent=data.get("parent"))
        return Response(DivisionSerializer(division).data)


@extend_schema_view(
    list=extend_schema(summary="党组织列表", parameters=TREE_FILTERS + [
        OpenApiParameter("org_type", str, enum=OrgType.values, description="组织类别"),
        OpenApiParameter("active", bool, description="只列正常运行的组织")]),
    retrieve=extend_schema(summary="党组织"),
    create=extend_schema(summary="新增党组织", request=OrganizationWrite, responses={201: OrganizationSerializer}),
    partial_update=extend_schema(summary="修改党组织", request=OrganizationChange, responses={200: OrganizationSerializer}),
    destroy=extend_schema(summary="删除党组织（没有党员、下级组织和账号时；否则请停用）", responses={204: None}))
class OrganizationViewSet(TreeFilterMixin, ScopedReadOnlyViewSet):
    scoped_model = Organization
    serializer_class = OrganizationSerializer
    queryset = Organization.objects.none()

    def _done(self, org, status=200):
        org = Organization.objects.select_related("division").get(pk=org.pk)
        return Response(OrganizationSerializer(org).data, status=status)

    def create(self, request, *args, **kwargs):
        user = request.user
        if not org_choices_for_change(user).exists():
            raise PermissionDenied("您没有新增党组织的权限")
        form = bind_form(OrganizationForm, request_body(request), user=user)
        org = services.create_organization(actor=actor_for(request), parent=form.cleaned_data["parent"],
                                           **form.service_fields())
        return self._done(org, 201)

    def partial_update(self, request, *args, **kwargs):
        org = self.get_object()
        form = bind_form(OrganizationForm, request_body(request), partial=True, user=request.user, instance=org)
        return self._done(services.update_organization(org, actor=actor_for(request), **form.service_fields()))

    def destroy(self, request, *args, **kwargs):
        org = self.get_object()
        services.delete_organization(org, actor=actor_for(request))
        return Response(status=204)

    @extend_schema(summary="调整隶属关系", request=OrganizationMoveWrite, responses={200: OrganizationSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        org = self.get_object()
        if org.parent_id is None:
            raise PermissionDenied("县委是根组织，不能调整隶属关系")
        form = bind_form(OrganizationMoveForm, request_body(request), user=request.user, org=org)
        return self._done(services.move_organization(org, actor=actor_for(request),
                                                     new_parent=form.cleaned_data["new_parent"]))

    @extend_schema(summary="停用党组织（须填原因）", request=ReasonWrite, responses={200: OrganizationSerializer})
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        org = self.get_object()
        form = bind_form(ReasonForm, request_body(request), reason_required=True)
        return self._done(services.set_organization_active(org, actor=actor_for(request), active=False,
                                                           reason=form.cleaned_data["reason"]))

    @extend_schema(summary="恢复党组织", request=OptionalReasonWrite, responses={200: OrganizationSerializer})
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        org = self.get_object()
        form = bind_form(ReasonForm, request_body(request), reason_required=False)
        return self._done(services.set_organization_active(org, actor=actor_for(request), active=True,
                                                           reason=form.cleaned_data["reason"]))

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


@extend_schema_view(
    list=extend_schema(summary="党员列表（号码打码）", parameters=MEMBER_FILTERS),
    retrieve=extend_schema(summary="党员（号码打码）"),
    create=extend_schema(summary="新增党员", request=MemberWrite, responses={201: MemberSerializer}),
    partial_update=extend_schema(summary="修改党员信息（号码不填则不变）", request=MemberChange,
                                 responses={200: MemberSerializer}))
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

    def _done(self, member, status=200):
        member = Member.objects.select_related("organization").get(pk=member.pk)
        return Response(MemberSerializer(member).data, status=status)

    def create(self, request, *args, **kwargs):
        user = request.user
        require_staff(user)
        if not member_org_choices(user).exists():
            raise PermissionDenied("您的管理范围内没有可以编入党员的党组织")
        form = bind_form(MemberForm, request_body(request), user=user)
        return self._done(services.create_member(actor=actor_for(request), **form.service_data()), 201)

    def _member_for_change(self):
        member = self.get_object()
        require_staff(self.request.user)
        return member

    def partial_update(self, request, *args, **kwargs):
        member = self._member_for_change()
        form = bind_form(MemberForm, request_body(request), partial=True, user=request.user, instance=member)
        return self._done(services.update_member(member, actor=actor_for(request),
                                                 **form.service_data(include_numbers=False)))

    @extend_schema(summary="调整所在党组织（更正名册；正式转接走组织关系转接）", request=MemberMoveWrite,
                   responses={200: MemberSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        member = self._member_for_change()
        data = bind_form(MemberMoveForm, request_body(request), user=request.user, member=member).cleaned_data
        return self._done(services.move_member(member, actor=actor_for(request), organization=data["organization"],
                                               reason=data["reason"]))

    def _set_status(self, request, status):
        member = self._member_for_change()
        form = bind_form(ReasonForm, request_body(request))
        return self._done(services.set_member_status(member, actor=actor_for(request), status=status,
                                                     reason=form.cleaned_data["reason"]))

    @extend_schema(summary="停止党籍（须填原因）", request=ReasonWrite, responses={200: MemberSerializer})
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._set_status(request, MemberStatus.SUSPENDED)

    @extend_schema(summary="恢复党籍（须填原因）", request=ReasonWrite, responses={200: MemberSerializer})
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        return self._set_status(request, MemberStatus.NORMAL)


ROUTES = [
    ApiRoute("register/divisions", DivisionViewSet, "division", "名册"),
    ApiRoute("register/organizations", OrganizationViewSet, "organization", "名册"),
    ApiRoute("register/members", MemberViewSet, "member", "名册"),
]
