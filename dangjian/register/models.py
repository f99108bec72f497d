from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.db.models.functions import ExtractDay, ExtractMonth

from dangjian.core import crypto, roles, sql  # noqa: F401  (sql: the in_array lookup)
from dangjian.core.scope import ACT_FOR, CHOOSE, DESTINATION, VIEW, ScopedQuerySet, subtree_q
from dangjian.core.tree import STEP, TreeNode, TreeQuerySet

from .vocab import (
    AGE_BANDS, COLLEGE_OR_ABOVE, ETHNIC_CHOICES, HAN, JOIN_ERAS, TWO_NEW_UNIT_TYPES, DivisionCategory, Education,
    MemberStatus, Occupation, OrgType, Sex, UnitType,
)


class OrganizationQuerySet(ScopedQuerySet, TreeQuerySet):
    """view: staff their subtree, a member their own branch. change: the county department and the
    township committees their subtree (a secretary does not re-organise the branch).
    act_for / choose: staff their subtree (a secretary acts for the branch and places its members).
    destination: where a transfer may go — every organisation, for staff (wider on purpose)."""

    subtree_field = ""
    named_actions = (CHOOSE, ACT_FOR, DESTINATION)

    def scope_filter(self, user, action):
        if action == DESTINATION:
            return self.all() if roles.is_staff(user) else self.none()
        if action in (CHOOSE, ACT_FOR):
            return self.in_user_subtree(user, roles.STAFF_ROLES)
        if user.scope_path is None:
            return self.none()
        if roles.is_supervisor(user):
            return self.in_subtree(user.scope_path)
        if user.role == roles.SECRETARY:
            # A secretary keeps their own branch's record but does not re-organise it.
            return self.in_subtree(user.scope_path) if action == VIEW else self.none()
        if user.role == roles.MEMBER and action == VIEW:
            return self.filter(pk=user.organization_id)
        return self.none()

    def grassroots(self):
        return self.exclude(org_type=OrgType.COUNTY_COMMITTEE)


class DivisionQuerySet(ScopedQuerySet, TreeQuerySet):
    subtree_field = ""

    def scope_filter(self, user, action):
        if user.role == roles.COUNTY_ADMIN and user.organization_id:
            return self.in_subtree(user.organization.division)
        if user.role in roles.LOCAL_STAFF_ROLES and action == VIEW and user.organization_id:
            return self.in_subtree(user.organization.division)
        return self.none()


class Division(TreeNode):
    """行政区划: 县 → 乡/镇/街道 → 村/城市社区/村改居社区."""

    name = models.CharField("名称", max_length=100, unique=True)
    category = models.CharField("类别", max_length=10, choices=DivisionCategory.choices)

    objects = DivisionQuerySet.as_manager()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["path"]
        indexes = [models.Index(fields=["path"], name="division_path_prefix", opclasses=["varchar_pattern_ops"])]

    def __str__(self):
        return self.name


class Organization(TreeNode):
    """党组织: 县委 → 党委/党工委 → 党总支 → 党支部/联合党支部."""

    name = models.CharField("组织名称", max_length=200, unique=True)
    org_type = models.CharField("组织类别", max_length=10, choices=OrgType.choices)
    unit_type = models.CharField("单位类别", max_length=10, choices=UnitType.choices)
    division = models.ForeignKey(Division, verbose_name="所在行政区划", on_delete=models.PROTECT, related_name="organizations")
    founded_on = models.DateField("成立日期", null=True, blank=True)
    term_ends_on = models.DateField("本届届满日期", null=True, blank=True)
    secretary_name = models.CharField("书记", max_length=50, blank=True)
    is_active = models.BooleanField("正常运行", default=True, help_text="撤销或停用的组织保留历史，不再接收党员")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    AUDITED_FIELDS = ("name", "org_type", "unit_type", "division", "founded_on", "term_ends_on", "secretary_name", "is_active")

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"]),
            # The upper levels of a scope (the member list's organisation filter beyond 1,000 organisations).
            models.Index(fields=["depth", "path"], name="org_depth_path", opclasses=["int2_ops", "varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.name

    @property
    def audit_scope_path(self) -> str:
        return self.path

    @property
    def is_two_new(self) -> bool:
        return self.unit_type in TWO_NEW_UNIT_TYPES

    @property
    def is_branch(self) -> bool:
        from .vocab import BRANCH_TYPES

        return self.org_type in BRANCH_TYPES


class MemberQuerySet(ScopedQuerySet):
    """view/change: staff the members of their subtree, a member their own record (view only).
    choose: the members a form offers (introducers, attendance, party groups): staff their subtree's,
    a member none."""

    named_actions = (CHOOSE,)

    def scope_filter(self, user, action):
        if user.role == roles.MEMBER:
            return self.filter(pk=user.member_id) if action == VIEW and user.member_id else self.none()
        path = user.scope_path
        if path is None:
            return self.none()
        return self.in_subtree(path)

    def in_subtree(self, root):
        """Members of ``root``'s subtree (a node or a path; None: all), through a subquery of the
        subtree's organisations (the planner uses the organisation index, not a join on the path)."""
        if root is None:
            return self.all()
        organizations = Organization.objects.filter(subtree_q(root)).order_by().values("pk")
        if getattr(root, "depth", None) == 1 or (isinstance(root, str) and len(root) <= STEP):
            # A root (a county, a city): most of the table, best as a (parallel) scan joined to its organisations.
            return self.filter(organization__in=organizations)
        # Below a root: ANY(ARRAY(subquery)) keeps PostgreSQL on the organisation index (core.sql, issue 15).
        return self.filter(organization_id__in_array=organizations)

    def in_good_standing(self):
        return self.filter(status=MemberStatus.NORMAL)

    def full_on(self, day: datetime.date):
        return self.filter(full_on__isnull=False, full_on__lte=day)

    def probationary_on(self, day: datetime.date):
        return self.filter(Q(full_on__isnull=True) | Q(full_on__gt=day))

    def with_id_number(self, id_number: str):
        return self.filter(id_number_hash=crypto.lookup_hash(id_number))


class Member(models.Model):
    """党员 — one row of the 党员花名册."""

    name = models.CharField("姓名", max_length=50, db_index=True)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    ethnicity = models.CharField("民族", max_length=10, choices=ETHNIC_CHOICES, default=HAN)
    id_number_encrypted = models.TextField("公民身份号码（密文）", editable=False)
    id_number_hash = models.CharField("公民身份号码摘要", max_length=64, unique=True, editable=False)
    birth_date = models.DateField("出生日期", db_index=True)
    education = models.CharField("学历", max_length=10, choices=Education.choices)
    occupation = models.CharField("人员类别", max_length=20, choices=Occupation.choices)
    organization = models.ForeignKey(Organization, verbose_name="所在党组织", on_delete=models.PROTECT, related_name="members")
    joined_on = models.DateField("入党日期")
    full_on = models.DateField("转正日期", null=True, blank=True)
    status = models.CharField("党籍状态", max_length=10, choices=MemberStatus.choices, default=MemberStatus.NORMAL)
    phone_encrypted = models.TextField("手机号码（密文）", blank=True, editable=False)
    phone_hash = models.CharField("手机号码摘要", max_length=64, blank=True, db_index=True, editable=False)
    is_floating = models.BooleanField("流动党员", default=False)
    # 留党察看: a disciplined member keeps membership but has no vote and cannot introduce anyone.
    under_party_probation = models.BooleanField("留党察看", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = MemberQuerySet.as_manager()

    AUDITED_FIELDS = (
        "name", "sex", "ethnicity", "birth_date", "education", "occupation", "organization", "joined_on",
        "full_on", "status", "is_floating", "under_party_probation",
    )

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["organization_id", "name", "id"]
        indexes = [
            # The list's default order (organisation, name): page 1 of a city is an index scan with LIMIT.
            models.Index(fields=["organization", "name", "id"], name="member_org_name"),
            # And on PostgreSQL a trigram index on name for the list's name filter (LIKE '%…%'): migration
            # 0006_member_name_trigram, not declared here because SQLite has no GIN index.
            # The list ordered by joining date (either way): page 1 without sorting a city's million rows.
            models.Index(fields=["joined_on", "id"], name="member_joined_on_id"),
            models.Index(fields=["status", "organization"], name="member_status_org"),
            # Per-organisation counts of full and probationary members (tree, dashboard, warnings)
            # read this index alone, without touching the member rows.
            models.Index(fields=["status", "organization", "full_on"], name="member_status_org_full"),
            # The daily political-birthday job looks members up by month and day of joining.
            models.Index(ExtractMonth("joined_on"), ExtractDay("joined_on"), name="member_joined_month_day"),
        ]

    def __str__(self):
        return self.name

    @property
    def audit_scope_path(self) -> str:
        return self.organization.path

    # Personal numbers are only ever handled decrypted in memory (columns <name>_encrypted, <name>_hash).
    id_number = crypto.encrypted_property("id_number")
    phone = crypto.encrypted_property("phone", empty_if_none=True)
    id_number_masked = crypto.masked_property("id_number", crypto.mask_id_number)
    phone_masked = crypto.masked_property("phone", crypto.mask_phone)

    def is_full_on(self, day: datetime.date) -> bool:
        return self.full_on is not None and self.full_on <= day

    @property
    def is_college_or_above(self) -> bool:
        return self.education in COLLEGE_OR_ABOVE


# --- Per-organisation daily member figures (issue 15) ---------------------------------------------

def _figure_columns() -> dict[str, str]:
    """The member figures kept per organisation and day: key of ``statistics.members``' counts → column."""
    columns = {key: key for key in ("n", "full", "female", "college_or_above", "floating", "under_party_probation")}
    columns.update({f"age:{low}": f"age_{low}" for _key, low, _high in AGE_BANDS if low is not None})
    columns.update({f"joined_before:{end}": f"joined_before_{end:%Y%m%d}" for _key, end in JOIN_ERAS if end is not None})
    columns.update({f"education:{value}": f"education_{name.lower()}" for name, value in zip(Education.names, Education.values)})
    columns.update({f"occupation:{value}": f"occupation_{name.lower()}"
                    for name, value in zip(Occupation.names, Occupation.values)})
    return columns


FIGURE_COLUMNS = _figure_columns()


class MemberFigures(models.Model):
    """The member figures of one organisation's own members (not its subtree's) on one day, by 党籍状态
    (正常, 停止党籍) and 民族: the rows the statistics' one pass over the members groups by, kept by the
    daily job and refreshed after each member write (``register.figures``), so that the statistics of
    today sum a few rows per organisation instead of scanning the members (a province: 5,000,000)."""

    day = models.DateField("日期")
    organization = models.ForeignKey(Organization, verbose_name="党组织", on_delete=models.CASCADE, related_name="+")
    # A copy of the organisation's path when the row was written (a move rewrites the moved rows): the
    # subtree's rows are one prefix range of (day, path), without a join to the organisations.
    path = models.CharField("党组织路径", max_length=255)
    status = models.CharField("党籍状态", max_length=10, choices=MemberStatus.choices)
    ethnicity = models.CharField("民族", max_length=10)

    class Meta:
        verbose_name = "党员数字（按组织、日）"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["day", "organization", "status", "ethnicity"],
                                               name="member_figures_unique")]
        indexes = [models.Index(fields=["day", "path"], name="member_figures_day_path",
                                opclasses=["date_ops", "varchar_pattern_ops"])]


for _column in FIGURE_COLUMNS.values():
    MemberFigures.add_to_class(_column, models.PositiveIntegerField(default=0))


class MemberFiguresDay(models.Model):
    """A day whose ``MemberFigures`` are complete (written by the daily job); only then are they read."""

    day = models.DateField("日期", unique=True)
    built_at = models.DateTimeField("生成时间", auto_now=True)

    class Meta:
        verbose_name = "党员数字生成日"
        verbose_name_plural = verbose_name
