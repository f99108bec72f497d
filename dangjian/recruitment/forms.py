"""Forms of the recruitment screens. They only shape input; every rule is judged by the services."""
from __future__ import annotations

from django import forms
from django.utils import timezone

from dangjian.core.forms import use_searchable_selects
from dangjian.core.scope import ACT_FOR, CHOOSE
from dangjian.register.models import Member, Organization
from dangjian.register.vocab import BRANCH_TYPES, ETHNIC_CHOICES, Education, MemberStatus, Occupation, Sex

from .models import EventKind
from .steps import STAGE_LABELS

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [f for f in (single(d, initial) for d in data) if f]
        result = single(data, initial)
        return [result] if result else []


def _style(form):
    use_searchable_selects(form)
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput,)):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class OverrideMixin:
    def add_override(self, allowed: bool):
        if allowed:
            self.fields["override_reason"] = forms.CharField(
                label="越过规则检查的书面理由", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                help_text="仅在规则检查未通过、确有特殊情况时填写；将记入操作日志并报县委组织部备查")


class ApplicationForm(OverrideMixin, forms.Form):
    organization = forms.ModelChoiceField(label="所在党支部", queryset=Organization.objects.none())
    name = forms.CharField(label="姓名", max_length=50)
    sex = forms.ChoiceField(label="性别", choices=Sex.choices)
    ethnicity = forms.ChoiceField(label="民族", choices=ETHNIC_CHOICES, initial="汉族")
    id_number = forms.CharField(label="公民身份号码", max_length=18, min_length=18)
    birth_date = forms.DateField(label="出生日期", widget=DATE)
    education = forms.ChoiceField(label="学历", choices=Education.choices)
    occupation = forms.ChoiceField(label="人员类别", choices=Occupation.choices)
    unit = forms.CharField(label="工作单位及职务", max_length=200, required=False)
    applied_on = forms.DateField(label="递交入党申请书日期", widget=DATE)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleFileField(label="入党申请书（扫描件或照片，可不传）")

    def __init__(self, *args, user, may_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        branches = Organization.objects.for_user(user, ACT_FOR).filter(org_type__in=BRANCH_TYPES, is_active=True)
        self.fields["organization"].queryset = branches.order_by("path")
        if branches.count() == 1:
            self.fields["organization"].initial = branches.first()
        self.fields["applied_on"].initial = timezone.localdate()
        self.add_override(may_override)
        _style(self)


def _member_label(m: Member) -> str:
    return f"{m.name}（{m.organization.name}）"


class MemberChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _member_label(obj)


class StepForm(OverrideMixin, forms.Form):
    """The fields a step asks for (steps.Step flags), pre-filled with what the file already knows."""

    date = forms.DateField(label="日期", widget=DATE)
    note = forms.CharField(label="情况记录", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, recruitment, step, user, may_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        branch = recruitment.organization
        self.fields["date"].initial = timezone.localdate()
        if step.talker:
            self.fields["talker"] = forms.CharField(label="谈话人", max_length=100,
                                                    initial=branch.secretary_name or user.display_name)
        if step.contacts or step.introducers:
            # Full members in good standing of the township (the committee above the branch), among
            # those the user may choose (a branch secretary: the branch's own members).
            area = branch.parent or branch
            qs = (Member.objects.for_user(user, CHOOSE).in_subtree(area)
                  .filter(status=MemberStatus.NORMAL, full_on__isnull=False)
                  .select_related("organization").order_by("organization__path", "name"))
            if step.contacts:
                self.fields["contacts"] = MemberChoices(label="培养联系人（1至2名正式党员）", queryset=qs,
                                                        widget=forms.SelectMultiple(attrs={"size": 8}))
            if step.introducers:
                previous = recruitment.steps.filter(step=5).first()
                self.fields["introducers"] = MemberChoices(
                    label="入党介绍人（2名正式党员，一般由培养联系人担任）", queryset=qs,
                    initial=list(previous.contacts.values_list("pk", flat=True)) if previous else None,
                    widget=forms.SelectMultiple(attrs={"size": 8}))
        if step.committee:
            ancestors = Organization.objects.ancestors_of(branch).exclude(org_type__in=BRANCH_TYPES)
            self.fields["committee"] = forms.ModelChoiceField(label="上级党委", queryset=ancestors,
                                                              initial=branch.parent_id)
        if step.meeting:
            entitled = (Member.objects.filter(organization=branch, status=MemberStatus.NORMAL, full_on__isnull=False,
                                              under_party_probation=False).count())
            labels = [("votes_entitled", "应到会有表决权人数"), ("votes_present", "实到会有表决权人数"),
                      ("votes_for", "赞成"), ("votes_against", "反对"), ("votes_abstain", "弃权")]
            for name, label in labels:
                self.fields[name] = forms.IntegerField(label=label, min_value=0, required=True)
            if step.number != 12:
                self.fields["votes_entitled"].initial = entitled
                self.fields["votes_entitled"].help_text = f"本支部现有表决权的正式党员{entitled}名（不含留党察看）"
            self.fields["votes_against"].initial = 0
            self.fields["votes_abstain"].initial = 0
        if step.training:
            self.fields["training_days"] = forms.IntegerField(label="培训天数", min_value=0, required=False, initial=3)
            self.fields["training_hours"] = forms.IntegerField(label="培训学时", min_value=0, required=False)
        if step.number == 17:
            self.fields["approval_extended"] = forms.BooleanField(label="因特殊情况延长审批时间（不超过六个月）",
                                                                  required=False)
        self.fields["files"] = MultipleFileField(label="附件（可不传）")
        self.add_override(may_override)
        _style(self)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        files = data.pop("files", [])
        override = data.pop("override_reason", "")
        data["files"], data["override_reason"] = files, override
        for name in ("contacts", "introducers"):
            if name in data:
                data[name] = list(data[name])
        return data


class EventForm(OverrideMixin, forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    note = forms.CharField(label="情况记录", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, kind, may_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["date"].initial = timezone.localdate()
        if kind == EventKind.PUBLICITY:
            self.fields["date"].label = "公示开始日期"
            self.fields["end_on"] = forms.DateField(label="公示结束日期（不填则按规定工作日数自动计算）", required=False,
                                                    widget=DATE)
        if kind == EventKind.EXTENSION:
            self.fields["date"].label = "支部大会决定日期"
            self.fields["months"] = forms.IntegerField(label="延长月数（6至12个月）", min_value=1, max_value=24)
        if kind in (EventKind.EXTENSION, EventKind.CANCELLATION, EventKind.TERMINATION):
            self.fields["note"].required = True
            self.fields["note"].label = "决定及理由"
        if kind == EventKind.REVIEW:
            self.fields["note"].label = "考察意见"
        self.fields["files"] = MultipleFileField(label="附件（可不传）")
        self.add_override(may_override)
        _style(self)

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class AttachForm(forms.Form):
    files = MultipleFileField(label="补充附件", required=True)


class ListFilterForm(forms.Form):
    q = forms.CharField(label="姓名", required=False)
    stage = forms.ChoiceField(label="阶段", required=False,
                              choices=[("", "全部阶段")] + list(STAGE_LABELS.items()) + [("completed", "已完成"),
                                                                                    ("cancelled", "已终止")])
    branch = forms.ModelChoiceField(label="党支部", required=False, queryset=Organization.objects.none(),
                                    empty_label="全部党支部")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Organization.objects.for_user(user, "view").filter(
            org_type__in=BRANCH_TYPES).order_by("path")
        _style(self)
