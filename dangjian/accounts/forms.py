"""Forms of the user-management pages; validation is the services' (check_user, check_password)."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from dangjian.core.forms import ChineseFormMixin
from dangjian.register.forms import OrgChoiceField
from dangjian.register.models import Member, Organization
from dangjian.register.rules import normalise_id_number

from . import services
from .models import User


def _org_queryset(admin):
    return Organization.objects.for_user(admin, "change").filter(is_active=True).only(
        "pk", "name", "depth", "path", "is_active", "org_type")


class UserForm(ChineseFormMixin, forms.Form):
    username = forms.CharField(label="用户名", max_length=150, help_text="登录时使用，建议用姓名拼音或手机号")
    full_name = forms.CharField(label="姓名", max_length=150)
    role = forms.ChoiceField(label="角色", choices=User.Role.choices)
    organization = OrgChoiceField(Organization.objects.none(), label="所在党组织（管理范围）", required=False,
                                  help_text="县委组织部管理员选县委；组织员选乡镇（街道）党（工）委；书记选所在支部。党员角色可不选，按所关联党员自动确定")
    member_id_number = forms.CharField(label="关联党员的公民身份号码", max_length=18, required=False,
                                       help_text="“党员”角色必填；书记、组织员本人是党员的也可填写，用于找到对应的党员信息")

    def __init__(self, *args, admin, instance: User | None = None, **kwargs):
        self.admin, self.instance = admin, instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {"username": instance.username, "full_name": instance.get_full_name(),
                                 "role": instance.role, "organization": instance.organization_id}
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _org_queryset(admin)
        if instance is None:
            self.fields["password"] = forms.CharField(label="初始密码", widget=forms.PasswordInput(render_value=False),
                                                      help_text="至少8位，不要使用过于简单的密码；请当面或电话告知本人")
            self.fields["password"].widget.attrs["class"] = "form-control"
            self.fields["password"].widget.attrs["autocomplete"] = "new-password"
            self.fields["password"].error_messages["required"] = "请填写“初始密码”"
        elif instance.member_id:
            self.fields["member_id_number"].help_text = (
                f"现关联：{instance.member.name}（{instance.member.organization.name}）；不修改请留空")
        self.member = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        raw = normalise_id_number(data.get("member_id_number", ""))
        if raw:
            self.member = (Member.objects.for_user(self.admin, "view").with_id_number(raw)
                           .select_related("organization").first())
            if self.member is None:
                self.add_error("member_id_number", "“关联党员的公民身份号码”在您的管理范围内找不到对应的党员")
                return data
        elif self.instance is not None:
            self.member = self.instance.member  # left blank: the link stays as it is
        is_member = data["role"] == User.Role.MEMBER
        try:
            services.check_user(username=data["username"], full_name=data["full_name"], role=data["role"],
                                organization=self.member.organization if (self.member and is_member)
                                else data.get("organization"),
                                member=self.member, instance=self.instance)
            if self.instance is None:
                services.check_password(data.get("password", ""))
        except ValidationError as exc:
            errors = exc.message_dict
            if "member" in errors:
                errors["member_id_number"] = errors.pop("member")
            self.add_service_errors(ValidationError(errors))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        is_member = data["role"] == User.Role.MEMBER
        return {"username": data["username"], "full_name": data["full_name"], "role": data["role"],
                "organization": None if is_member else data.get("organization"), "member": self.member}


class PasswordResetForm(ChineseFormMixin, forms.Form):
    password = forms.CharField(label="新密码", widget=forms.PasswordInput, help_text="至少8位；请当面或电话告知本人")
    password2 = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput)

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", "“再次输入新密码”与“新密码”不一致")
        elif data.get("password"):
            try:
                services.check_password(data["password"], self.user)
            except ValidationError as exc:
                self.add_service_errors(exc)
        return data


class UserStatusForm(ChineseFormMixin, forms.Form):
    reason = forms.CharField(label="原因", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class OwnPasswordForm(ChineseFormMixin, forms.Form):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    password = forms.CharField(label="新密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text="至少8位，含大写字母、小写字母、数字、其他符号中的至少三类，不能包含用户名")
    password2 = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", "“再次输入新密码”与“新密码”不一致")
        return data
