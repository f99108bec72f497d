"""The ledger sheets of co-building, "两新" and brands (ledger-sheets.md), through the roster engine.

共建单位, 兼职委员, 共建事项, 共享资源, 两新组织, 星级评定, 党建品牌: each checked with the whole workbook
(all or nothing, faults by sheet, row and column), matched by its key (importing twice changes nothing;
a changed non-key cell updates the record), exported for the user's scope and re-importable as written.
The rules are the services' (``rules.py``); the 区域党组织 of a row becomes a ``Region`` on first use.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable, Optional

from dangjian.core import audit
from dangjian.core.models import AuditLog
from dangjian.core.scope import is_in_subtree, subtree_q
from dangjian.register.models import Division, Organization
from dangjian.register.vocab import TWO_NEW_UNIT_TYPES, OrgType
from dangjian.roster.cells import (
    CellError, RowReader, parse_choice, parse_count, parse_date, parse_text, parse_yes_no,
)
from dangjian.roster.sheets import SHARED_WORKBOOK_DIVISIONS, SHARED_WORKBOOK_ORGS, Column, ImportContext, KeyedSheet, Row

from . import rules
from .models import Brand, Matter, MemberUnit, PartTimeMember, Region, SharedResource, StarRating, TwoNewUnit
from .services import default_kind, snapshot
from .vocab import MatterCategory, RatingStatus, ResourceCategory, UnitCategory


def parse_year(value: Any) -> Optional[int]:
    year = parse_count(value)
    if year is None or not 2000 <= year <= 2100:
        raise CellError(f"评定年度“{value}”应为四位年份")
    return year


def parse_score(value: Any) -> Decimal:
    score, errors = rules.parse_score(value if not isinstance(value, str) else value.strip())
    if errors:
        raise CellError(errors[0])
    return score


def _entry(entry):
    """A workbook organisation entry: (组织类别, 正常运行)."""
    if isinstance(entry, (tuple, list)):
        return entry[0], (entry[1] if len(entry) > 1 else True)
    return entry, True


class LedgerSheet(KeyedSheet):
    """A keyed ledger (roster.sheets.KeyedSheet): ``parse`` reads a row into an item, the scoping
    organisation is checked in bulk, ``fields_of`` gives a resolved item's model fields and ``db_key``
    a record's key. Items name organisations; the write resolves them to rows."""

    org_column = ""  # the scoping organisation column (区域党组织 / 党组织 / 所在党组织)
    org_field = ""  # the item key holding that name
    preview_unknown_on = (Exception,)
    scope_field = "region__organization"  # the organisation that places a row in the exporting scope

    # --- check ---------------------------------------------------------------------------------
    def check_org(self, name: str, org_type: str, org, ctx) -> list[str]:
        """Messages about the scoping organisation (org: the database row, None for a workbook one)."""
        return []

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        parsed = self.read(rows, ctx)
        self._check_orgs(parsed, ctx)
        self.extra_checks(parsed, ctx)
        self.drop_duplicates(parsed, ctx)
        self.keep(parsed)

    def extra_checks(self, parsed, ctx) -> None:
        pass

    def _check_orgs(self, parsed, ctx) -> None:
        names = {i[self.org_field] for i in parsed if i.get(self.org_field)}
        db = {o.name: o for o in Organization.objects.filter(name__in=names).select_related("division")}
        workbook = ctx.shared.get(SHARED_WORKBOOK_ORGS, {}) or {}
        for item in parsed:
            name = item.get(self.org_field)
            if not name:
                continue
            if name in workbook:
                org_type, active = _entry(workbook[name])
                org, in_scope = None, True
            elif name in db:
                org = db[name]
                org_type, active = org.org_type, org.is_active
                in_scope = ctx.scope_org is None or is_in_subtree(org, ctx.scope_org)
            else:
                self.fault(ctx, item, self.org_column, f"党组织“{name}”在本工作簿和系统中都不存在")
                continue
            if not in_scope:
                self.fault(ctx, item, self.org_column, f"党组织“{name}”不在您的管理范围内")
                continue
            for message in self.check_org(name, org_type, org, ctx):
                self.fault(ctx, item, self.org_column, message)

    # --- write ---------------------------------------------------------------------------------
    def resolve(self, items) -> dict:
        """Fill the model fields of each item from the database (organisations exist by now)."""
        names = {i[self.org_field] for i in items}
        orgs = {o.name: o for o in Organization.objects.filter(name__in=names).select_related("division")}
        for i in items:
            i["_org"] = orgs[i[self.org_field]]
        return orgs

    def fields_of(self, item) -> dict[str, Any]:
        raise NotImplementedError

    def db_key(self, obj) -> tuple:
        raise NotImplementedError

    def existing(self, items) -> dict[tuple, Any]:
        raise NotImplementedError

    def stored(self, ctx):
        for item in self.items:  # every name is resolved by now
            item["_fields"] = self.fields_of(item)
        return self.existing(self.items)

    def stored_key(self, item) -> tuple:
        return self.db_key(self.model(**item["_fields"]))

    def new_value(self, item, name):
        return item["_fields"][name]

    def build(self, item):
        return self.model(**item["_fields"])

    def _audit(self, ctx, action, obj, before):
        return self.audit_entry(ctx, action, obj, audit.diff(before, snapshot(obj, obj.AUDITED_FIELDS)),
                                object_id=str(obj.pk), scope_path=obj.audit_scope_path or "")

    def audit_created(self, ctx, record, item):
        return self._audit(ctx, AuditLog.Action.CREATED, record, {})

    def audit_before(self, record):
        return snapshot(record, record.AUDITED_FIELDS)

    def audit_changed(self, ctx, record, item, changes, before):
        return self._audit(ctx, AuditLog.Action.CHANGED, record, before)

    # --- export ----------------------------------------------------------------------------------
    def base_queryset(self, user, scope_org):
        return self.scoped_queryset(user, scope_org)

    def export_rows(self, user, scope_org: Optional[Any], **options: Any) -> Optional[Iterable[list[Any]]]:
        if user is not None and not (user.is_superuser or user.role in ("county_admin", "organiser")):
            return None
        return (self.row_of(o) for o in self.base_queryset(user, scope_org).iterator(chunk_size=2000))

    def row_of(self, obj) -> list[Any]:
        raise NotImplementedError


# --- regional sheets -----------------------------------------------------------------------------------

class RegionSheet(LedgerSheet):
    org_column = "区域党组织"
    org_field = "region_name"

    def check_org(self, name, org_type, org, ctx):
        if org_type not in rules.REGION_ORG_TYPES:
            return [f"区域党组织须是街道或社区的党委、党工委，“{name}”是{org_type}"]
        if org is not None:
            return rules.check_region_organization(org)
        return []

    def resolve(self, items):
        orgs = super().resolve(items)
        regions = {r.organization_id: r for r in Region.objects.filter(organization__in=list(orgs.values()))}
        missing = [o for o in orgs.values() if o.pk not in regions]
        for org in missing:
            regions[org.pk] = Region.objects.create(organization=org, kind=default_kind(org))
        for i in items:
            i["_region"] = regions[i["_org"].pk]
        return orgs

    def existing(self, items):
        regions = {i["_region"].pk for i in items}
        return {self.db_key(o): o for o in self.model.objects.filter(region_id__in=regions).select_related("region__organization")}

    def _dates(self, reader, ctx, start_col, end_col, end_check=rules.check_end_after_start):
        start = reader.get(start_col, parse_date, required=True)
        end = reader.get(end_col, parse_date)
        reader.faults(start_col, rules.check_not_future(start, ctx.today, start_col))
        reader.faults(end_col, end_check(start, end, start_label=start_col, end_label=end_col))
        return start, end


class MemberUnitSheet(RegionSheet):
    sheet_name, order, model = "共建单位", 80, MemberUnit
    columns = [Column("区域党组织", required=True, width=30), Column("共建单位", required=True, width=30),
               Column("加入日期", required=True, width=12), Column("退出日期", width=12)]
    compared = ("left_on",)
    duplicate_column, key_columns = "共建单位", ("区域党组织", "共建单位", "加入日期")

    def parse(self, reader, ctx):
        joined, left = self._dates(reader, ctx, "加入日期", "退出日期")
        return {"region_name": reader.get("区域党组织", parse_text, required=True),
                "unit_name": reader.get("共建单位", parse_text, required=True, max_length=200),
                "joined_on": joined, "left_on": left}

    def key_of(self, i):
        return (i["region_name"], i["unit_name"], i["joined_on"])

    def fields_of(self, i):
        return {"region": i["_region"], "unit_name": i["unit_name"], "joined_on": i["joined_on"], "left_on": i["left_on"],
                "organization": self._linked.get(i["unit_name"])}

    def resolve(self, items):
        orgs = super().resolve(items)
        self._linked = {o.name: o for o in Organization.objects.filter(name__in={i["unit_name"] for i in items})}
        return orgs

    def db_key(self, o):
        return (o.region_id, o.unit_name, o.joined_on)

    def row_of(self, o):
        return [o.region.organization.name, o.unit_name, o.joined_on, o.left_on]

    def base_queryset(self, user, scope_org):
        return super().base_queryset(user, scope_org).select_related("region__organization").order_by(
            "region__organization__path", "joined_on", "unit_name")


class PartTimeSheet(RegionSheet):
    sheet_name, order, model = "兼职委员", 81, PartTimeMember
    columns = [Column("区域党组织", required=True, width=30), Column("姓名", required=True, width=10),
               Column("所在单位", required=True, width=30), Column("任职日期", required=True, width=12),
               Column("离任日期", width=12)]
    compared = ("ended_on",)
    duplicate_column, key_columns = "姓名", ("区域党组织", "姓名", "所在单位", "任职日期")

    def parse(self, reader, ctx):
        start, end = self._dates(reader, ctx, "任职日期", "离任日期")
        return {"region_name": reader.get("区域党组织", parse_text, required=True),
                "name": reader.get("姓名", parse_text, required=True, max_length=50),
                "unit_name": reader.get("所在单位", parse_text, required=True, max_length=200),
                "started_on": start, "ended_on": end}

    def key_of(self, i):
        return (i["region_name"], i["name"], i["unit_name"], i["started_on"])

    def fields_of(self, i):
        return {"region": i["_region"], "name": i["name"], "unit_name": i["unit_name"], "started_on": i["started_on"],
                "ended_on": i["ended_on"]}

    def db_key(self, o):
        return (o.region_id, o.name, o.unit_name, o.started_on)

    def row_of(self, o):
        return [o.region.organization.name, o.name, o.unit_name, o.started_on, o.ended_on]

    def base_queryset(self, user, scope_org):
        return super().base_queryset(user, scope_org).select_related("region__organization").order_by(
            "region__organization__path", "started_on", "name")


class MatterSheet(RegionSheet):
    sheet_name, order, model = "共建事项", 82, Matter
    columns = [Column("区域党组织", required=True, width=30), Column("类别", required=True, width=10),
               Column("事项", required=True, width=40), Column("提出单位", width=30),
               Column("提出日期", required=True, width=12), Column("完成日期", width=12)]
    compared = ("raised_by", "completed_on")
    duplicate_column, key_columns = "事项", ("区域党组织", "类别", "事项", "提出日期")

    def parse(self, reader, ctx):
        start, end = self._dates(reader, ctx, "提出日期", "完成日期", rules.check_not_before)
        reader.faults("完成日期", rules.check_not_future(end, ctx.today, "完成日期"))
        return {"region_name": reader.get("区域党组织", parse_text, required=True),
                "category": reader.get("类别", parse_choice, MatterCategory.values, required=True),
                "title": reader.get("事项", parse_text, required=True, max_length=200),
                "raised_by": reader.get("提出单位", parse_text, max_length=200) or "",
                "raised_on": start, "completed_on": end}

    def key_of(self, i):
        return (i["region_name"], i["category"], i["title"], i["raised_on"])

    def fields_of(self, i):
        return {"region": i["_region"], **{k: i[k] for k in ("category", "title", "raised_by", "raised_on", "completed_on")}}

    def db_key(self, o):
        return (o.region_id, o.category, o.title, o.raised_on)

    def row_of(self, o):
        return [o.region.organization.name, o.category, o.title, o.raised_by or None, o.raised_on, o.completed_on]

    def base_queryset(self, user, scope_org):
        return super().base_queryset(user, scope_org).select_related("region__organization").order_by(
            "region__organization__path", "category", "raised_on", "id")


class ResourceSheet(RegionSheet):
    sheet_name, order, model = "共享资源", 83, SharedResource
    columns = [Column("区域党组织", required=True, width=30), Column("提供单位", required=True, width=30),
               Column("资源名称", required=True, width=24), Column("资源类别", required=True, width=10),
               Column("登记日期", required=True, width=12), Column("停用日期", width=12)]
    compared = ("category", "registered_on", "stopped_on")
    duplicate_column, key_columns = "资源名称", ("区域党组织", "提供单位", "资源名称")

    def parse(self, reader, ctx):
        start = reader.get("登记日期", parse_date, required=True)
        end = reader.get("停用日期", parse_date)
        reader.faults("登记日期", rules.check_not_future(start, ctx.today, "登记日期"))
        reader.faults("停用日期", rules.check_end_after_start(start, end, start_label="登记日期", end_label="停用日期"))
        return {"region_name": reader.get("区域党组织", parse_text, required=True),
                "provider": reader.get("提供单位", parse_text, required=True, max_length=200),
                "name": reader.get("资源名称", parse_text, required=True, max_length=200),
                "category": reader.get("资源类别", parse_choice, ResourceCategory.values, required=True),
                "registered_on": start, "stopped_on": end}

    def key_of(self, i):
        return (i["region_name"], i["provider"], i["name"])

    def fields_of(self, i):
        return {"region": i["_region"], **{k: i[k] for k in ("provider", "name", "category", "registered_on", "stopped_on")}}

    def db_key(self, o):
        return (o.region_id, o.provider, o.name)

    def row_of(self, o):
        return [o.region.organization.name, o.provider, o.name, o.category, o.registered_on, o.stopped_on]

    def base_queryset(self, user, scope_org):
        return super().base_queryset(user, scope_org).select_related("region__organization").order_by(
            "region__organization__path", "provider", "name")


# --- "两新" ---------------------------------------------------------------------------------------------

class UnitSheet(LedgerSheet):
    sheet_name, order, model = "两新组织", 84, TwoNewUnit
    columns = [Column("单位名称", required=True, width=30), Column("单位类别", required=True, width=14),
               Column("所在行政区划", required=True, width=16), Column("从业人员数", required=True, width=10),
               Column("党员数", required=True, width=8), Column("党组织", width=30), Column("党建指导员", width=10),
               Column("排查日期", required=True, width=12)]
    compared = ("category", "division", "staff_count", "member_count", "organization", "instructor", "surveyed_on")
    org_column, org_field = "党组织", "org_name"
    duplicate_column, key_columns = "单位名称", ("单位名称",)
    scope_field, scope_by_division = "division", True

    def parse(self, reader, ctx):
        item = {"name": reader.get("单位名称", parse_text, required=True, max_length=200),
                "category": reader.get("单位类别", parse_choice, UnitCategory.values, required=True),
                "division_name": reader.get("所在行政区划", parse_text, required=True),
                "staff_count": reader.get("从业人员数", parse_count, required=True),
                "member_count": reader.get("党员数", parse_count, required=True),
                "org_name": reader.get("党组织", parse_text),
                "instructor": reader.get("党建指导员", parse_text, max_length=50) or "",
                "surveyed_on": reader.get("排查日期", parse_date, required=True)}
        if not item["org_name"] and not item["instructor"] and not reader.faulty:
            reader.fault("党建指导员", "未建立党组织（党组织为空）的单位须填写党建指导员")
        if None not in (item["staff_count"], item["member_count"]) and item["member_count"] > item["staff_count"]:
            reader.fault("党员数", f"党员数{item['member_count']}不能多于从业人员数{item['staff_count']}")
        return item

    def check_org(self, name, org_type, org, ctx):
        if org is not None and org.unit_type not in TWO_NEW_UNIT_TYPES and org.org_type != OrgType.JOINT_BRANCH:
            return rules.check_two_new_body(org, "")
        return []

    def _check_orgs(self, parsed, ctx):
        # The body may lie outside the importing user's subtree? No: it must be in scope like every reference.
        super()._check_orgs(parsed, ctx)

    def extra_checks(self, parsed, ctx):
        names = {i["division_name"] for i in parsed if i.get("division_name")}
        db = {d.name: d for d in Division.objects.filter(name__in=names)}
        workbook = ctx.shared.get(SHARED_WORKBOOK_DIVISIONS, {}) or {}
        scope_div = ctx.scope_org.division.path if ctx.scope_org is not None else None
        for item in parsed:
            name = item.get("division_name")
            if not name:
                continue
            if name in db:
                if scope_div and not is_in_subtree(db[name], scope_div):
                    self.fault(ctx, item, "所在行政区划", f"行政区划“{name}”不在您的管理范围内")
            elif name not in workbook:
                self.fault(ctx, item, "所在行政区划", f"行政区划“{name}”在本工作簿和系统中都不存在")
        if ctx.scope_org is not None:
            # A unit already registered elsewhere is not the importing user's to change.
            outside = set(TwoNewUnit.objects.filter(name__in={i["name"] for i in parsed if i.get("name")})
                          .exclude(subtree_q(scope_div, "division")).values_list("name", flat=True))
            for item in parsed:
                if item.get("name") in outside:
                    self.fault(ctx, item, "单位名称", f"单位“{item['name']}”已由其他乡镇（街道）登记")
        for item in parsed:
            item.setdefault("org_name", None)

    def key_of(self, i):
        return (i["name"],)

    def resolve(self, items):
        orgs = {o.name: o for o in Organization.objects.filter(name__in={i["org_name"] for i in items if i["org_name"]})}
        divs = {d.name: d for d in Division.objects.filter(name__in={i["division_name"] for i in items})}
        for i in items:
            i["_org"] = orgs.get(i["org_name"]) if i["org_name"] else None
            i["_division"] = divs[i["division_name"]]
        return orgs

    def fields_of(self, i):
        return {"name": i["name"], "category": i["category"], "division": i["_division"], "staff_count": i["staff_count"],
                "member_count": i["member_count"], "organization": i["_org"], "instructor": i["instructor"],
                "surveyed_on": i["surveyed_on"]}

    def existing(self, items):
        return {(o.name,): o for o in TwoNewUnit.objects.filter(name__in=[i["name"] for i in items])}

    def db_key(self, o):
        return (o.name,)

    def row_of(self, o):
        return [o.name, o.category, o.division.name, o.staff_count, o.member_count,
                o.organization.name if o.organization_id else None, o.instructor or None, o.surveyed_on]

    def base_queryset(self, user, scope_org):
        return super().base_queryset(user, scope_org).select_related("division", "organization").order_by("name")


class RatingSheet(LedgerSheet):
    sheet_name, order, model = "星级评定", 85, StarRating
    columns = [Column("党组织", required=True, width=30), Column("评定年度", required=True, width=10),
               Column("得分", required=True, width=8), Column("一票否决", width=10)]
    compared = ("score", "veto", "stars", "status")
    org_column, org_field = "党组织", "org_name"
    duplicate_column, key_columns = "评定年度", ("党组织", "评定年度")
    scope_field = "organization"

    def parse(self, reader, ctx):
        year = reader.get("评定年度", parse_year, required=True)
        if year and year > ctx.today.year:
            reader.fault("评定年度", f"评定年度{year}晚于今年")
        return {"org_name": reader.get("党组织", parse_text, required=True), "year": year,
                "score": reader.get("得分", parse_score, required=True),
                "veto": reader.get("一票否决", parse_yes_no, default=False)}

    def check_org(self, name, org_type, org, ctx):
        if org is not None:
            return rules.check_rating_organization(org)
        return []

    def extra_checks(self, parsed, ctx):
        # A workbook organisation's 单位类别 is not in the shared summary: judge it from the register's sheet row.
        pass

    def key_of(self, i):
        return (i["org_name"], i["year"])

    def fields_of(self, i):
        return {"organization": i["_org"], "year": i["year"], "score": i["score"], "self_score": None,
                "veto": bool(i["veto"]), "stars": rules.stars_for(i["score"], bool(i["veto"])),
                "status": RatingStatus.PUBLISHED}

    def existing(self, items):
        orgs = {i["_org"].pk for i in items}
        return {(o.organization_id, o.year): o for o in StarRating.objects.filter(organization_id__in=orgs)
                .select_related("organization")}

    def db_key(self, o):
        return (o.organization_id, o.year)

    def row_of(self, o):
        return [o.organization.name, o.year, float(o.score) if o.score % 1 else int(o.score), "是" if o.veto else "否"]

    def base_queryset(self, user, scope_org):
        return super().base_queryset(user, scope_org).filter(status=RatingStatus.PUBLISHED).select_related(
            "organization").order_by("organization__path", "year")


class BrandSheet(LedgerSheet):
    sheet_name, order, model = "党建品牌", 86, Brand
    columns = [Column("品牌名称", required=True, width=24), Column("所在党组织", required=True, width=30),
               Column("立项日期", required=True, width=12), Column("认定日期", width=12), Column("撤销日期", width=12)]
    compared = ("applied_on", "recognised_on", "revoked_on")
    org_column, org_field = "所在党组织", "org_name"
    duplicate_column, key_columns = "品牌名称", ("所在党组织", "品牌名称")
    scope_field = "organization"

    def parse(self, reader, ctx):
        applied = reader.get("立项日期", parse_date, required=True)
        recognised = reader.get("认定日期", parse_date)
        revoked = reader.get("撤销日期", parse_date)
        for col, day in (("立项日期", applied), ("认定日期", recognised), ("撤销日期", revoked)):
            reader.faults(col, rules.check_not_future(day, ctx.today, col))
        reader.faults("认定日期", rules.check_not_before(applied, recognised, start_label="立项日期", end_label="认定日期"))
        if revoked and not recognised:
            reader.fault("撤销日期", "尚未认定的品牌不能撤销（认定日期为空）")
        reader.faults("撤销日期", rules.check_end_after_start(recognised, revoked, start_label="认定日期", end_label="撤销日期"))
        return {"name": reader.get("品牌名称", parse_text, required=True, max_length=100),
                "org_name": reader.get("所在党组织", parse_text, required=True),
                "applied_on": applied, "recognised_on": recognised, "revoked_on": revoked}

    def key_of(self, i):
        return (i["org_name"], i["name"])

    def fields_of(self, i):
        return {"organization": i["_org"], "name": i["name"], "applied_on": i["applied_on"],
                "recognised_on": i["recognised_on"], "revoked_on": i["revoked_on"]}

    def existing(self, items):
        orgs = {i["_org"].pk for i in items}
        return {(o.organization_id, o.name): o for o in Brand.objects.filter(organization_id__in=orgs).select_related("organization")}

    def db_key(self, o):
        return (o.organization_id, o.name)

    def row_of(self, o):
        return [o.name, o.organization.name, o.applied_on, o.recognised_on, o.revoked_on]

    def base_queryset(self, user, scope_org):
        return super().base_queryset(user, scope_org).select_related("organization").order_by("organization__path", "name")


SHEETS = [MemberUnitSheet, PartTimeSheet, MatterSheet, ResourceSheet, UnitSheet, RatingSheet, BrandSheet]
