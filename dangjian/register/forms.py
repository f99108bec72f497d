"""Web forms of the register. They validate through the same service checks the import uses,
so a fact is judged the same way whichever door it comes in by; the views then call the services."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, Q, Subquery
from django.urls import reverse
from django.utils.choices import BaseChoiceIterator

from dangjian.core.forms import ChineseFormMixin, DateInput, SearchableSelect
from dangjian.core.scope import CHANGE, CHOOSE, subtree_q

from . import rules, services
from .models import Division, Member, Organization
from .vocab import (
    AGE_BAND_LABELS, AGE_BANDS, ETHNIC_CHOICES, HAN, DivisionCategory, Education, MemberStatus, Occupation, OrgType,
    Sex, UnitType,
)


class OrgChoiceField(forms.ModelChoiceField):
    """Organisations in tree order, indented by depth below the topmost one offered; searchable."""

    widget = SearchableSelect

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset.order_by("path"), **kwargs)

    def label_from_instance(self, obj):
        base = getattr(self, "_base_depth", None)
        if base is None:
            base = self._base_depth = self.queryset.order_by("depth").values_list("depth", flat=True).first() or 1
        suffix = "（已停用）" if not obj.is_active else ""
        return "\u3000" * max(obj.depth - base, 0) + obj.name + suffix


class DivisionChoiceField(OrgChoiceField):
    def label_from_instance(self, obj):
        base = getattr(self, "_base_depth", None)
        if base is None:
            base = self._base_depth = self.queryset.order_by("depth").values_list("depth", flat=True).first() or 1
        return "\u3000" * max(obj.depth - base, 0) + f"{obj.name}（{obj.category}）"


def org_choices_for_change(user, *, members: bool = False):
    """Organisations the user may change; for placing members, only active grassroots ones."""
    qs = Organization.objects.for_user(user, CHANGE).only("pk", "name", "depth", "path", "is_active", "org_type")
    if members:
        qs = qs.filter(is_active=True).exclude(org_type=OrgType.COUNTY_COMMITTEE)
    return qs


def member_org_choices(user):
    """Where the user may place a member: the active grassroots organisations they may choose
    (``for_user(user, "choose")``: a branch secretary cannot re-organise the branch but does keep its
    roster, so the branch itself is offered to them)."""
    return (Organization.objects.for_user(user, CHOOSE).filter(is_active=True)
            .exclude(org_type=OrgType.COUNTY_COMMITTEE).only("pk", "name", "depth", "path", "is_active", "org_type"))


# --- Organisations ---------------------------------------------------------------------------

class OrganizationForm(ChineseFormMixin, forms.Form):
    name = forms.CharField(label="组织名称", max_length=200)
    org_type = forms.ChoiceField(label="组织类别", choices=[(c, c) for c in OrgType.values if c != OrgType.COUNTY_COMMITTEE])
    unit_type = forms.ChoiceField(label="单位类别", choices=UnitType.choices)
    division = DivisionChoiceField(Division.objects.none(), label="所在行政区划")
    secretary_name = forms.CharField(label="书记", max_length=50, required=False)
    founded_on = forms.DateField(label="成立日期", required=False, widget=DateInput())
    term_ends_on = forms.DateField(label="本届届满日期", required=False, widget=DateInput(),
                                   help_text="用于换届提醒；不清楚可暂不填写")

    extra_labels = {"parent": "上级党组织", "is_active": "运行状态"}

    def __init__(self, *args, user, parent: Organization | None = None, instance: Organization | None = None, **kwargs):
        self.user, self.instance = user, instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(instance, f) for f in services.ORG_EDITABLE}
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = Division.objects.for_user(user, "view").order_by("path")
        if instance is None:
            self.fields["parent"] = OrgChoiceField(org_choices_for_change(user).filter(is_active=True).exclude(
                org_type__in=[OrgType.BRANCH, OrgType.JOINT_BRANCH]), label="上级党组织")
            self.fields["parent"].error_messages["required"] = "请选择“上级党组织”"
            self.fields["parent"].widget.attrs["class"] = "form-select"
            if parent is not None:
                self.initial.setdefault("parent", parent.pk)
                self.initial.setdefault("division", parent.division_id)
            self.order_fields(["parent", "name", "org_type", "unit_type", "division"])
        elif instance.org_type == OrgType.COUNTY_COMMITTEE:
            self.fields["org_type"].choices = [(OrgType.COUNTY_COMMITTEE, OrgType.COUNTY_COMMITTEE)]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        parent = data.get("parent") if self.instance is None else self.instance.parent
        try:
            services.check_organization(name=data["name"], org_type=data["org_type"], parent=parent,
                                        instance=self.instance, founded_on=data.get("founded_on"),
                                        term_ends_on=data.get("term_ends_on"))
        except ValidationError as exc:
            self.add_service_errors(exc)
        return data

    def service_fields(self) -> dict:
        return {k: self.cleaned_data[k] for k in services.ORG_EDITABLE}


class OrganizationMoveForm(ChineseFormMixin, forms.Form):
    new_parent = OrgChoiceField(Organization.objects.none(), label="新的上级党组织")

    def __init__(self, *args, user, org: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        self.fields["new_parent"].queryset = (
            org_choices_for_change(user).filter(is_active=True)
            .exclude(subtree_q(org)).exclude(pk=org.parent_id)
            .exclude(org_type__in=[OrgType.BRANCH, OrgType.JOINT_BRANCH])
        )

    def clean(self):
        data = super().clean()
        parent = data.get("new_parent")
        if parent is not None:
            try:
                services.check_organization(name=self.org.name, org_type=self.org.org_type, parent=parent,
                                            instance=self.org)
            except ValidationError as exc:
                # The service keys the parent as "parent"; here the field is "new_parent".
                for key, messages in exc.message_dict.items():
                    for message in messages:
                        self.add_error("new_parent" if key == "parent" else None, message)
        return data


class ReasonForm(ChineseFormMixin, forms.Form):
    """The confirmation step before a destructive action; the reason goes into the audit trail."""

    reason = forms.CharField(label="原因", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, reason_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required


# --- Divisions -------------------------------------------------------------------------------

class DivisionForm(ChineseFormMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    category = forms.ChoiceField(label="类别", choices=DivisionCategory.choices)
    parent = DivisionChoiceField(Division.objects.none(), label="上级区划", required=False)

    def __init__(self, *args, user, instance: Division | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {"name": instance.name, "category": instance.category, "parent": instance.parent_id}
        super().__init__(*args, **kwargs)
        qs = Division.objects.for_user(user, CHANGE)
        if instance is not None:
            qs = qs.exclude(subtree_q(instance))
        self.fields["parent"].queryset = qs

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            services.check_division(name=data["name"], category=data["category"], parent=data.get("parent"),
                                    instance=self.instance)
        except ValidationError as exc:
            self.add_service_errors(exc)
        return data


# --- Members ---------------------------------------------------------------------------------

class MemberForm(ChineseFormMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="公民身份号码", max_length=18, min_length=18,
                                help_text="18位；填写后自动带出出生日期和性别")
    sex = forms.ChoiceField(label="性别", choices=[("", "—— 由身份号码带出 ——")] + Sex.choices, required=False)
    birth_date = forms.DateField(label="出生日期", required=False, widget=DateInput(),
                                 help_text="可不填，由公民身份号码带出")
    ethnicity = forms.ChoiceField(label="民族", choices=ETHNIC_CHOICES, initial=HAN)
    education = forms.ChoiceField(label="学历", choices=[("", "请选择")] + Education.choices)
    occupation = forms.ChoiceField(label="人员类别", choices=[("", "请选择")] + Occupation.choices)
    organization = OrgChoiceField(Organization.objects.none(), label="所在党组织")
    joined_on = forms.DateField(label="入党日期", widget=DateInput(), help_text="支部大会讨论通过接收为预备党员的日期")
    full_on = forms.DateField(label="转正日期", required=False, widget=DateInput(), help_text="预备党员不填")
    phone = forms.CharField(label="手机号码", max_length=11, required=False)
    is_floating = forms.BooleanField(label="流动党员", required=False)
    under_party_probation = forms.BooleanField(label="留党察看", required=False)

    def __init__(self, *args, user, instance: Member | None = None, organization: Organization | None = None, **kwargs):
        self.user, self.instance = user, instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(instance, f) for f in services.MEMBER_EDITABLE if f != "organization"}
            kwargs["initial"]["organization"] = instance.organization_id
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = member_org_choices(user)
        if organization is not None and instance is None:
            self.initial.setdefault("organization", organization.pk)
        elif instance is None and "organization" not in self.initial:
            # A branch secretary has one branch to choose from: choose it for them.
            only = list(self.fields["organization"].queryset.values_list("pk", flat=True)[:2])
            if len(only) == 1:
                self.initial["organization"] = only[0]
        if instance is not None:
            # Editing: the numbers are shown masked and kept unless a new one is typed.
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = f"现为 {instance.id_number_masked}；不修改请留空"
            self.fields["phone"].help_text = (f"现为 {instance.phone_masked}；不修改请留空" if instance.phone
                                              else "11位手机号码")
            self.fields["clear_phone"] = forms.BooleanField(label="清除手机号码", required=False)
            self.fields["clear_phone"].widget.attrs["class"] = "form-check-input"
            # A member already in the register stays where they are: moving is its own page.
            del self.fields["organization"]
        for name in ("id_number", "phone"):
            self.fields[name].widget.attrs.setdefault("autocomplete", "off")
        self.fields["id_number"].widget.attrs["data-id-number"] = "1"

    def clean_id_number(self):
        return rules.normalise_id_number(self.cleaned_data.get("id_number", ""))

    def clean_phone(self):
        return (self.cleaned_data.get("phone") or "").strip()

    def clean(self):
        data = super().clean()
        id_number = data.get("id_number") or (self.instance.id_number if self.instance else "")
        # Pre-fill what the ID number already says (GB 11643 carries birth date and sex).
        if id_number and len(id_number) == 18 and rules.gb11643_birth_date(id_number) and id_number[16].isdigit():
            if not data.get("birth_date") and "birth_date" not in self.errors:
                data["birth_date"] = rules.gb11643_birth_date(id_number)
            if not data.get("sex"):
                data["sex"] = rules.gb11643_sex(id_number)
        if not data.get("sex") and "sex" not in self.errors:
            self.add_error("sex", "请选择“性别”")
        if not data.get("birth_date") and "birth_date" not in self.errors:
            self.add_error("birth_date", "请填写“出生日期”")
        # The register's own checks run on whatever is already valid, so that every fault shows at
        # once; a field that already has an error keeps only that one.
        try:
            services.check_member(self.service_data(include_numbers=True), instance=self.instance)
        except ValidationError as exc:
            remaining = {k: v for k, v in exc.message_dict.items() if k not in self.errors}
            if remaining:
                self.add_service_errors(ValidationError(remaining))
        return data

    def service_data(self, *, include_numbers: bool = True) -> dict:
        data = {k: self.cleaned_data.get(k) for k in services.MEMBER_EDITABLE}
        if self.instance is not None:
            data["organization"] = self.instance.organization
        data["full_on"] = self.cleaned_data.get("full_on") or None
        id_number = self.cleaned_data.get("id_number")
        phone = self.cleaned_data.get("phone")
        if self.instance is None:
            data["id_number"] = id_number
            data["phone"] = phone
        else:
            if id_number:
                data["id_number"] = id_number
            elif include_numbers:
                data["id_number"] = self.instance.id_number
            if self.cleaned_data.get("clear_phone"):
                data["phone"] = ""
            elif phone:
                data["phone"] = phone
            elif include_numbers:
                data["phone"] = self.instance.phone
        return data


class MemberMoveForm(ChineseFormMixin, forms.Form):
    organization = OrgChoiceField(Organization.objects.none(), label="调整到党组织")
    reason = forms.CharField(label="原因", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="例如：原登记组织有误。正式的组织关系转接请走“组织关系转接”流程")

    def __init__(self, *args, user, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = member_org_choices(user).exclude(pk=member.organization_id)


# --- The member list's filters ---------------------------------------------------------------

STATUS_ALL = "all"
ORDERINGS = {
    "org": ("按所在组织", ("organization_id", "name", "id")),
    "name": ("按姓名", ("name", "id")),
    "-joined_on": ("入党日期（近→远）", ("-joined_on", "id")),
    "joined_on": ("入党日期（远→近）", ("joined_on", "id")),
    "birth_date": ("年龄（大→小）", ("birth_date", "id")),
    "-birth_date": ("年龄（小→大）", ("-birth_date", "id")),
}


class _OrgOptions(BaseChoiceIterator):
    """The organisation filter's options, computed when the form is rendered (never for the API or
    the export): all of them in the one query they always cost, or beyond ``ORG_OPTIONS_MAX`` the
    upper ``ORG_OPTIONS_DEPTH`` levels below the top one, plus the chosen organisation."""

    def __init__(self, field, chosen):
        self.field, self.chosen = field, chosen
        self.shown = None

    def _shown(self) -> list:
        """The organisations offered, read once however often the widget iterates its choices.

        One statement whatever the scope's size (issue 15: it was a count of the whole scope, then the
        options): the whole scope when it has at most ``ORG_OPTIONS_MAX`` organisations, else its upper
        levels and the chosen one. Each half of the union is gated by whether the scope has a row past
        ``ORG_OPTIONS_MAX`` — PostgreSQL evaluates that once and skips the half not wanted — and the upper
        levels are read on the ``org_depth_path`` index, not by reading the whole scope."""
        if self.shown is not None:
            return self.shown
        field = self.field
        scope = field.queryset.order_by()
        beyond = Exists(scope[ORG_OPTIONS_MAX:ORG_OPTIONS_MAX + 1])
        top = Subquery(scope.order_by("depth").values("depth")[:1])
        # A range, not "≤ top + depth": PostgreSQL estimates a range between two unknowns as narrow and
        # keeps to the index, but a single "≤ unknown" as a third of the table and reads it all.
        upper = Q(depth__range=(top, top + ORG_OPTIONS_DEPTH))
        chosen = self.chosen
        if chosen and str(chosen).isdigit():
            upper |= Q(pk=int(chosen))
        shown = list(scope.filter(~beyond).union(scope.filter(beyond, upper), all=True).order_by("path"))
        field._base_depth = min((o.depth for o in shown), default=1)
        self.shown = shown
        return shown

    def __iter__(self):
        shown = self._shown()
        yield ("", self.field.empty_label)
        for o in shown:
            yield (o.pk, self.field.label_from_instance(o))


#: Beyond this many organisations in scope the member list's organisation filter lists only the top two
#: levels (a city and its counties) and the chosen one; the others are found by typing (``org_options``).
ORG_OPTIONS_MAX = 1000
ORG_OPTIONS_DEPTH = 1


class MemberFilterForm(ChineseFormMixin, forms.Form):
    org = OrgChoiceField(Organization.objects.none(), label="所在组织（含下级）", required=False, empty_label="全部")
    q = forms.CharField(label="姓名", required=False, max_length=50)
    status = forms.ChoiceField(label="党籍状态", required=False, initial=MemberStatus.NORMAL,
                               choices=[(STATUS_ALL, "全部")] + MemberStatus.choices)
    sex = forms.ChoiceField(label="性别", required=False, choices=[("", "全部")] + Sex.choices)
    age = forms.ChoiceField(label="年龄段", required=False,
                            choices=[("", "全部")] + [(key, AGE_BAND_LABELS[key]) for key, _lo, _hi in AGE_BANDS])
    education = forms.ChoiceField(label="学历", required=False,
                                  choices=[("", "全部"), ("college", "大专及以上")] + Education.choices)
    kind = forms.ChoiceField(label="正式/预备", required=False,
                             choices=[("", "全部"), ("full", "正式党员"), ("probationary", "预备党员")])
    floating = forms.ChoiceField(label="流动党员", required=False, choices=[("", "全部"), ("yes", "是"), ("no", "否")])
    order = forms.ChoiceField(label="排序", required=False, choices=[(k, v[0]) for k, v in ORDERINGS.items()])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.for_user(user, "view").only(
            "pk", "name", "depth", "path", "is_active")
        # A city's or a province's tens of thousands of organisations make a page of <option>s (seconds
        # at 10,000, issue 15): beyond ORG_OPTIONS_MAX the list shows the upper levels only (and the
        # chosen organisation); every organisation in scope still validates (e.g. ?org= from its page).
        field = self.fields["org"]
        field.widget.choices = _OrgOptions(field, self.data.get("org") if self.is_bound else None)
        # Typing a name asks the server for every matching organisation in scope (app.js), so the page
        # itself carries only the upper levels of a large scope.
        field.widget.attrs["data-options-url"] = reverse("register:org_options")
