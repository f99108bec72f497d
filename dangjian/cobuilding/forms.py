"""Web forms; the services check the rules (the same functions the Excel import calls)."""
from __future__ import annotations

from django import forms

from dangjian.core.forms import ChineseFormMixin, DateInput
from dangjian.core.scope import subtree_q
from dangjian.register.models import Division, Member, Organization
from dangjian.register.vocab import TWO_NEW_UNIT_TYPES

from . import rules
from .models import ListItem, MemberUnit, Region, SharedResource
from .vocab import ListKind, MatterCategory, RegionKind, ResourceCategory, UnitCategory

WEEKDAYS = [("1", "周一"), ("2", "周二"), ("3", "周三"), ("4", "周四"), ("5", "周五"), ("6", "周六"), ("7", "周日")]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class Form(ChineseFormMixin, forms.Form):
    pass


class RegionForm(Form):
    organization = forms.ModelChoiceField(Organization.objects.none(), label="区域党组织（街道、社区的党委或党工委）")
    kind = forms.ChoiceField(label="类型", choices=RegionKind.choices)
    established_on = forms.DateField(label="建立日期", required=False, widget=DateInput())
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.for_user(user, "change").filter(org_type__in=rules.REGION_ORG_TYPES,
                                                                  co_building_region__isnull=True)
            .select_related("division").order_by("path"))


class RegionChildForm(Form):
    """A row of a region: the region chosen among those the user may change."""

    region = forms.ModelChoiceField(Region.objects.none(), label="区域党组织")

    def __init__(self, *args, user, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.for_user(user, "change").select_related("organization")
        if instance is not None:
            self.fields["region"].disabled = True


class MemberUnitForm(RegionChildForm):
    unit_name = forms.CharField(label="共建单位（党组织全称）", max_length=200)
    liaison = forms.CharField(label="联络人", max_length=50, required=False)
    joined_on = forms.DateField(label="加入日期", widget=DateInput())
    left_on = forms.DateField(label="退出日期", required=False, widget=DateInput(), help_text="退出当天起不再计入参与共建")


class PartTimeForm(RegionChildForm):
    name = forms.CharField(label="姓名", max_length=50)
    unit_name = forms.CharField(label="所在单位", max_length=200)
    position = forms.CharField(label="职务", max_length=50, required=False)
    started_on = forms.DateField(label="任职日期", widget=DateInput())
    ended_on = forms.DateField(label="离任日期", required=False, widget=DateInput())


class MatterForm(RegionChildForm):
    category = forms.ChoiceField(label="类别", choices=MatterCategory.choices)
    title = forms.CharField(label="事项", max_length=200)
    raised_by = forms.CharField(label="提出单位", max_length=200, required=False)
    raised_on = forms.DateField(label="提出日期", widget=DateInput())
    completed_on = forms.DateField(label="完成日期", required=False, widget=DateInput())


class ResourceForm(RegionChildForm):
    provider = forms.CharField(label="提供单位", max_length=200)
    name = forms.CharField(label="资源名称", max_length=200)
    category = forms.ChoiceField(label="资源类别", choices=ResourceCategory.choices)
    registered_on = forms.DateField(label="登记日期", widget=DateInput())
    stopped_on = forms.DateField(label="停用日期", required=False, widget=DateInput())
    address = forms.CharField(label="地址或存放地点", max_length=200, required=False)
    capacity = forms.IntegerField(label="可容纳人数（场地）", required=False, min_value=1)
    opens_at = forms.TimeField(label="开放开始时间（可预约的场地填写）", required=False, widget=TimeInput())
    closes_at = forms.TimeField(label="开放结束时间", required=False, widget=TimeInput())
    open_days = forms.MultipleChoiceField(label="开放日", choices=WEEKDAYS, required=False,
                                          widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-inline"}))

    def clean_open_days(self):
        return "".join(self.cleaned_data.get("open_days") or [])


class ListItemForm(RegionChildForm):
    kind = forms.ChoiceField(label="清单", choices=ListKind.choices)
    title = forms.CharField(label="事项", max_length=200)
    unit_name = forms.CharField(label="提出/提供单位", max_length=200, required=False)
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    listed_on = forms.DateField(label="登记日期", widget=DateInput())
    answered_by = forms.ModelChoiceField(ListItem.objects.none(), label="对接的资源（需求、项目填写）", required=False)
    done_on = forms.DateField(label="完成日期", required=False, widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["answered_by"].queryset = ListItem.objects.for_user(user, "change").filter(kind=ListKind.RESOURCE)


class MeetingForm(RegionChildForm):
    date = forms.DateField(label="会议日期", widget=DateInput())
    topic = forms.CharField(label="议题", max_length=200)
    agenda = forms.CharField(label="议程（保存后在“议程送达”中送达各共建单位）", required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.CharField(label="会议纪要", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    attendees = forms.ModelMultipleChoiceField(MemberUnit.objects.none(), label="出席单位（不选则为会议当天全部共建单位）",
                                               required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, instance=None, **kwargs):
        super().__init__(*args, user=user, instance=instance, **kwargs)
        units = MemberUnit.objects.for_user(user, "change")
        region = instance.region_id if instance is not None else (self.initial.get("region") or self.data.get("region"))
        self.fields["attendees"].queryset = units.filter(region_id=region) if str(region or "").isdigit() or \
            isinstance(region, int) else units.none()
        self.fields["attendees"].widget.attrs["class"] = "form-check-input"


class AgendaSendForm(Form):
    sent_on = forms.DateField(label="送达日期", widget=DateInput())
    units = forms.ModelMultipleChoiceField(MemberUnit.objects.none(), label="送达单位（会议当天参与共建的单位）",
                                           widget=forms.CheckboxSelectMultiple)
    agenda = forms.CharField(label="送达的议程", widget=forms.Textarea(attrs={"rows": 4}))
    method = forms.CharField(label="送达方式（如纸质、电子邮件、工作群）", max_length=50, required=False)

    def __init__(self, *args, due_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = MemberUnit.objects.filter(pk__in=[u.pk for u in due_units]).order_by(
            "joined_on", "unit_name")
        self.fields["units"].widget.attrs["class"] = "form-check-input"


class BookingForm(Form):
    organization = forms.ModelChoiceField(Organization.objects.none(), label="预约党组织")
    date = forms.DateField(label="日期", widget=DateInput())
    start_time = forms.TimeField(label="开始时间", widget=TimeInput())
    end_time = forms.TimeField(label="结束时间", widget=TimeInput())
    expected_count = forms.IntegerField(label="预计人数", min_value=1)
    purpose = forms.CharField(label="用途", max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.for_user(user).grassroots().order_by("path")


class DecisionForm(Form):
    note = forms.CharField(label="审核意见（不同意时必填）", max_length=200, required=False)


class DualReportForm(Form):
    member = forms.ModelChoiceField(Member.objects.none(), label="党员")
    community = forms.ModelChoiceField(Organization.objects.none(), label="报到社区党组织")
    reported_on = forms.DateField(label="报到日期", widget=DateInput())
    posts = forms.CharField(label="认领服务岗位", max_length=200, required=False)

    def __init__(self, *args, user, q: str = "", cq: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        members = Member.objects.for_user(user).in_good_standing().select_related("organization")
        self.fields["member"].queryset = members
        shown = members.filter(name__contains=q) if q else members
        # The select lists at most 200 members (search by name above it); any in scope is accepted.
        self.fields["member"].widget.choices = [("", "请选择")] + [
            (m.pk, f"{m.name}（{m.organization.name}）") for m in shown.order_by("name", "pk")[:200]]
        communities = community_organizations()
        self.fields["community"].queryset = communities
        # Any community of the county is accepted (members live anywhere); the list shows the user's own
        # communities, or those found by name (cq) — names outside the scope only when searched for.
        shown = communities.filter(name__contains=cq) if cq else (
            communities.filter(subtree_q(user.scope_path)) if user.scope_path else communities.none())
        self.fields["community"].widget.choices = [("", "请选择")] + [(o.pk, o.name) for o in shown[:200]]


class ServiceForm(Form):
    date = forms.DateField(label="服务日期", widget=DateInput())
    post = forms.CharField(label="服务岗位", max_length=100)
    hours = forms.DecimalField(label="服务时长（小时）", max_digits=5, decimal_places=1)
    note = forms.CharField(label="服务内容", max_length=200, required=False)


class UnitForm(Form):
    name = forms.CharField(label="单位名称", max_length=200)
    category = forms.ChoiceField(label="单位类别", choices=UnitCategory.choices)
    division = forms.ModelChoiceField(Division.objects.none(), label="所在行政区划")
    sector = forms.CharField(label="行业", max_length=50, required=False)
    staff_count = forms.IntegerField(label="从业人员数", min_value=0)
    member_count = forms.IntegerField(label="党员数", min_value=0)
    investor = forms.CharField(label="出资人", max_length=100, required=False)
    organization = forms.ModelChoiceField(Organization.objects.none(), label="党组织（单独组建或联合党支部）", required=False)
    instructor = forms.CharField(label="党建指导员（未建党组织时必填）", max_length=50, required=False)
    no_body_reason = forms.CharField(label="未建党组织原因", max_length=200, required=False)
    surveyed_on = forms.DateField(label="排查日期", widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        root = user.organization.division if user.organization_id else None
        self.fields["division"].queryset = (Division.objects.filter(subtree_q(root)) if root else
                                            Division.objects.all()).order_by("path")
        self.fields["organization"].queryset = Organization.objects.for_user(user).filter(
            models_q_two_new()).order_by("path")


def models_q_two_new():
    from django.db.models import Q

    return Q(unit_type__in=TWO_NEW_UNIT_TYPES) | Q(org_type="联合党支部")


class SelfAssessmentForm(Form):
    organization = forms.ModelChoiceField(Organization.objects.none(), label="党组织")
    year = forms.IntegerField(label="评定年度", min_value=2000)
    veto = forms.BooleanField(label="存在一票否决情形", required=False)
    veto_reason = forms.CharField(label="否决事由", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.for_user(user).filter(
            unit_type__in=TWO_NEW_UNIT_TYPES).order_by("path")
        self.scheme = rules.scheme()
        for i, (area, name, points) in enumerate(self.scheme):
            self.fields[f"ind_{i}"] = forms.DecimalField(label=f"{area}｜{name}（{points}分）", min_value=0,
                                                         max_value=points, decimal_places=1, required=False)
        for name, field in self.fields.items():
            if name.startswith("ind_"):
                field.widget.attrs.setdefault("class", "form-control")
                field.error_messages = {**field.error_messages, "invalid": f"“{field.label}”应为数字",
                                        "max_value": f"“{field.label}”不能大于%(limit_value)s",
                                        "min_value": f"“{field.label}”不能小于%(limit_value)s"}

    def indicator_scores(self) -> dict:
        return {f"{a}/{n}": str(self.cleaned_data.get(f"ind_{i}") or 0) for i, (a, n, _) in enumerate(self.scheme)}


class ReviewForm(Form):
    score = forms.DecimalField(label="审核得分", min_value=0, max_value=100, decimal_places=1, required=False)
    veto = forms.BooleanField(label="一票否决", required=False)
    veto_reason = forms.CharField(label="否决事由", max_length=200, required=False)
    note = forms.CharField(label="审核意见（退回时必填）", max_length=200, required=False)


class BrandForm(Form):
    organization = forms.ModelChoiceField(Organization.objects.none(), label="所在党组织")
    name = forms.CharField(label="品牌名称", max_length=100)
    summary = forms.CharField(label="品牌简介", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    applied_on = forms.DateField(label="立项日期", widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.for_user(user).grassroots().order_by("path")


class DateReasonForm(Form):
    on = forms.DateField(label="日期", widget=DateInput())
    reason = forms.CharField(label="原因", max_length=200, required=False)


class MilestoneForm(Form):
    date = forms.DateField(label="日期", widget=DateInput())
    title = forms.CharField(label="节点", max_length=200)
    evidence = forms.CharField(label="佐证材料说明（非必需）", required=False, widget=forms.Textarea(attrs={"rows": 2}))


def community_organizations():
    """The Party organisation at the head of each community (社区党委/党总支/党支部), for 双报到."""
    from dangjian.core.tree import STEP

    orgs = list(Organization.objects.filter(division__category__in=("城市社区", "村改居社区"), is_active=True)
                .values_list("pk", "path", "division_id"))
    by_path = {path: div for _, path, div in orgs}
    heads = [pk for pk, path, div in orgs if by_path.get(path[:-STEP]) != div]
    return Organization.objects.filter(pk__in=heads).order_by("path")


def shared_venues(user):
    return SharedResource.objects.for_user(user).filter(opens_at__isnull=False)
