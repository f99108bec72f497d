from django import forms

from dangjian.core.forms import ChineseFormMixin, DateInput
from dangjian.core.extensions import computed_indicators

from .vocab import (
    DecisionKind, IndicatorKind, ListKind, PlanKind, ProblemCategory, ProblemSource, UseKind, Verdict,
)


class OrgChoiceMixin:
    def set_orgs(self, queryset, field="organization"):
        self.fields[field].queryset = queryset


class PlanForm(ChineseFormMixin, forms.Form):
    name = forms.CharField(label="考核方案名称", max_length=200)
    owner = forms.ModelChoiceField(label="组织考核的党组织", queryset=None)
    kind = forms.ChoiceField(label="考核类别", choices=PlanKind.choices)
    date_from = forms.DateField(label="考核期间自", widget=DateInput())
    date_to = forms.DateField(label="考核期间至", widget=DateInput())
    bottom_places = forms.IntegerField(label="末位名次数（每个同类组）", min_value=1, max_value=20, required=False)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = orgs


class IndicatorForm(ChineseFormMixin, forms.Form):
    area = forms.CharField(label="考核方面", max_length=50)
    name = forms.CharField(label="指标", max_length=200)
    points = forms.DecimalField(label="分值", max_digits=6, decimal_places=2)
    kind = forms.ChoiceField(label="评分方式", choices=IndicatorKind.choices)
    computed_key = forms.ChoiceField(label="平台数据指标（自动计算时）", required=False)
    deduction_per_item = forms.DecimalField(label="每项扣分（按项扣分时）", max_digits=6, decimal_places=2, required=False)
    rule = forms.CharField(label="评分（扣分）规则", max_length=300, required=False)
    check_method = forms.CharField(label="考核方法", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["computed_key"].choices = [("", "—")] + [(i.key, f"{i.label}：{i.formula}")
                                                             for i in computed_indicators()]


class TargetsForm(ChineseFormMixin, forms.Form):
    organizations = forms.ModelMultipleChoiceField(label="被考核党组织", queryset=None,
                                                   widget=forms.SelectMultiple(attrs={"size": 10}))
    peer_group = forms.CharField(label="同类组（如：村、社区、非公企业）", max_length=30, required=False)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = orgs


class DecisionForm(ChineseFormMixin, forms.Form):
    kind = forms.ChoiceField(label="问责决定", choices=DecisionKind.choices)
    reason = forms.CharField(label="决定内容或不予问责的理由", widget=forms.Textarea(attrs={"rows": 2}))
    decided_on = forms.DateField(label="决定日期", widget=DateInput())


class UseForm(ChineseFormMixin, forms.Form):
    kind = forms.ChoiceField(label="运用方式", choices=UseKind.choices)
    decision = forms.CharField(label="决定事项", max_length=300)
    decided_on = forms.DateField(label="决定日期", widget=DateInput())
    decided_by = forms.CharField(label="决定机关", max_length=100)
    organization = forms.ModelChoiceField(label="涉及党组织（可选）", queryset=None, required=False)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = orgs


class ProblemForm(ChineseFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label="所在党组织", queryset=None)
    number = forms.CharField(label="问题编号（空：自动编号）", max_length=30, required=False)
    source = forms.ChoiceField(label="问题来源", choices=ProblemSource.choices)
    category = forms.ChoiceField(label="问题类别", choices=ProblemCategory.choices)
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 3}))
    standard = forms.CharField(label="整改标准", max_length=300, required=False)
    measures = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    responsible = forms.CharField(label="责任人", max_length=50)
    found_on = forms.DateField(label="发现日期", widget=DateInput())
    deadline = forms.DateField(label="整改时限", widget=DateInput())

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = orgs


class ProgressForm(ChineseFormMixin, forms.Form):
    day = forms.DateField(label="日期", widget=DateInput())
    text = forms.CharField(label="整改进展", widget=forms.Textarea(attrs={"rows": 2}))
    completed = forms.BooleanField(label="整改已完成（提请复查）", required=False)


class VerifyForm(ChineseFormMixin, forms.Form):
    verified_on = forms.DateField(label="复查日期", widget=DateInput())
    verdict = forms.ChoiceField(label="复查结论", choices=Verdict.choices)
    note = forms.CharField(label="复查情况", max_length=300, required=False)


class SignOffForm(ChineseFormMixin, forms.Form):
    day = forms.DateField(label="销号日期", widget=DateInput())


class LookbackForm(ChineseFormMixin, forms.Form):
    day = forms.DateField(label="回头看日期", widget=DateInput())
    note = forms.CharField(label="回头看情况", max_length=300)
    held = forms.ChoiceField(label="结论", choices=[("1", "整改成果巩固"), ("0", "问题反弹（重新登记）")])


class DebriefForm(ChineseFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label="述职党组织", queryset=None)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    secretary = forms.CharField(label="述职书记", max_length=50)
    held_on = forms.DateField(label="评议日期", widget=DateInput())
    report = forms.CharField(label="述职报告", widget=forms.Textarea(attrs={"rows": 4}))
    comment = forms.CharField(label="上级党组织点评", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    votes_good = forms.IntegerField(label="评议票：好", min_value=0, initial=0)
    votes_fairly_good = forms.IntegerField(label="评议票：较好", min_value=0, initial=0)
    votes_average = forms.IntegerField(label="评议票：一般", min_value=0, initial=0)
    votes_poor = forms.IntegerField(label="评议票：差", min_value=0, initial=0)
    problems = forms.CharField(label="问题清单（一行一个，进入整改台账）", widget=forms.Textarea(attrs={"rows": 3}),
                               required=False)
    category = forms.ChoiceField(label="问题类别", choices=ProblemCategory.choices, initial="制度落实")
    deadline = forms.DateField(label="整改时限", widget=DateInput(), required=False)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = orgs


class ListItemForm(ChineseFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label="党组织", queryset=None)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="清单", choices=ListKind.choices)
    content = forms.CharField(label="内容", max_length=300)
    owner = forms.CharField(label="责任人", max_length=50)
    deadline = forms.DateField(label="完成时限", widget=DateInput(), required=False)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = orgs


class MeetingForm(ChineseFormMixin, forms.Form):
    organization = forms.ModelChoiceField(label="召集党组织", queryset=None)
    held_on = forms.DateField(label="召开日期", widget=DateInput())
    theme = forms.CharField(label="主题", max_length=200)
    attendance = forms.CharField(label="出席单位和人员", widget=forms.Textarea(attrs={"rows": 2}))
    progress = forms.CharField(label="各单位工作进度（赛进度）", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    tasks = forms.CharField(label="布置任务（一行一项：任务｜责任单位｜完成时限YYYY-MM-DD）",
                            widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = orgs

    def clean_tasks(self):
        import datetime
        out = []
        for i, line in enumerate((self.cleaned_data.get("tasks") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("|", "｜").split("｜")]
            if len(parts) != 3:
                raise forms.ValidationError(f"第{i}行应为“任务｜责任单位｜完成时限”三部分")
            try:
                deadline = datetime.date.fromisoformat(parts[2])
            except ValueError:
                raise forms.ValidationError(f"第{i}行的完成时限“{parts[2]}”不是有效日期（YYYY-MM-DD）") from None
            out.append({"content": parts[0], "owner": parts[1], "deadline": deadline})
        return out


class FollowUpForm(ChineseFormMixin, forms.Form):
    note = forms.CharField(label="跟进情况", max_length=300)
    done_on = forms.DateField(label="完成日期（未完成留空）", widget=DateInput(), required=False)
