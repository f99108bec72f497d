"""Forms parse what the user typed; the services judge it (errors come back onto the form by field)."""
from __future__ import annotations

from django import forms

from dangjian.core.forms import ChineseFormMixin, DateInput
from dangjian.core.scope import subtree_q
from dangjian.register.models import Division, Organization

from . import rules
from .models import ServiceItem, user_division_path
from .vocab import (
    CaseCategory, DisputeCategory, DisputeResult, MatterCategory, MeetingForm, MotionOrigin, ServiceLevel,
)


def _choices(vocab, empty="请选择"):
    return [("", empty)] + list(vocab.choices)


class Form(ChineseFormMixin, forms.Form):
    pass


def divisions_for(user):
    path = user_division_path(user)
    if user.is_superuser and path is None:
        qs = Division.objects.all()
    else:
        qs = Division.objects.filter(subtree_q(path)) if path else Division.objects.none()
    return qs.order_by("path")


class MatterForm(Form):
    organization = forms.ModelChoiceField(label="所在党组织", queryset=Organization.objects.none())
    name = forms.CharField(label="事项名称", max_length=200)
    category = forms.ChoiceField(label="事项类别", choices=_choices(MatterCategory))
    origin = forms.ChoiceField(label="提议来源", choices=_choices(MotionOrigin), required=False)
    opened_on = forms.DateField(label="第一步日期", widget=DateInput())
    meeting_form = forms.ChoiceField(label="形式", choices=_choices(MeetingForm), required=False)
    content = forms.CharField(label="征求到的意见或提议内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    one_shoulder = forms.BooleanField(label="本村（社区）书记、主任“一肩挑”：商议可并入第一步", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.for_user(user, "view").filter(unit_type__in=rules.VILLAGE_UNIT_TYPES, is_active=True)
            .order_by("path"))
        from .services import active_procedure

        first = active_procedure().step(1)
        self.fields["opened_on"].label = f"{first.label}日期"


class StepForm(Form):
    number = forms.TypedChoiceField(label="步骤", coerce=int, choices=[])
    date = forms.DateField(label="日期", widget=DateInput())
    meeting_form = forms.ChoiceField(label="会议（公开）形式", choices=_choices(MeetingForm), required=False)
    due = forms.IntegerField(label="应到人数", min_value=0, required=False)
    present = forms.IntegerField(label="实到人数", min_value=0, required=False)
    in_favour = forms.IntegerField(label="赞成票数", min_value=0, required=False)
    against = forms.IntegerField(label="反对票数", min_value=0, required=False)
    content = forms.CharField(label="内容（议定事项、公开内容）", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    confirm_failure = forms.BooleanField(label="表决未通过，事项终止", required=False,
                                         help_text="实到不足三分之二或赞成票未过半数时，勾选后登记，事项随即终止")

    def __init__(self, *args, matter, numbers, **kwargs):
        super().__init__(*args, **kwargs)
        tpl = matter.procedure
        self.fields["number"].choices = [(n, tpl.step(n).label) for n in numbers]


class DisputeForm(Form):
    case_no = forms.CharField(label="案件编号", max_length=50)
    division = forms.ModelChoiceField(label="所在行政区划（受理地）", queryset=Division.objects.none())
    category = forms.ChoiceField(label="纠纷类别", choices=_choices(DisputeCategory))
    accepted_on = forms.DateField(label="受理日期", widget=DateInput())
    mediator = forms.CharField(label="调解员", max_length=50, required=False)
    result = forms.ChoiceField(label="调处结果", choices=_choices(DisputeResult, "（调处中）"), required=False)
    transferred_to = forms.CharField(label="移交单位（移交时填写）", max_length=100, required=False)
    closed_on = forms.DateField(label="办结日期", widget=DateInput(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions_for(user).exclude(parent__isnull=True)


class ItemForm(Form):
    category = forms.CharField(label="服务大类", max_length=50)
    name = forms.CharField(label="服务事项", max_length=100)
    level = forms.ChoiceField(label="提供层级", choices=_choices(ServiceLevel))
    starts_on = forms.DateField(label="启用日期", widget=DateInput(), required=False)
    stops_on = forms.DateField(label="停用日期", widget=DateInput(), required=False)
    description = forms.CharField(label="办理说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RequestForm(Form):
    number = forms.CharField(label="受理编号", max_length=50)
    level = forms.ChoiceField(label="受理层级", choices=_choices(ServiceLevel))
    division = forms.ModelChoiceField(label="服务中心所在行政区划", queryset=Division.objects.none())
    item = forms.ModelChoiceField(label="服务事项", queryset=ServiceItem.objects.none())
    accepted_on = forms.DateField(label="受理日期", widget=DateInput())
    closed_on = forms.DateField(label="办结日期", widget=DateInput(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions_for(user)
        self.fields["item"].queryset = ServiceItem.objects.order_by("category", "name")


class DateForm(Form):
    date = forms.DateField(label="日期", widget=DateInput())


class CaseForm(Form):
    case_no = forms.CharField(label="案件编号", max_length=50)
    division = forms.ModelChoiceField(label="所在行政区划", queryset=Division.objects.none())
    category = forms.ChoiceField(label="案件类别", choices=_choices(CaseCategory))
    opened_on = forms.DateField(label="立案日期", widget=DateInput())
    concluded_on = forms.DateField(label="结案日期", widget=DateInput(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions_for(user)


class UploadForm(Form):
    file = forms.FileField(label="附件（可选）")
