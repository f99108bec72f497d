"""Regional co-building (区域化党建), 双报到, "两新" units and star ratings, party-building brands.

Scope (``for_user``):
- co-building rows belong to a regional Party organisation (``Region.organization``, a 党委/党工委 of a
  subdistrict or community): the county admin and organisers see and change the regions in their
  subtree (a community's organiser: its own region only); secretaries and members nothing;
- "两新" units lie in a division: staff see the units whose 所在行政区划 is in the subtree of their
  organisation's division; a secretary also sees the unit(s) their own branch covers;
- star ratings and brands belong to a Party organisation: staff see their subtree; a secretary sees and
  changes (self-assessment, brand milestones) their own organisation's;
- 双报到: visible to the staff of the member's branch and of the community, and to the member.
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from dangjian.core.booking import open_days_display
from dangjian.core import roles
from dangjian.core.scope import VIEW, OrganisationScopedQuerySet, ScopedQuerySet, subtree_q
from dangjian.register.models import Division, Member, Organization

from .vocab import (
    BookingStatus, BrandStatus, ListKind, MatterCategory, RatingStatus, RegionKind, ResourceCategory, UnitCategory,
)

STAFF_ROLES = roles.SUPERVISOR_ROLES  # the county department and the township (street) organisers
_role = roles.role_of


class OrgPathScoped(OrganisationScopedQuerySet):
    """Rows whose organisation (``subtree_field``) lies in the user's subtree: the county admin and
    organisers see and change them; a branch secretary nothing unless the model says so."""

    subtree_field = "region__organization"
    view_roles = change_roles = STAFF_ROLES


class RegionQuerySet(OrgPathScoped):
    subtree_field = "organization"


class Region(models.Model):
    """区域党委 / 大工委 / 党建联席会议, hosted by a 党委 or 党工委 of a subdistrict or community."""

    organization = models.OneToOneField(Organization, verbose_name="区域党组织", on_delete=models.PROTECT,
                                        related_name="co_building_region")
    kind = models.CharField("类型", max_length=20, choices=RegionKind.choices)
    established_on = models.DateField("建立日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)

    objects = RegionQuerySet.as_manager()
    AUDITED_FIELDS = ("organization", "kind", "established_on", "note")

    class Meta:
        verbose_name = "区域党建组织"
        verbose_name_plural = "区域党建组织"
        ordering = ["organization__path"]

    def __str__(self):
        return f"{self.organization.name}（{self.get_kind_display()}）"

    @property
    def audit_scope_path(self):
        return self.organization.path


class RegionRowQuerySet(OrgPathScoped):
    subtree_field = "region__organization"


class RegionRow(models.Model):
    region = models.ForeignKey(Region, verbose_name="区域党组织", on_delete=models.CASCADE, related_name="+")

    objects = RegionRowQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def audit_scope_path(self):
        return self.region.organization.path


class MemberUnit(RegionRow):
    """共建单位: a participating Party organisation, inside the county's tree (linked) or not (named only).
    It participates from 加入日期 to the day before 退出日期."""

    unit_name = models.CharField("共建单位", max_length=200)
    organization = models.ForeignKey(Organization, verbose_name="对应党组织（本县）", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    liaison = models.CharField("联络人", max_length=50, blank=True)
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("退出日期", null=True, blank=True)

    AUDITED_FIELDS = ("unit_name", "liaison", "joined_on", "left_on")

    class Meta:
        verbose_name = "共建单位"
        verbose_name_plural = "共建单位"
        ordering = ["region_id", "joined_on", "unit_name"]
        constraints = [models.UniqueConstraint(fields=["region", "unit_name", "joined_on"], name="cob_unit_key")]

    def __str__(self):
        return self.unit_name


class PartTimeMember(RegionRow):
    """兼职委员 of a regional committee, serving from 任职日期 to the day before 离任日期."""

    name = models.CharField("姓名", max_length=50)
    unit_name = models.CharField("所在单位", max_length=200)
    position = models.CharField("职务", max_length=50, blank=True)
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("离任日期", null=True, blank=True)

    AUDITED_FIELDS = ("name", "unit_name", "position", "started_on", "ended_on")

    class Meta:
        verbose_name = "兼职委员"
        verbose_name_plural = "兼职委员"
        ordering = ["region_id", "started_on", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name", "unit_name", "started_on"],
                                               name="cob_parttime_key")]

    def __str__(self):
        return f"{self.name}（{self.unit_name}）"


class Meeting(RegionRow):
    """党建联席会议: agenda sent ahead to the member units (``AgendaSending``; setting
    cobuilding.agenda_days_ahead), attendance and minutes. ``agenda_sent_on``: the day the agenda had reached
    every unit participating on the meeting day (set by the sending step; empty while one is missing)."""

    date = models.DateField("会议日期")
    topic = models.CharField("议题", max_length=200)
    agenda = models.TextField("议程", blank=True)
    agenda_sent_on = models.DateField("议程全部送达日期", null=True, blank=True)
    attendees = models.ManyToManyField(MemberUnit, verbose_name="出席单位", blank=True, related_name="meetings")
    minutes = models.TextField("会议纪要", blank=True)

    AUDITED_FIELDS = ("date", "topic", "agenda", "agenda_sent_on", "minutes")

    class Meta:
        verbose_name = "联席会议"
        verbose_name_plural = "联席会议"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.topic}"


class AgendaSending(models.Model):
    """议程送达: what agenda was sent to which member units on which day (one step of a joint meeting)."""

    meeting = models.ForeignKey(Meeting, verbose_name="联席会议", on_delete=models.CASCADE, related_name="sendings")
    sent_on = models.DateField("送达日期")
    agenda = models.TextField("送达的议程")
    units = models.ManyToManyField(MemberUnit, verbose_name="送达单位", related_name="agenda_sendings")
    method = models.CharField("送达方式", max_length=50, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "议程送达"
        verbose_name_plural = "议程送达"
        ordering = ["sent_on", "id"]

    def __str__(self):
        return f"{self.meeting}：{self.sent_on:%Y-%m-%d}送达议程"

    @property
    def audit_scope_path(self):
        return self.meeting.region.organization.path


class ListItem(RegionRow):
    """需求清单 / 资源清单 / 项目清单: a need is answered by a unit's resource (``answered_by``)."""

    kind = models.CharField("清单", max_length=10, choices=ListKind.choices)
    title = models.CharField("事项", max_length=200)
    unit_name = models.CharField("提出/提供单位", max_length=200, blank=True)
    description = models.TextField("说明", blank=True)
    listed_on = models.DateField("登记日期")
    answered_by = models.ForeignKey("self", verbose_name="对接的资源", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="answers")
    done_on = models.DateField("完成日期", null=True, blank=True)

    AUDITED_FIELDS = ("kind", "title", "unit_name", "description", "listed_on", "answered_by", "done_on")

    class Meta:
        verbose_name = "三张清单事项"
        verbose_name_plural = "三张清单事项"
        ordering = ["kind", "-listed_on", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"


class Matter(RegionRow):
    """共建事项: a problem coordinated (协商问题) or a commitment (共建承诺) and its completion."""

    category = models.CharField("类别", max_length=10, choices=MatterCategory.choices)
    title = models.CharField("事项", max_length=200)
    raised_by = models.CharField("提出单位", max_length=200, blank=True)
    raised_on = models.DateField("提出日期")
    completed_on = models.DateField("完成日期", null=True, blank=True)

    AUDITED_FIELDS = ("category", "title", "raised_by", "raised_on", "completed_on")

    class Meta:
        verbose_name = "共建事项"
        verbose_name_plural = "共建事项"
        ordering = ["-raised_on", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "category", "title", "raised_on"], name="cob_matter_key")]

    def __str__(self):
        return f"{self.category}：{self.title}"

    @property
    def state(self) -> str:
        return "已完成" if self.completed_on else "进行中"


class SharedResource(RegionRow):
    """共享资源: a venue, material or facility a unit shares. A venue with opening hours is bookable through
    the one booking engine (dangjian.core.booking)."""

    provider = models.CharField("提供单位", max_length=200)
    name = models.CharField("资源名称", max_length=200)
    category = models.CharField("资源类别", max_length=10, choices=ResourceCategory.choices)
    registered_on = models.DateField("登记日期")
    stopped_on = models.DateField("停用日期", null=True, blank=True)
    address = models.CharField("地址或存放地点", max_length=200, blank=True)
    capacity = models.PositiveIntegerField("可容纳人数", null=True, blank=True)
    opens_at = models.TimeField("开放开始时间", null=True, blank=True)
    closes_at = models.TimeField("开放结束时间", null=True, blank=True)
    open_days = models.CharField("开放日（1-7 表示周一至周日）", max_length=7, blank=True, default="")

    AUDITED_FIELDS = ("provider", "name", "category", "registered_on", "stopped_on", "address", "capacity",
                      "opens_at", "closes_at", "open_days")

    class Meta:
        verbose_name = "共享资源"
        verbose_name_plural = "共享资源"
        ordering = ["region_id", "category", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "provider", "name"], name="cob_resource_key")]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        from django.utils import timezone

        return self.stopped_on is None or self.stopped_on > timezone.localdate()

    @property
    def is_bookable(self) -> bool:
        return bool(self.opens_at and self.closes_at and self.open_days)

    @property
    def open_days_display(self) -> str:
        return open_days_display(self.open_days)


class ResourceBookingQuerySet(ScopedQuerySet):
    """A booking is seen by the region's staff and by the staff above or at the booking organisation."""

    def scope_filter(self, user, action):
        path = user.scope_path
        role = _role(user)
        if path is None or role not in roles.STAFF_ROLES:
            return self.none()
        mine = subtree_q(path, "organization")
        if role == roles.SECRETARY:
            return self.filter(mine)
        return self.filter(mine | subtree_q(path, "resource__region__organization"))


class ResourceBooking(models.Model):
    resource = models.ForeignKey(SharedResource, verbose_name="共享场地", on_delete=models.CASCADE,
                                 related_name="bookings")
    organization = models.ForeignKey(Organization, verbose_name="预约党组织", on_delete=models.PROTECT,
                                     related_name="+")
    date = models.DateField("日期")
    start_time = models.TimeField("开始时间")
    end_time = models.TimeField("结束时间")
    expected_count = models.PositiveIntegerField("预计人数")
    purpose = models.CharField("用途", max_length=200)
    status = models.CharField("状态", max_length=10, choices=BookingStatus.choices, default=BookingStatus.PENDING)
    decision_note = models.CharField("审核意见", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    objects = ResourceBookingQuerySet.as_manager()

    class Meta:
        verbose_name = "共享场地预约"
        verbose_name_plural = "共享场地预约"
        ordering = ["-date", "start_time"]

    def __str__(self):
        return f"{self.resource.name} {self.date:%Y-%m-%d} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    @property
    def audit_scope_path(self):
        return self.resource.region.organization.path


# --- 双报到 -----------------------------------------------------------------------------------------

class DualReportQuerySet(ScopedQuerySet):
    def scope_filter(self, user, action):
        path = user.scope_path
        role = _role(user)
        if path is None:
            return self.none()
        if role in roles.STAFF_ROLES:
            return self.filter(subtree_q(path, "member__organization") | subtree_q(path, "community"))
        if role == roles.MEMBER and action == VIEW and user.member_id:
            return self.filter(member_id=user.member_id)
        return self.none()


class DualReport(models.Model):
    """双报到: a member working in an organ or enterprise reports to the community where they live."""

    member = models.ForeignKey(Member, verbose_name="党员", on_delete=models.PROTECT, related_name="dual_reports")
    community = models.ForeignKey(Organization, verbose_name="报到社区党组织", on_delete=models.PROTECT,
                                  related_name="+")
    reported_on = models.DateField("报到日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    posts = models.CharField("认领服务岗位", max_length=200, blank=True)

    objects = DualReportQuerySet.as_manager()
    AUDITED_FIELDS = ("member", "community", "reported_on", "ended_on", "posts")

    class Meta:
        verbose_name = "双报到"
        verbose_name_plural = "双报到"
        ordering = ["-reported_on", "id"]
        constraints = [models.UniqueConstraint(fields=["member", "community", "reported_on"], name="cob_dual_key")]

    def __str__(self):
        return f"{self.member.name}→{self.community.name}"

    @property
    def audit_scope_path(self):
        return self.community.path


class ServiceRecord(models.Model):
    report = models.ForeignKey(DualReport, verbose_name="双报到", on_delete=models.CASCADE, related_name="services")
    date = models.DateField("服务日期")
    post = models.CharField("服务岗位", max_length=100)
    hours = models.DecimalField("服务时长（小时）", max_digits=5, decimal_places=1)
    note = models.CharField("服务内容", max_length=200, blank=True)

    class Meta:
        verbose_name = "服务记录"
        verbose_name_plural = "服务记录"
        ordering = ["-date", "id"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.post} {self.hours}小时"

    @property
    def audit_scope_path(self):
        return self.report.community.path


# --- "两新" -------------------------------------------------------------------------------------------

class TwoNewUnitQuerySet(ScopedQuerySet):
    def scope_filter(self, user, action):
        role = _role(user)
        org = user.organization if user.organization_id else None
        if org is None:
            return self.none()
        if role in STAFF_ROLES:
            return self.filter(subtree_q(org.division, "division"))
        if role == roles.SECRETARY and action == VIEW:
            return self.filter(subtree_q(org, "organization"))
        return self.none()


class TwoNewUnit(models.Model):
    """A non-public enterprise or social organisation of the 集中排查, with or without a Party body."""

    name = models.CharField("单位名称", max_length=200, unique=True)
    category = models.CharField("单位类别", max_length=10, choices=UnitCategory.choices)
    division = models.ForeignKey(Division, verbose_name="所在行政区划", on_delete=models.PROTECT, related_name="+")
    sector = models.CharField("行业", max_length=50, blank=True)
    staff_count = models.PositiveIntegerField("从业人员数")
    member_count = models.PositiveIntegerField("党员数")
    investor = models.CharField("出资人", max_length=100, blank=True)
    organization = models.ForeignKey(Organization, verbose_name="党组织", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="two_new_units")
    instructor = models.CharField("党建指导员", max_length=50, blank=True)
    no_body_reason = models.CharField("未建党组织原因", max_length=200, blank=True)
    surveyed_on = models.DateField("排查日期")

    objects = TwoNewUnitQuerySet.as_manager()
    AUDITED_FIELDS = ("name", "category", "division", "sector", "staff_count", "member_count", "investor",
                      "organization", "instructor", "no_body_reason", "surveyed_on")

    class Meta:
        verbose_name = "两新组织"
        verbose_name_plural = "两新组织"
        ordering = ["division__path", "name"]

    def __str__(self):
        return self.name

    @property
    def audit_scope_path(self):
        return self.organization.path if self.organization_id else ""


class RatingQuerySet(OrgPathScoped):
    # A secretary sees and changes their own organisation's (self-assessment, brand milestones).
    subtree_field = "organization"
    view_roles = change_roles = roles.STAFF_ROLES


class StarRating(models.Model):
    """星级评定 of a "两新" Party organisation for one year: self-assessment → township review → county
    approval and publication. Ledger imports are published as they stand."""

    organization = models.ForeignKey(Organization, verbose_name="党组织", on_delete=models.PROTECT,
                                     related_name="star_ratings")
    year = models.PositiveIntegerField("评定年度")
    self_score = models.DecimalField("自评得分", max_digits=5, decimal_places=1, null=True, blank=True)
    score = models.DecimalField("得分", max_digits=5, decimal_places=1)
    indicator_scores = models.JSONField("各项指标得分", default=dict, blank=True)
    veto = models.BooleanField("一票否决", default=False)
    veto_reason = models.CharField("否决事由", max_length=200, blank=True)
    stars = models.PositiveSmallIntegerField("星级")
    status = models.CharField("状态", max_length=10, choices=RatingStatus.choices, default=RatingStatus.SELF)
    review_note = models.CharField("审核意见", max_length=200, blank=True)
    published_on = models.DateField("公布日期", null=True, blank=True)

    objects = RatingQuerySet.as_manager()
    AUDITED_FIELDS = ("organization", "year", "self_score", "score", "veto", "veto_reason", "stars", "status",
                      "review_note", "published_on")

    class Meta:
        verbose_name = "星级评定"
        verbose_name_plural = "星级评定"
        ordering = ["-year", "organization__path"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="cob_rating_key")]

    def __str__(self):
        return f"{self.organization.name} {self.year}年度"

    @property
    def audit_scope_path(self):
        return self.organization.path

    @property
    def stars_display(self) -> str:
        return "一票否决" if self.veto else ("★" * self.stars or "未定级")


# --- Brands ---------------------------------------------------------------------------------------

class BrandQuerySet(OrgPathScoped):
    # A secretary sees and changes their own organisation's (self-assessment, brand milestones).
    subtree_field = "organization"
    view_roles = change_roles = roles.STAFF_ROLES


class Brand(models.Model):
    """党建品牌 (一社一特色) run as a project: 立项 → milestones → 认定, or 撤销."""

    organization = models.ForeignKey(Organization, verbose_name="所在党组织", on_delete=models.PROTECT,
                                     related_name="brands")
    name = models.CharField("品牌名称", max_length=100)
    summary = models.TextField("品牌简介", blank=True)
    applied_on = models.DateField("立项日期")
    recognised_on = models.DateField("认定日期", null=True, blank=True)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revoke_reason = models.CharField("撤销原因", max_length=200, blank=True)

    objects = BrandQuerySet.as_manager()
    AUDITED_FIELDS = ("organization", "name", "summary", "applied_on", "recognised_on", "revoked_on", "revoke_reason")

    class Meta:
        verbose_name = "党建品牌"
        verbose_name_plural = "党建品牌"
        ordering = ["organization__path", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="cob_brand_key")]

    def __str__(self):
        return self.name

    @property
    def audit_scope_path(self):
        return self.organization.path

    @property
    def status(self) -> str:
        if self.revoked_on:
            return BrandStatus.REVOKED
        return BrandStatus.RECOGNISED if self.recognised_on else BrandStatus.APPLIED

    @property
    def status_display(self) -> str:
        return BrandStatus(self.status).label


class Milestone(models.Model):
    brand = models.ForeignKey(Brand, verbose_name="品牌", on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField("日期")
    title = models.CharField("节点", max_length=200)
    evidence = models.TextField("佐证材料说明", blank=True)

    class Meta:
        verbose_name = "品牌创建节点"
        verbose_name_plural = "品牌创建节点"
        ordering = ["date", "id"]

    def __str__(self):
        return self.title

    @property
    def audit_scope_path(self):
        return self.brand.organization.path


ZERO = Decimal("0")
