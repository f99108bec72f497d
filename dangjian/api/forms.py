from django import forms

from dangjian.core.forms import ChineseFormMixin
from dangjian.core.scope import CHANGE
from dangjian.register.models import Organization

from .models import ApiKey


class ApiKeyForm(ChineseFormMixin, forms.Form):
    name = forms.CharField(label="使用系统", max_length=100,
                           help_text="如：省党员管理信息系统、12371 门户、县财政局经费系统")
    organization = forms.ModelChoiceField(Organization.objects.none(), label="数据范围（含下级）",
                                          empty_label="请选择")
    access = forms.ChoiceField(label="权限", choices=ApiKey.Access.choices, initial=ApiKey.Access.READ)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.for_user(user, CHANGE).order_by("path")
        self.fields["organization"].label_from_instance = lambda o: "\u3000" * (o.depth - 1) + o.name
