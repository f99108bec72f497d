"""The governance ledgers of the county's Excel (ledger-sheets.md): 议事事项, 纠纷调处, 服务目录,
便民服务, 四风案件. Read and written by the roster engine with every other sheet of the workbook (all
or nothing, each fault named by sheet, row and column); each sheet's key identifies a row, so
importing the same workbook twice changes nothing and a changed non-key cell updates its record;
the export writes the same sheets for the user's scope, and re-imports to the same data.

Every rule is the services' own (``services.check_*``, ``rules``), with the same messages.
"""
from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any, Iterable, Optional

from dangjian.core import audit
from dangjian.core.extensions import one_shoulder_org_ids
from dangjian.core.models import AuditLog
from dangjian.core.scope import is_in_subtree, subtree_q
from dangjian.register.models import Division, Organization
from dangjian.roster.cells import RowReader, parse_choice, parse_count, parse_date, parse_text
from dangjian.roster.sheets import SHARED_WORKBOOK_DIVISIONS, SHARED_WORKBOOK_ORGS, Column, ImportContext, KeyedSheet, Row

from . import rules, services
from .models import (
    CASE_ROLES, Dispute, FourWindsCase, Matter, MatterStep, ProcedureTemplate, ServiceItem, ServiceRequest, closing_days,
)
from .vocab import (
    CaseCategory, DisputeCategory, DisputeResult, MatterCategory, MatterStatus, ServiceLevel,
)

SHARED_ITEMS = "governance_items"  # {服务事项: (启用日期, 停用日期)} of the 服务目录 sheet's clean rows


def _role(user) -> str:
    return "county_admin" if user.is_superuser else user.role


class _DivisionLookup:
    """Division names of a sheet, from the database or the workbook's 行政区划 sheet, with the scope check."""

    def __init__(self, names: set[str], ctx: ImportContext):
        self.db = {d.name: d for d in Division.objects.filter(name__in=names)}
        self.workbook = ctx.shared.get(SHARED_WORKBOOK_DIVISIONS, {}) or {}
        self.ctx = ctx
        self.scope_path = ctx.scope_org.division.path if ctx.scope_org is not None else None

    def get(self, name: str, reader: RowReader, column: str = "所在行政区划"):
        """A stand-in with name, category and parent_id, or None after recording the fault."""
        if name in self.db:
            d = self.db[name]
            if self.scope_path is not None and not is_in_subtree(d, self.scope_path):
                reader.fault(column, f"行政区划“{name}”不在您的管理范围内")
                return None
            return SimpleNamespace(name=name, category=d.category, parent_id=d.parent_id)
        if name in self.workbook:
            category = self.workbook[name]
            is_root = category in ("县", "县级市", "区")
            return SimpleNamespace(name=name, category=category, parent_id=None if is_root else 0)
        reader.fault(column, f"行政区划“{name}”在本工作簿和系统中都不存在")
        return None


def _apply(errors: dict, reader: RowReader, columns: dict[str, str]) -> None:
    for field, messages in errors.items():
        reader.faults(columns.get(field, ""), messages)


class _KeyedSheet(KeyedSheet):
    """A sheet whose rows are matched to records by one key column; compared fields update a changed record."""

    preview_unknown_on = (Exception,)
    scope_field, scope_by_division = "division", True  # exported for the subtree of the organisation's division

    def duplicate_message(self, first_row: int, column: str) -> str:
        return f"与第{first_row}行重复：{column}相同的行只能有一行"


# --- 纠纷调处 -------------------------------------------------------------------------------------

class DisputeSheet(_KeyedSheet):
    sheet_name = "纠纷调处"
    order = 62
    model = Dispute
    compared = ("division", "category", "accepted_on", "result", "closed_on")
    columns = [
        Column("案件编号", required=True, width=14, text=True),
        Column("所在行政区划", required=True, width=18),
        Column("纠纷类别", required=True, width=12),
        Column("受理日期", required=True, width=12),
        Column("调处结果", width=12),
        Column("办结日期", width=12),
    ]
    COLUMNS = {"case_no": "案件编号", "division": "所在行政区划", "category": "纠纷类别", "accepted_on": "受理日期",
               "result": "调处结果", "closed_on": "办结日期"}

    def key_of(self, item):
        return item["case_no"]

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        self._divisions = _DivisionLookup({parse_text(r.values.get("所在行政区划")) for r in rows} - {None}, ctx)
        parsed = self.read(rows, ctx)
        self.drop_duplicates(parsed, ctx, "案件编号")
        self.keep(parsed)
        self._check_scope_of_existing(ctx)

    def parse(self, reader: RowReader, ctx: ImportContext) -> dict:
        item = {
            "case_no": reader.get("案件编号", parse_text, required=True, max_length=50),
            "division_name": reader.get("所在行政区划", parse_text, required=True),
            "category": reader.get("纠纷类别", parse_choice, DisputeCategory, required=True),
            "accepted_on": reader.get("受理日期", parse_date, required=True),
            "result": reader.get("调处结果", parse_choice, DisputeResult) or "",
            "closed_on": reader.get("办结日期", parse_date),
        }
        division = self._divisions.get(item["division_name"], reader) if item["division_name"] else None
        if not reader.faulty:
            _apply(services.check_dispute(
                case_no=item["case_no"], division=division, category=item["category"],
                accepted_on=item["accepted_on"], result=item["result"], closed_on=item["closed_on"],
                now=ctx.today, unique=False, require_transfer_target=False), reader, self.COLUMNS)
        return item

    def _check_scope_of_existing(self, ctx):
        """A key already used outside the importer's scope is not theirs to change."""
        if ctx.scope_org is None or not self.items:
            return
        path = ctx.scope_org.division.path
        outside = set(self.model.objects.filter(**{f"{self.key_field}__in": [self.key_of(i) for i in self.items]})
                      .exclude(subtree_q(path, "division")).values_list(self.key_field, flat=True))
        for item in self.items:
            if self.key_of(item) in outside:
                ctx.fault(self.sheet_name, item["_row"], self.COLUMNS[self.key_field],
                          f"{self.COLUMNS[self.key_field]}“{self.key_of(item)}”已被管理范围外的记录使用")

    key_field = "case_no"

    def resolve(self, items):
        names = {i["division_name"] for i in items}
        db = {d.name: d for d in Division.objects.filter(name__in=names)}
        for i in items:
            i["division"] = db[i["division_name"]]

    def stored(self, ctx):
        return {d.case_no: d for d in Dispute.objects.filter(case_no__in=[i["case_no"] for i in self.items])}

    def extra_fields(self, item):
        return {"case_no": item["case_no"]}

    def export_rows(self, user, scope_org, **options):
        if user is not None and _role(user) not in ("county_admin", "organiser", "secretary"):
            return None
        qs = self.scoped_queryset(user, scope_org).select_related("division").order_by("case_no")
        return ([d.case_no, d.division.name, d.category, d.accepted_on, d.result or None, d.closed_on]
                for d in qs.iterator(chunk_size=2000))


# --- 四风案件 -------------------------------------------------------------------------------------

class CaseSheet(DisputeSheet):
    sheet_name = "四风案件"
    order = 68
    model = FourWindsCase
    compared = ("division", "category", "opened_on", "concluded_on")
    columns = [
        Column("案件编号", required=True, width=14, text=True),
        Column("所在行政区划", required=True, width=18),
        Column("案件类别", required=True, width=12),
        Column("立案日期", required=True, width=12),
        Column("结案日期", width=12),
    ]
    COLUMNS = {"case_no": "案件编号", "division": "所在行政区划", "category": "案件类别", "opened_on": "立案日期",
               "concluded_on": "结案日期"}

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        user = getattr(ctx.actor, "user", None)
        if user is not None and _role(user) not in CASE_ROLES:
            ctx.fault(self.sheet_name, 0, "", "四风案件由纪检监察部门登记，您不能导入该工作表")
            return
        super().check(rows, ctx)

    def parse(self, reader: RowReader, ctx: ImportContext) -> dict:
        item = {
            "case_no": reader.get("案件编号", parse_text, required=True, max_length=50),
            "division_name": reader.get("所在行政区划", parse_text, required=True),
            "category": reader.get("案件类别", parse_choice, CaseCategory, required=True),
            "opened_on": reader.get("立案日期", parse_date, required=True),
            "concluded_on": reader.get("结案日期", parse_date),
        }
        division = self._divisions.get(item["division_name"], reader) if item["division_name"] else None
        if not reader.faulty:
            _apply(services.check_case(case_no=item["case_no"], division=division, category=item["category"],
                                       opened_on=item["opened_on"], concluded_on=item["concluded_on"],
                                       now=ctx.today, unique=False), reader, self.COLUMNS)
        return item

    def stored(self, ctx):
        return {d.case_no: d for d in FourWindsCase.objects.filter(case_no__in=[i["case_no"] for i in self.items])}

    def export_rows(self, user, scope_org, **options):
        if user is not None and _role(user) not in CASE_ROLES:
            return None
        qs = self.scoped_queryset(user, scope_org).select_related("division").order_by("case_no")
        return ([c.case_no, c.division.name, c.category, c.opened_on, c.concluded_on]
                for c in qs.iterator(chunk_size=2000))


# --- 服务目录 -------------------------------------------------------------------------------------

class CatalogueSheet(_KeyedSheet):
    sheet_name = "服务目录"
    order = 64
    model = ServiceItem
    compared = ("category", "level", "starts_on", "stops_on")
    columns = [
        Column("服务大类", required=True, width=14),
        Column("服务事项", required=True, width=24),
        Column("提供层级", required=True, width=10),
        Column("启用日期", width=12),
        Column("停用日期", width=12),
    ]
    COLUMNS = {"category": "服务大类", "name": "服务事项", "level": "提供层级", "starts_on": "启用日期",
               "stops_on": "停用日期"}

    def key_of(self, item):
        return item["name"]

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        user = getattr(ctx.actor, "user", None)
        if user is not None and not user.is_county_admin:
            ctx.fault(self.sheet_name, 0, "", "服务目录由县委组织部维护，您不能导入该工作表")
            return
        parsed = self.read(rows, ctx)
        self.drop_duplicates(parsed, ctx, "服务事项")
        self.keep(parsed)
        ctx.shared[SHARED_ITEMS] = {i["name"]: (i["starts_on"], i["stops_on"]) for i in self.items}

    def parse(self, reader: RowReader, ctx: ImportContext) -> dict:
        item = {
            "category": reader.get("服务大类", parse_text, required=True, max_length=50),
            "name": reader.get("服务事项", parse_text, required=True, max_length=100),
            "level": reader.get("提供层级", parse_choice, ServiceLevel, required=True),
            "starts_on": reader.get("启用日期", parse_date),
            "stops_on": reader.get("停用日期", parse_date),
        }
        if not reader.faulty:
            _apply(services.check_item(category=item["category"], name=item["name"], level=item["level"],
                                       starts_on=item["starts_on"], stops_on=item["stops_on"], unique=False),
                   reader, self.COLUMNS)
        return item

    def stored(self, ctx):
        return {s.name: s for s in ServiceItem.objects.filter(name__in=[i["name"] for i in self.items])}

    def extra_fields(self, item):
        return {"name": item["name"]}

    def export_rows(self, user, scope_org, **options):
        if user is not None and not user.is_county_admin:
            return None
        return ([s.category, s.name, s.level, s.starts_on, s.stops_on]
                for s in ServiceItem.objects.order_by("category", "name"))


# --- 便民服务 -------------------------------------------------------------------------------------

class RequestSheet(_KeyedSheet):
    sheet_name = "便民服务"
    order = 66
    model = ServiceRequest
    compared = ("level", "division", "item", "accepted_on", "closed_on")
    update_fields = compared + ("handled_level", "handled_division", "days_to_close")
    columns = [
        Column("受理编号", required=True, width=14, text=True),
        Column("受理层级", required=True, width=10),
        Column("所在行政区划", required=True, width=18),
        Column("服务事项", required=True, width=24),
        Column("受理日期", required=True, width=12),
        Column("办结日期", width=12),
    ]
    COLUMNS = {"number": "受理编号", "level": "受理层级", "division": "所在行政区划", "item": "服务事项",
               "accepted_on": "受理日期", "closed_on": "办结日期"}
    key_field = "number"

    def key_of(self, item):
        return item["number"]

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        self._divisions = _DivisionLookup({parse_text(r.values.get("所在行政区划")) for r in rows} - {None}, ctx)
        self._catalogue = {s.name: (s.starts_on, s.stops_on) for s in ServiceItem.objects.all()}
        self._catalogue.update(ctx.shared.get(SHARED_ITEMS, {}))
        parsed = self.read(rows, ctx)
        self.drop_duplicates(parsed, ctx, "受理编号")
        self.keep(parsed)
        self._check_scope_of_existing(ctx)

    def parse(self, reader: RowReader, ctx: ImportContext) -> dict:
        item = {
            "number": reader.get("受理编号", parse_text, required=True, max_length=50),
            "level": reader.get("受理层级", parse_choice, ServiceLevel, required=True),
            "division_name": reader.get("所在行政区划", parse_text, required=True),
            "item_name": reader.get("服务事项", parse_text, required=True),
            "accepted_on": reader.get("受理日期", parse_date, required=True),
            "closed_on": reader.get("办结日期", parse_date),
        }
        division = self._divisions.get(item["division_name"], reader) if item["division_name"] else None
        service = None
        if item["item_name"]:
            if item["item_name"] in self._catalogue:
                starts, stops = self._catalogue[item["item_name"]]
                service = SimpleNamespace(name=item["item_name"],
                                          in_use_on=lambda day, s=starts, t=stops: rules.item_in_use(s, t, day))
            else:
                reader.fault("服务事项", f"“{item['item_name']}”不是服务目录中的事项")
        if not reader.faulty:
            _apply(services.check_request(number=item["number"], level=item["level"], division=division,
                                          item=service, accepted_on=item["accepted_on"],
                                          closed_on=item["closed_on"], now=ctx.today, unique=False),
                   reader, self.COLUMNS)
        return item

    _check_scope_of_existing = DisputeSheet._check_scope_of_existing

    def resolve(self, items):
        divisions = {d.name: d for d in Division.objects.filter(name__in={i["division_name"] for i in items})}
        catalogue = {s.name: s for s in ServiceItem.objects.filter(name__in={i["item_name"] for i in items})}
        for i in items:
            i["division"], i["item"] = divisions[i["division_name"]], catalogue[i["item_name"]]

    def stored(self, ctx):
        keys = [i["number"] for i in self.items]
        found = {}
        for start in range(0, len(keys), 900):
            found.update({r.number: r for r in ServiceRequest.objects.filter(number__in=keys[start:start + 900])})
        return found

    def extra_fields(self, item):
        return {"number": item["number"], "handled_level": item["level"], "handled_division": item["division"],
                "days_to_close": closing_days(item["accepted_on"], item["closed_on"])}

    def apply(self, obj, item, changes):
        super().apply(obj, item, changes)
        obj.days_to_close = closing_days(obj.accepted_on, obj.closed_on)
        if obj.handed_up_on is None:  # not handed up: it is handled where it was accepted
            obj.handled_level, obj.handled_division = obj.level, obj.division

    def export_rows(self, user, scope_org, **options):
        if user is not None and _role(user) not in ("county_admin", "organiser", "secretary"):
            return None
        qs = self.scoped_queryset(user, scope_org).select_related("division", "item").order_by("number")
        return ([r.number, r.level, r.division.name, r.item.name, r.accepted_on, r.closed_on]
                for r in qs.iterator(chunk_size=2000))


# --- 议事事项 -------------------------------------------------------------------------------------
# The sheet's six date columns are the spec's; a matter's steps are written in the columns of their
# kinds (rules.ledger_columns), so a template with fewer steps leaves the columns it has no step for
# empty (and a date there is refused). Each row follows its own procedure: an existing matter (by the
# key) its snapshot, a new row the template named in the optional 议事程序 column or, without it, the
# template in force.

DATE_COLUMNS = rules.LEDGER_COLUMNS
COUNT_COLUMNS = ("应到党员数", "实到党员数", "赞成票数")
TEMPLATE_COLUMN = "议事程序"


class MatterSheet(_KeyedSheet):
    sheet_name = "议事事项"
    order = 60
    model = Matter
    scope_field, scope_by_division = "organization", False
    columns = [
        Column("所在党组织", required=True, width=28),
        Column("事项名称", required=True, width=30),
        Column("事项类别", required=True, width=12),
        Column("征求意见日期", required=True, width=12),
        Column("支部委员会商议日期", width=12),
        Column("党员大会审议日期", width=12),
        Column("应到党员数", width=10),
        Column("实到党员数", width=10),
        Column("赞成票数", width=10),
        Column("代表会议决议日期", width=12),
        Column("决议公开日期", width=12),
        Column("结果公开日期", width=12),
        Column(TEMPLATE_COLUMN, width=16),
    ]

    def key_of(self, item):
        return (item["org_name"], item["name"], item["dates"][DATE_COLUMNS[0]])

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        names = {parse_text(r.values.get("所在党组织")) for r in rows} - {None}
        db = {o.name: o for o in Organization.objects.filter(name__in=names)}
        workbook = ctx.shared.get(SHARED_WORKBOOK_ORGS, {}) or {}
        templates = {t.name: t.procedure() for t in ProcedureTemplate.objects.prefetch_related("steps")}
        active = services.active_procedure()
        existing = {(m.organization_id, m.name, m.opened_on): m.procedure
                    for m in Matter.objects.filter(organization__in=list(db.values())).only(
                        "organization_id", "name", "opened_on", "template", "procedure_steps")}
        one_shoulder_ids = one_shoulder_org_ids(ctx.today)
        parsed = []
        for row in rows:
            reader = RowReader(ctx, self.sheet_name, row)
            item = {
                "_row": row.number,
                "org_name": reader.get("所在党组织", parse_text, required=True),
                "name": reader.get("事项名称", parse_text, required=True, max_length=200),
                "category": reader.get("事项类别", parse_choice, MatterCategory, required=True),
                "dates": {c: reader.get(c, parse_date, required=(i == 0)) for i, c in enumerate(DATE_COLUMNS)},
                "counts": [reader.get(c, parse_count) for c in COUNT_COLUMNS],
                "template": reader.get(TEMPLATE_COLUMN, parse_text),
            }
            org = self._org(item["org_name"], db, workbook, reader, ctx) if item["org_name"] else None
            tpl = self._procedure(item, org, existing, templates, active, reader)
            if not reader.faulty:
                self._check_procedure(item, tpl, org, one_shoulder_ids, reader, ctx)
            item["_ok"] = not reader.faulty
            parsed.append(item)
        self.drop_duplicates(parsed, ctx, "事项名称")
        self.items = [i for i in parsed if i["_ok"]]

    def _org(self, name, db, workbook, reader, ctx):
        if name in db:
            org = db[name]
            if ctx.scope_org is not None and not is_in_subtree(org, ctx.scope_org):
                reader.fault("所在党组织", f"党组织“{name}”不在您的管理范围内")
                return None
            reader.faults("所在党组织", services.check_matter_org(org))
            return org
        if name in workbook:
            return SimpleNamespace(pk=None, name=name)
        reader.fault("所在党组织", f"党组织“{name}”在本工作簿和系统中都不存在")
        return None

    @staticmethod
    def _procedure(item, org, existing, templates, active, reader):
        """The row's procedure: the existing matter's own, else the named template, else the one in force."""
        named = item["template"]
        if named and named not in templates:
            reader.fault(TEMPLATE_COLUMN, f"议事程序“{named}”不存在，应为 {'、'.join(templates)} 之一（或留空：按现行程序）")
            return None
        own = existing.get((getattr(org, "pk", None), item["name"], item["dates"][DATE_COLUMNS[0]]))
        if own is not None:
            if named and named != own.name:
                reader.fault(TEMPLATE_COLUMN, f"该事项按“{own.name}”登记，议事程序不能改为“{named}”")
            return own
        return templates[named] if named else active

    def _check_procedure(self, item, tpl, org, one_shoulder_ids, reader, ctx):
        dates, (due, present, in_favour) = item["dates"], item["counts"]
        columns = rules.ledger_columns([s.kind for s in tpl.steps])
        for column in DATE_COLUMNS:
            if column not in columns and dates[column] is not None:
                reader.fault(column, f"议事程序“{tpl.name}”没有记入该列的步骤，{column}应为空")
        if rules.COUNTED_COLUMN not in columns and any(c is not None for c in (due, present, in_favour)):
            reader.fault("应到党员数", f"议事程序“{tpl.name}”没有党员大会审议步骤，表决人数应为空")
        if reader.faulty:
            return
        step_dates = [dates[c] for c in columns]
        item["procedure"], item["columns"], item["step_dates"] = tpl, columns, step_dates
        merged = any(d is None and tpl.steps[i].mergeable and any(step_dates[i + 1:]) for i, d in enumerate(step_dates))
        one_shoulder = merged and (one_shoulder_ids is None or getattr(org, "pk", None) in one_shoulder_ids)
        item["one_shoulder"] = one_shoulder
        for number, message in rules.check_step_order(tpl, step_dates, one_shoulder=one_shoulder, today=ctx.today):
            reader.fault(columns[number - 1], message)
        review_on = dates[rules.COUNTED_COLUMN]
        counts_given = [c is not None for c in (due, present, in_favour)]
        if review_on is None and any(counts_given):
            reader.fault("应到党员数", "填写了表决人数，须填写党员大会审议日期")
        if review_on is not None:
            for column, given in zip(COUNT_COLUMNS, counts_given):
                if not given:
                    reader.fault(column, f"有党员大会审议日期，须填写{column}")
        if reader.faulty:
            return
        for field, messages in rules.check_counts(due, present, in_favour).items():
            column = {"due": "应到党员数", "present": "实到党员数", "in_favour": "赞成票数"}[field]
            reader.faults(column, messages)
        if reader.faulty or review_on is None:
            item["review_passed"] = None
            return
        review_number = columns.index(rules.COUNTED_COLUMN) + 1
        passed, reason = rules.vote_outcome(tpl.step(review_number), due, present, in_favour)
        item["review_passed"] = passed
        if passed is False:
            for i in range(review_number, len(columns)):
                if step_dates[i] is not None:
                    reader.fault(columns[i], f"{tpl.step(review_number).label}未通过（{reason}），事项已终止，不能有后续步骤")

    # --- write -----------------------------------------------------------------------------------
    def resolve(self, items):
        orgs = {o.name: o for o in Organization.objects.filter(name__in={i["org_name"] for i in items})}
        for i in items:
            i["org"] = orgs[i["org_name"]]
        self._names = {i["org"].pk: i["org_name"] for i in items}

    def stored(self, ctx):
        org_ids = {i["org"].pk for i in self.items}
        qs = Matter.objects.filter(organization_id__in=org_ids).prefetch_related("steps")
        return {(self._names[m.organization_id], m.name, m.opened_on): m for m in qs}

    def changes(self, matter, item):
        before, after = self._sheet_values(matter), self._item_values(item)
        return {"ledger": [str(before), str(after)]} if before != after else {}

    @staticmethod
    def _sheet_values(matter: Matter) -> tuple:
        """(category, {column: date}, review counts) of a matter, as the sheet writes them."""
        columns = rules.ledger_columns([s.kind for s in matter.procedure.steps])
        steps = {s.number: s for s in matter.steps.all()}
        dates = {c: None for c in DATE_COLUMNS}
        counts = (None, None, None)
        for number, column in enumerate(columns, start=1):
            step = steps.get(number)
            if column is None or step is None:
                continue
            dates[column] = step.date
            if column == rules.COUNTED_COLUMN:
                counts = (step.due, step.present, step.in_favour)
        return (matter.category, tuple(dates[c] for c in DATE_COLUMNS), counts)

    @staticmethod
    def _item_values(item: dict) -> tuple:
        return (item["category"], tuple(item["dates"][c] for c in DATE_COLUMNS), tuple(item["counts"]))

    def write(self, ctx: ImportContext) -> dict[str, int]:
        plan = self.plan(ctx)
        create, update, unchanged = plan.create, plan.update, plan.unchanged
        user = getattr(ctx.actor, "user", None)
        matters = []
        for item in create:
            tpl = item["procedure"]
            m = Matter(organization=item["org"], name=item["name"], category=item["category"], template=tpl.name,
                       procedure_steps=tpl.as_data(), one_shoulder=item["one_shoulder"],
                       opened_on=item["dates"][DATE_COLUMNS[0]], created_by=user)
            self._derive(m, item)
            matters.append(m)
        Matter.objects.bulk_create(matters, batch_size=1000)
        steps = [s for m, item in zip(matters, create) for s in self._steps(m, item, user)]
        entries = [audit.audit_entry(
            actor=ctx.actor, action=AuditLog.Action.CREATED, object_type="governance.matter", object_id=str(m.pk or ""),
            object_repr=m.name[:255], scope_path=item["org"].path, note="台账导入",
            changes={"name": [None, m.name], "category": [None, m.category], "template": [None, m.template],
                     "status": [None, m.get_status_display()]})
            for m, item in zip(matters, create)]
        changed = []
        for matter, item, changes in update:
            matter.category = item["category"]
            matter.one_shoulder = matter.one_shoulder or item["one_shoulder"]
            self._derive(matter, item)
            current = {s.number: s for s in matter.steps.all()}
            wanted = {s.number: s for s in self._steps(matter, item, user)}
            MatterStep.objects.filter(matter=matter).exclude(number__in=list(wanted)).delete()
            for number, step in wanted.items():
                if number not in current:
                    steps.append(step)
                    continue
                old = current[number]
                fields = ["date"]
                old.date = step.date
                if item["columns"][number - 1] == rules.COUNTED_COLUMN:  # the ledger keeps only these counts
                    old.due, old.present, old.in_favour, old.passed = step.due, step.present, step.in_favour, step.passed
                    fields += ["due", "present", "in_favour", "passed"]
                old.save(update_fields=fields)
            changed.append(matter)
            entries.append(audit.audit_entry(
                actor=ctx.actor, action=AuditLog.Action.CHANGED, object_type="governance.matter",
                object_id=str(matter.pk), object_repr=matter.name[:255], scope_path=item["org"].path, note="台账导入",
                changes=changes))
        if changed:
            Matter.objects.bulk_update(changed, ["category", "one_shoulder", "status", "steps_done", "last_step_on",
                                                 "decided_on"], batch_size=1000)
        MatterStep.objects.bulk_create(steps, batch_size=2000)
        AuditLog.objects.bulk_create(entries, batch_size=2000)
        return {"created": len(matters), "updated": len(changed), "unchanged": unchanged}

    @staticmethod
    def _derive(matter: Matter, item: dict) -> None:
        dates = item["step_dates"]
        done = max(i + 1 for i, d in enumerate(dates) if d is not None)
        matter.steps_done, matter.last_step_on = done, dates[done - 1]
        matter.decided_on = dates[-1]  # the last step (a 公开, in 结果公开日期)
        if item.get("review_passed") is False:
            matter.status = MatterStatus.FAILED
        elif matter.decided_on is not None:
            matter.status = MatterStatus.DECIDED
        else:
            matter.status = MatterStatus.OPEN

    @staticmethod
    def _steps(matter: Matter, item: dict, user) -> list[MatterStep]:
        tpl = item["procedure"]
        out = []
        for i, day in enumerate(item["step_dates"]):
            if day is None:
                continue
            spec = tpl.steps[i]
            step = MatterStep(matter=matter, number=i + 1, kind=spec.kind, label=spec.label, date=day,
                              is_publication=spec.is_publication, recorded_by=user)
            if item["columns"][i] == rules.COUNTED_COLUMN:
                step.due, step.present, step.in_favour = item["counts"]
                step.passed = item.get("review_passed")
            out.append(step)
        return out

    def export_rows(self, user, scope_org, **options):
        if user is not None and _role(user) not in ("county_admin", "organiser", "secretary"):
            return None
        qs = self.scoped_queryset(user, scope_org).select_related("organization").prefetch_related("steps").order_by(
            "organization__path", "opened_on", "id")
        return self._rows(qs)

    def _rows(self, qs):
        for m in qs.iterator(chunk_size=1000):
            category, dates, counts = self._sheet_values(m)
            yield [m.organization.name, m.name, category, *dates[:3], *counts, *dates[3:], m.template]


SHEETS = [MatterSheet, DisputeSheet, CatalogueSheet, RequestSheet, CaseSheet]
