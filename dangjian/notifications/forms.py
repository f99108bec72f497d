from django import forms

from dangjian.core.forms import ChineseFormMixin

from .models import MessageStatus


class TemplateForm(ChineseFormMixin, forms.Form):
    text = forms.CharField(label="政治生日短信模板", max_length=300, widget=forms.Textarea(attrs={"rows": 4}))


class OutboxFilterForm(ChineseFormMixin, forms.Form):
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部")] + list(MessageStatus.choices))
    day_from = forms.DateField(label="日期从", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    day_to = forms.DateField(label="日期至", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    q = forms.CharField(label="姓名", required=False)
