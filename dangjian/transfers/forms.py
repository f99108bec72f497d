"""Forms of 组织关系转接 and 流动党员: Chinese errors naming their fields; the services validate the rules."""
from __future__ import annotations

from django import forms

from dangjian.core.forms import ChineseFormMixin, DateInput
from dangjian.core.scope import ACT_FOR, DESTINATION
from dangjian.register.models import Organization
from dangjian.register.vocab import ETHNIC_CHOICES, HAN, Education, Occupation, OrgType, Sex

from .models import ContactKind, Destination, Status

BLANK = [("", "全部")]


def receiving_orgs(user, action=DESTINATION):
    """Working organisations that can receive members. ``destination``: a transfer may go anywhere in
    the county (wider than the user's subtree on purpose); ``act_for``: the user's own organisations."""
    return (Organization.objects.for_user(user, action).filter(is_active=True)
            .exclude(org_type=OrgType.COUNTY_COMMITTEE).order_by("path"))


class Labelled(ChineseFormMixin):
    """Names for the services' error keys that are not fields of the form."""

    extra_labels = {"member": "党员", "status": "状态", "valid_until": "介绍信有效期", "to_org": "转入党组织",
                    "reported_on": "报到日期", "note": "意见", "return_reason": "退回原因", "receipt_on": "回执日期",
                    "organization": "党组织", "kind": "类型", "id_number": "公民身份号码", "phone": "手机号码",
                    "ended_on": "结束日期", "end_reason": "结束原因", "destination": "拟转入的党组织"}


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class StartForm(Labelled, forms.Form):
    to_org = OrgChoiceField(label="转入党组织", queryset=Organization.objects.none())
    reason = forms.CharField(label="转接原因", max_length=300, required=False,
                             widget=forms.TextInput(attrs={"placeholder": "如：工作调动、迁居、升学（可不填）"}))

    def __init__(self, *args, user, exclude_org=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = receiving_orgs(user)
        if exclude_org is not None:
            qs = qs.exclude(pk=exclude_org.pk)
        self.fields["to_org"].queryset = qs


class MemberStartForm(Labelled, forms.Form):
    destination = forms.CharField(label="拟转入的党组织", max_length=200,
                                  widget=forms.TextInput(attrs={"placeholder": "如：某某镇某某村党支部、某某公司党支部"}))
    reason = forms.CharField(label="转接原因", max_length=300, required=False,
                             widget=forms.TextInput(attrs={"placeholder": "如：工作调动、迁居、升学（可不填）"}))


class ApproveChoosingForm(Labelled, forms.Form):
    to_org = OrgChoiceField(label="转入党组织", queryset=Organization.objects.none())
    note = forms.CharField(label="意见", max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = receiving_orgs(user)


class NoteForm(Labelled, forms.Form):
    note = forms.CharField(label="意见", max_length=300, required=False)


class RequiredNoteForm(Labelled, forms.Form):
    note = forms.CharField(label="理由", max_length=300)


class AcceptForm(Labelled, forms.Form):
    reported_on = forms.DateField(label="报到日期", widget=DateInput())


class ReturnForm(Labelled, forms.Form):
    return_reason = forms.CharField(label="退回原因", max_length=300)


class ReceiptForm(Labelled, forms.Form):
    receipt_on = forms.DateField(label="回执日期", widget=DateInput())


class TransferOutForm(Labelled, forms.Form):
    external_org_name = forms.CharField(label="转入党组织（平台外）", max_length=200)
    destination = forms.ChoiceField(label="去向", choices=Destination.choices)
    letter_number = forms.CharField(label="介绍信编号", max_length=50)
    issued_on = forms.DateField(label="开具日期", widget=DateInput())
    reason = forms.CharField(label="转接原因", max_length=300, required=False)
    receipt_on = forms.DateField(label="回执日期（已收到回执时填写）", required=False, widget=DateInput())


class TransferInForm(Labelled, forms.Form):
    to_org = OrgChoiceField(label="转入党组织", queryset=Organization.objects.none())
    external_org_name = forms.CharField(label="转出党组织（平台外）", max_length=200)
    destination = forms.ChoiceField(label="来源", choices=Destination.choices)
    letter_number = forms.CharField(label="介绍信编号", max_length=50)
    issued_on = forms.DateField(label="介绍信开具日期", widget=DateInput())
    valid_until = forms.DateField(label="介绍信有效期至", required=False, widget=DateInput())
    reported_on = forms.DateField(label="报到日期", widget=DateInput())
    receipt_on = forms.DateField(label="回执寄出日期（已寄出时填写）", required=False, widget=DateInput())
    name = forms.CharField(label="姓名", max_length=50)
    sex = forms.ChoiceField(label="性别", choices=Sex.choices)
    ethnicity = forms.ChoiceField(label="民族", choices=ETHNIC_CHOICES, initial=HAN)
    id_number = forms.CharField(label="公民身份号码", max_length=18)
    birth_date = forms.DateField(label="出生日期", widget=DateInput())
    education = forms.ChoiceField(label="学历", choices=Education.choices)
    occupation = forms.ChoiceField(label="人员类别", choices=Occupation.choices)
    phone = forms.CharField(label="手机号码", max_length=11, required=False)
    joined_on = forms.DateField(label="入党日期", widget=DateInput())
    full_on = forms.DateField(label="转正日期（预备党员不填）", required=False, widget=DateInput())

    MEMBER_FIELDS = ("name", "sex", "ethnicity", "id_number", "birth_date", "education", "occupation", "phone",
                     "joined_on", "full_on")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = receiving_orgs(user, ACT_FOR)


class ListFilterForm(Labelled, forms.Form):
    q = forms.CharField(label="姓名或介绍信编号", required=False)
    status = forms.ChoiceField(label="状态", choices=BLANK + list(Status.choices) + [("open", "未办结")], required=False)
    kind = forms.ChoiceField(label="类型", choices=BLANK + [("internal", "平台内转接"), ("out", "转出平台外"), ("in", "从平台外转入")],
                             required=False)


class FloatingOutForm(Labelled, forms.Form):
    place = forms.CharField(label="外出地点", max_length=200, widget=forms.TextInput(attrs={"placeholder": "如：广东省深圳市龙岗区"}))
    since = forms.DateField(label="外出日期", widget=DateInput())
    contact = forms.CharField(label="外出期间联系电话", max_length=30, required=False)
    certificate_number = forms.CharField(label="流动党员活动证编号", max_length=50, required=False)


class FloatingInForm(FloatingOutForm):
    organization = OrgChoiceField(label="参加活动的党支部", queryset=Organization.objects.none())
    name = forms.CharField(label="姓名", max_length=50)
    home_org_name = forms.CharField(label="组织关系所在党组织", max_length=200)

    field_order = ["organization", "name", "home_org_name", "place", "since", "contact", "certificate_number"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].label = "流出地"
        self.fields["since"].label = "流入日期"
        self.fields["contact"].label = "联系电话"
        self.fields["organization"].queryset = receiving_orgs(user, ACT_FOR)


class ContactForm(Labelled, forms.Form):
    kind = forms.ChoiceField(label="类型", choices=ContactKind.choices)
    on = forms.DateField(label="日期", widget=DateInput())
    note = forms.CharField(label="情况说明", max_length=300, required=False)


class EndFloatingForm(Labelled, forms.Form):
    ended_on = forms.DateField(label="结束日期", widget=DateInput())
    end_reason = forms.CharField(label="结束原因", max_length=200, widget=forms.TextInput(attrs={"placeholder": "如：已返回、已转接组织关系"}))
