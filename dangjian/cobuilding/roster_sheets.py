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
from dangjian.roster.cells import CellError, RowReader, number_as_text, parse_choice, parse_date, parse_text, parse_yes_no
from dangjian.roster.sheets import SHARED_WORKBOOK_DIVISIONS, SHARED_WORKBOOK_ORGS, Column, ImportContext, Row, SheetHandler

from . import rules
from .models import Brand, Matter, MemberUnit, PartTimeMember, Region, SharedResource, StarRating, TwoNewUnit
from .services import default_kind, snapshot
from .vocab import MatterCategory, RatingStatus, ResourceCategory, UnitCategory


def parse_count(value: Any) -> Optional[int]:
    if isinstance(value, bool):
        raise CellError("应为不小于0的整数")
    if isinstance(value, (int, float)):
        if float(value).is_integer() and value >= 0:
            return int(value)
        raise CellError(f"“{number_as_text(value)}”应为不小于0的整数")
    text = parse_text(value)
    if text and text.isdigit():
        return int(text)
    raise CellError(f"“{text}”应为不小于0的整数")


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


class LedgerSheet(SheetHandler):
    """Generic keyed ledger: ``parse`` reads a row into an item, ``resolve`` checks references in bulk,
    ``write`` creates/updates by ``key``. Items name organisations; write resolves them to rows."""

    model: Any = None
    org_column = ""  # the scoping organisation column (区域党组织 / 党组织 / 所在党组织)
    org_field = ""  # the item key holding that name
    compared: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    # --- check ---------------------------------------------------------------------------------
    def parse(self, reader: RowReader, ctx: ImportContext) -> dict[str, Any]:
        raise NotImplementedError

    def check_org(self, name: str, org_type: str, org, ctx) -> list[str]:
        """Messages about the scoping organisation (org: the database row, None for a workbook one)."""
        return []

    def item_key(self, item) -> tuple:
        raise NotImplementedError

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        parsed = []
        for row in rows:
            reader = RowReader(ctx, self.sheet_name, row)
            item = self.parse(reader, ctx)
            item["_row"], item["_ok"] = row.number, not reader.faulty
            parsed.append(item)
        self._check_orgs(parsed, ctx)
        self.extra_checks(parsed, ctx)
        seen: dict[tuple, int] = {}
        for item in parsed:
            if not item["_ok"]:
                continue
            key = self.item_key(item)
            if key in seen:
                ctx.fault(self.sheet_name, item["_row"], self.sheet_key_column,
                          f"与第{seen[key]}行重复（{'、'.join(self.key_titles)}相同）")
                item["_ok"] = False
            else:
                seen[key] = item["_row"]
        self.items = [i for i in parsed if i["_ok"]]

    sheet_key_column = ""
    key_titles: tuple[str, ...] = ()

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
                self._fault(ctx, item, self.org_column, f"党组织“{name}”在本工作簿和系统中都不存在")
                continue
            if not in_scope:
                self._fault(ctx, item, self.org_column, f"党组织“{name}”不在您的管理范围内")
                continue
            for message in self.check_org(name, org_type, org, ctx):
                self._fault(ctx, item, self.org_column, message)

    def _fault(self, ctx, item, column, message) -> None:
        ctx.fault(self.sheet_name, item["_row"], column, message)
        item["_ok"] = False

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

    def _plan(self):
        self.resolve(self.items)
        existing = self.existing(self.items)
        create, update, unchanged = [], [], 0
        for item in self.items:
            fields = self.fields_of(item)
            current = existing.get(self.db_key_of_item(item, fields))
            if current is None:
                create.append(fields)
            elif any(getattr(current, f) != fields[f] for f in self.compared):
                update.append((current, fields))
            else:
                unchanged += 1
        return create, update, unchanged

    def db_key_of_item(self, item, fields) -> tuple:
        return self.db_key(self.model(**fields))

    def preview(self, ctx: ImportContext) -> Optional[dict[str, int]]:
        try:
            create, update, unchanged = self._plan()
        except Exception:
            return None
        return {"created": len(create), "updated": len(update), "unchanged": unchanged}

    def write(self, ctx: ImportContext) -> dict[str, int]:
        create, update, unchanged = self._plan()
        new = [self.model(**fields) for fields in create]
        self.model.objects.bulk_create(new, batch_size=1000)
        label = self.model._meta.label_lower
        entries = [audit.audit_entry(
            actor=ctx.actor, action=AuditLog.Action.CREATED, object_type=label, object_id=str(o.pk),
            object_repr=str(o)[:255], scope_path=o.audit_scope_path or "", note="台账导入",
            changes=audit.diff({}, snapshot(o, o.AUDITED_FIELDS))) for o in new]
        changed = []
        for obj, fields in update:
            before = snapshot(obj, obj.AUDITED_FIELDS)
            for f in self.compared:
                setattr(obj, f, fields[f])
            changed.append(obj)
            entries.append(audit.audit_entry(
                actor=ctx.actor, action=AuditLog.Action.CHANGED, object_type=label, object_id=str(obj.pk),
                object_repr=str(obj)[:255], scope_path=obj.audit_scope_path or "", note="台账导入",
                changes=audit.diff(before, snapshot(obj, obj.AUDITED_FIELDS))))
        if changed:
            self.model.objects.bulk_update(changed, list(self.compared), batch_size=1000)
        AuditLog.objects.bulk_create(entries, batch_size=2000)
        return {"created": len(new), "updated": len(changed), "unchanged": unchanged}

    # --- export ----------------------------------------------------------------------------------
    def base_queryset(self, user, scope_org):
        qs = self.model.objects.all() if user is None else self.model.objects.for_user(user)
        if scope_org is not None:
            qs = qs.filter(subtree_q(scope_org, self.scope_field))
        return qs

    scope_field = "region__organization"  # the organisation that places a row in the exporting scope

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
    sheet_key_column, key_titles = "共建单位", ("区域党组织", "共建单位", "加入日期")

    def parse(self, reader, ctx):
        joined, left = self._dates(reader, ctx, "加入日期", "退出日期")
        return {"region_name": reader.get("区域党组织", parse_text, required=True),
                "unit_name": reader.get("共建单位", parse_text, required=True, max_length=200),
                "joined_on": joined, "left_on": left}

    def item_key(self, i):
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
    sheet_key_column, key_titles = "姓名", ("区域党组织", "姓名", "所在单位", "任职日期")

    def parse(self, reader, ctx):
        start, end = self._dates(reader, ctx, "任职日期", "离任日期")
        return {"region_name": reader.get("区域党组织", parse_text, required=True),
                "name": reader.get("姓名", parse_text, required=True, max_length=50),
                "unit_name": reader.get("所在单位", parse_text, required=True, max_length=200),
                "started_on": start, "ended_on": end}

    def item_key(self, i):
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
    sheet_key_column, key_titles = "事项", ("区域党组织", "类别", "事项", "提出日期")

    def parse(self, reader, ctx):
        start, end = self._dates(reader, ctx, "提出日期", "完成日期", rules.check_not_before)
        reader.faults("完成日期", rules.check_not_future(end, ctx.today, "完成日期"))
        return {"region_name": reader.get("区域党组织", parse_text, required=True),
                "category": reader.get("类别", parse_choice, MatterCategory.values, required=True),
                "title": reader.get("事项", parse_text, required=True, max_length=200),
                "raised_by": reader.get("提出单位", parse_text, max_length=200) or "",
                "raised_on": start, "completed_on": end}

    def item_key(self, i):
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
    sheet_key_column, key_titles = "资源名称", ("区域党组织", "提供单位", "资源名称")

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

    def item_key(self, i):
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
    sheet_key_column, key_titles = "单位名称", ("单位名称",)

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
                    self._fault(ctx, item, "所在行政区划", f"行政区划“{name}”不在您的管理范围内")
            elif name not in workbook:
                self._fault(ctx, item, "所在行政区划", f"行政区划“{name}”在本工作簿和系统中都不存在")
        if ctx.scope_org is not None:
            # A unit already registered elsewhere is not the importing user's to change.
            outside = set(TwoNewUnit.objects.filter(name__in={i["name"] for i in parsed if i.get("name")})
                          .exclude(subtree_q(scope_div, "division")).values_list("name", flat=True))
            for item in parsed:
                if item.get("name") in outside:
                    self._fault(ctx, item, "单位名称", f"单位“{item['name']}”已由其他乡镇（街道）登记")
        for item in parsed:
            item.setdefault("org_name", None)

    def item_key(self, i):
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
        qs = TwoNewUnit.objects.all() if user is None else TwoNewUnit.objects.for_user(user)
        if scope_org is not None:
            qs = qs.filter(subtree_q(scope_org.division, "division"))
        return qs.select_related("division", "organization").order_by("name")


class RatingSheet(LedgerSheet):
    sheet_name, order, model = "星级评定", 85, StarRating
    columns = [Column("党组织", required=True, width=30), Column("评定年度", required=True, width=10),
               Column("得分", required=True, width=8), Column("一票否决", width=10)]
    compared = ("score", "veto", "stars", "status")
    org_column, org_field = "党组织", "org_name"
    sheet_key_column, key_titles = "评定年度", ("党组织", "评定年度")
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

    def item_key(self, i):
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
    sheet_key_column, key_titles = "品牌名称", ("所在党组织", "品牌名称")
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

    def item_key(self, i):
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
