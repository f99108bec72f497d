"""Forms parse what the user typed; the services judge it. Errors come back onto the form by field."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from dangjian.core.forms import use_searchable_selects
from dangjian.register.models import Member, Organization

from .models import Base, PartyGroup
from .vocab import ActivityType, BaseKind, CommentKind

# type="date" only accepts YYYY-MM-DD: without the format the zh-hans locale writes 2026/11/28 and
# the browser shows an empty field (a record being edited would lose its date).
DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "class": "form-control"}, format="%H:%M")


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's field-keyed ValidationError onto the form (unknown fields become form-wide)."""
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_searchable_selects(self)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class ActivityForm(StyledForm):
    activity_type = forms.ChoiceField(label="活动类型", choices=[("", "请选择")] + ActivityType.choices)
    party_group = forms.ModelChoiceField(label="党小组（党小组会）", queryset=PartyGroup.objects.none(), required=False)
    date = forms.DateField(label="日期", widget=DATE)
    start_time = forms.TimeField(label="开始时间", widget=TIME)
    end_time = forms.TimeField(label="结束时间", widget=TIME)
    base = forms.ModelChoiceField(label="活动基地（可不选）", queryset=Base.objects.none(), required=False)
    place = forms.CharField(label="地点", max_length=200, required=False, help_text="未选择基地时填写")
    host = forms.CharField(label="主持人", max_length=50)
    recorder = forms.CharField(label="记录人", max_length=50, required=False)
    topic = forms.CharField(label="主题", max_length=300)
    lecturer = forms.CharField(label="授课人（党课填写）", max_length=50, required=False)
    minutes = forms.CharField(label="会议记录", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    decisions = forms.CharField(label="议定事项", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    amendment_reason = forms.CharField(label="更正理由（记录已锁定）", required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))

    expected_count = forms.IntegerField(label="应到人数", min_value=0, required=False)
    present_count = forms.IntegerField(label="实到人数", min_value=0, required=False)
    leave_count = forms.IntegerField(label="请假人数", min_value=0, required=False)

    def __init__(self, *args, branch: Organization, user, locked: bool = False, counts: bool = False, **kwargs):
        """``counts``: the record keeps numbers rather than a named list (an imported ledger)."""
        super().__init__(*args, **kwargs)
        if not counts:
            for name in ("expected_count", "present_count", "leave_count"):
                del self.fields[name]
        self.fields["party_group"].queryset = PartyGroup.objects.filter(branch=branch)
        self.fields["base"].queryset = Base.objects.for_user(user, "view").filter(is_active=True)
        if not locked:
            del self.fields["amendment_reason"]


class PartyGroupForm(StyledForm):
    name = forms.CharField(label="党小组名称", max_length=100)
    members = forms.ModelMultipleChoiceField(label="成员", queryset=Member.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    leader = forms.ModelChoiceField(label="组长", queryset=Member.objects.none(), required=False)

    def __init__(self, *args, branch: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Member.objects.filter(organization=branch, status="正常").order_by("name")
        self.fields["members"].queryset = qs
        self.fields["leader"].queryset = qs


class BaseForm(StyledForm):
    kind = forms.ChoiceField(label="类型", choices=BaseKind.choices)
    name = forms.CharField(label="名称", max_length=200)
    organization = forms.ModelChoiceField(label="所属党组织", queryset=Organization.objects.none())
    address = forms.CharField(label="地址", max_length=255)
    capacity = forms.IntegerField(label="可容纳人数", min_value=1)
    opens_at = forms.TimeField(label="开放开始时间", widget=TIME)
    closes_at = forms.TimeField(label="开放结束时间", widget=TIME)
    open_days = forms.MultipleChoiceField(
        label="开放日", widget=forms.CheckboxSelectMultiple,
        choices=[("1", "周一"), ("2", "周二"), ("3", "周三"), ("4", "周四"), ("5", "周五"), ("6", "周六"), ("7", "周日")])
    theme = forms.CharField(label="主题", max_length=200, required=False)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    has_venue = forms.BooleanField(label="有场所", required=False)
    has_facilities = forms.BooleanField(label="有设施", required=False)
    has_sign = forms.BooleanField(label="有标志", required=False)
    has_flag = forms.BooleanField(label="有党旗", required=False)
    has_materials = forms.BooleanField(label="有资料", required=False)
    has_rules = forms.BooleanField(label="有制度", required=False)
    is_active = forms.BooleanField(label="开放中", required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.for_user(user, "view").grassroots() | \
            Organization.objects.filter(pk=user.organization_id)


class BookingForm(StyledForm):
    organization = forms.ModelChoiceField(label="预约党支部", queryset=Organization.objects.none())
    date = forms.DateField(label="日期", widget=DATE)
    start_time = forms.TimeField(label="开始时间", widget=TIME)
    end_time = forms.TimeField(label="结束时间", widget=TIME)
    expected_count = forms.IntegerField(label="预计人数", min_value=1)
    purpose = forms.CharField(label="活动内容", max_length=300)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = branches
        if branches.count() == 1:
            self.fields["organization"].initial = branches.first()


class CommentForm(StyledForm):
    kind = forms.ChoiceField(label="类别", choices=CommentKind.choices)
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(StyledForm):
    answer = forms.CharField(label="答复（整改情况）", widget=forms.Textarea(attrs={"rows": 3}))


class UploadForm(StyledForm):
    file = forms.FileField(label="附件（照片或文件，可不上传）")
