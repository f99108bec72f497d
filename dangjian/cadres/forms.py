"""Web forms of the cadres app: every error in Chinese naming its field (core.forms.ChineseFormMixin)."""
from __future__ import annotations

from django import forms

from dangjian.core.forms import ChineseFormMixin, DateInput
from dangjian.register.vocab import Education

from . import rules
from .vocab import TEAM_POSTS, CommunityCategory, FundCategory, Post, TraineeRole, VettingOutcome

EDUCATION_CHOICES = [("", "（按党员名册或不详）")] + list(Education.choices)
TEAM_POST_CHOICES = [(p, p) for p in TEAM_POSTS]


class _Form(ChineseFormMixin, forms.Form):
    pass


class OrgChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class CadreForm(_Form):
    organization = OrgChoice(label="所在党组织", queryset=None)
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="公民身份号码", max_length=18, required=False,
                                help_text="党员的号码用于关联党员名册；非党员的号码加密保存，页面打码显示")
    post = forms.ChoiceField(label="职务", choices=Post.choices)
    started_on = forms.DateField(label="任职日期", widget=DateInput())
    ended_on = forms.DateField(label="离任日期", required=False, widget=DateInput(),
                               help_text="任职至离任日期的前一天；仍在任的不填")
    one_shoulder = forms.BooleanField(label="一肩挑（书记兼任村（居）民委员会主任）", required=False)
    concurrent_post = forms.CharField(label="交叉任职", max_length=100, required=False,
                                      help_text="如“两新”组织书记兼任的经营管理职务")
    education = forms.ChoiceField(label="学历", choices=EDUCATION_CHOICES, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, organizations=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if editing:
            self.fields["id_number"].help_text = "留空表示不修改已登记的号码"


class EndForm(_Form):
    ended_on = forms.DateField(label="离任日期", widget=DateInput())
    note = forms.CharField(label="说明", max_length=200, required=False)


class TrainingClassForm(_Form):
    name = forms.CharField(label="培训班名称", max_length=100)
    started_on = forms.DateField(label="开始日期", widget=DateInput())
    ended_on = forms.DateField(label="结束日期", widget=DateInput())
    hours = forms.DecimalField(label="学时", max_digits=6, decimal_places=1, min_value=0.1)
    audience = forms.CharField(label="培训对象", max_length=100, required=False)
    organization = OrgChoice(label="举办单位", queryset=None)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class AttendeeForm(_Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="公民身份号码", max_length=18, required=False)
    organization = OrgChoice(label="所在党组织", queryset=None)
    role = forms.ChoiceField(label="参训身份", choices=TraineeRole.choices)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class PayStandardForm(_Form):
    category = forms.ChoiceField(label="社区类别", choices=CommunityCategory.choices)
    post = forms.ChoiceField(label="职务", choices=TEAM_POST_CHOICES)
    amount = forms.DecimalField(label="月标准（元）", max_digits=10, decimal_places=2)
    effective_on = forms.DateField(label="执行日期", widget=DateInput())


class DivisionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.category}）"


class FundForm(_Form):
    division = DivisionChoice(label="所在行政区划", queryset=None)
    year = forms.IntegerField(label="年度", min_value=1949, max_value=2100)
    category = forms.ChoiceField(label="经费类别", choices=FundCategory.choices)
    amount = forms.DecimalField(label="金额（元）", max_digits=14, decimal_places=2)

    def __init__(self, *args, divisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions


class InvestmentForm(_Form):
    division = DivisionChoice(label="所在行政区划", queryset=None)
    project = forms.CharField(label="项目名称", max_length=100)
    invested_on = forms.DateField(label="投入日期", widget=DateInput())
    amount = forms.DecimalField(label="金额（元）", max_digits=14, decimal_places=2)

    def __init__(self, *args, divisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions


class ElectionForm(_Form):
    organization = OrgChoice(label="党组织", queryset=None)
    planned_on = forms.DateField(label="计划选举日期", widget=DateInput())
    plan = forms.CharField(label="换届工作方案", required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is None:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations


class CancelForm(_Form):
    reason = forms.CharField(label="取消理由", max_length=300)


class CandidateForm(_Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="公民身份号码", max_length=18, required=False)
    post = forms.ChoiceField(label="拟任职务", choices=TEAM_POST_CHOICES)
    education = forms.ChoiceField(label="学历", choices=EDUCATION_CHOICES, required=False)


class VettingForm(_Form):
    department = forms.ChoiceField(label="联审部门", choices=())
    outcome = forms.ChoiceField(label="结果", choices=VettingOutcome.choices)
    negative_item = forms.ChoiceField(label="负面清单情形（不通过时必选）", choices=(), required=False)
    reason = forms.CharField(label="理由", max_length=300, required=False)
    vetted_on = forms.DateField(label="联审日期", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d, d) for d in rules.vetting_departments()]
        self.fields["negative_item"].choices = [("", "（无）")] + [(n, n) for n in rules.negative_list()]


class CandidateChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.post}）"


class ResultForm(_Form):
    held_on = forms.DateField(label="选举日期", widget=DateInput())
    elected = CandidateChoice(label="当选人（联审通过的候选人）", queryset=None, widget=forms.CheckboxSelectMultiple)
    one_shoulder = forms.BooleanField(label="当选书记“一肩挑”", required=False)
    note = forms.CharField(label="选举结果说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["elected"].queryset = candidates
        self.fields["elected"].widget.attrs["class"] = "form-check-input"
