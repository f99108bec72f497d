"""The cadres app's ledger sheets (ledger-sheets.md): 干部, 报酬标准, 社区经费, 阵地投入, 培训.

Checked with every other sheet before anything is written (all or nothing), faults by sheet, row
and column; each sheet's key identifies a row, so importing the same workbook twice changes
nothing and a changed non-key cell updates the record; the export re-imports to the same data.
A 培训 row naming a person the organisation has not registered is a warning, not a fault.
An ID number exported masked (4199**********0019) reads back as "unchanged".
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any, Iterable, Optional

from dangjian.core import audit, crypto, roles
from dangjian.core.scope import is_in_subtree
from dangjian.core.tree import STEP
from dangjian.core.models import AuditLog
from dangjian.register import rules as register_rules
from dangjian.register.models import Division, Member, Organization
from dangjian.roster.cells import CellError, RowReader, number_as_text, parse_choice, parse_date, parse_text, parse_yes_no
from dangjian.roster.sheets import (
    SHARED_WORKBOOK_DIVISIONS, SHARED_WORKBOOK_ORGS, Column, ImportContext, KeyedSheet, Row,
)

from . import rules
from .models import Cadre, CommunityFund, PayStandard, TrainingAttendance, TrainingClass, VenueInvestment
from .vocab import PAY_POSTS, CommunityCategory, FundCategory, Post, TraineeRole

OUT_OF_SCOPE = "不在您的管理范围内"
COMMUNITY_CATEGORIES = ("城市社区", "村改居社区")
# {所在党组织: {姓名}} of the 干部 sheet's rows, for the 培训 sheet's warnings.
SHARED_WORKBOOK_CADRE_NAMES = "cadres.workbook_cadre_names"
CHUNK = 900


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def parse_amount(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError("金额应为数字（元）")
    if isinstance(value, (int, float)):
        text = number_as_text(round(value, 6))
    else:
        text = parse_text(value).replace(",", "").replace("，", "")
    try:
        return rules.parse_amount(text)
    except ValueError as err:
        raise CellError(str(err)) from None


def parse_year(value: Any) -> int:
    text = parse_text(value)
    if text and text.isdigit() and len(text) == 4 and 1949 <= int(text) <= 2100:
        return int(text)
    raise CellError(f"年度“{text}”应为四位年份，例如 2025")


def parse_hours(value: Any) -> Decimal:
    amount = parse_amount(value)
    if amount <= 0:
        raise CellError("学时应大于0")
    return amount


def read_id(reader: RowReader, column: str = "公民身份号码") -> tuple[Optional[str], bool]:
    """(the number, whether the cell was given). A masked number (an export for a user who does not
    see whole numbers) is (None, False): the record keeps the number it has."""
    raw = reader.raw(column)
    if raw is None:
        return "", reader.has(column)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        reader.fault(column, "公民身份号码必须是文本格式单元格（数字格式会丢失末几位），请把该列设为文本后重新输入")
        return None, False
    text = register_rules.normalise_id_number(parse_text(raw))
    if "*" in text:
        return None, False
    problems = rules.check_id_number(text)
    if problems:
        reader.faults(column, problems)
        return None, False
    return text, True


def _plain(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _amount_float(value: Optional[Decimal]):
    if value is None:
        return None
    return int(value) if value == value.to_integral() else float(value)


class _OrgResolver:
    """Party organisations named by rows: of this workbook (checked by the 党组织 sheet) or the database."""

    def __init__(self, ctx: ImportContext, names: Iterable[str]) -> None:
        self.ctx = ctx
        self.workbook = ctx.shared.get(SHARED_WORKBOOK_ORGS, {}) or {}
        self.db = {}
        wanted = sorted(set(n for n in names if n) - set(self.workbook))
        for chunk in _chunks(wanted):
            for o in Organization.objects.filter(name__in=chunk).only("pk", "name", "path", "is_active", "org_type"):
                self.db[o.name] = o

    def problem(self, name: str) -> Optional[str]:
        if name in self.workbook:
            return None  # the 党组织 sheet judged its scope
        org = self.db.get(name)
        if org is None:
            return f"党组织“{name}”在本工作簿和系统中都不存在"
        if self.ctx.scope_org is not None and not is_in_subtree(org, self.ctx.scope_org):
            return f"党组织“{name}”{OUT_OF_SCOPE}"
        return None


class _DivisionResolver:
    def __init__(self, ctx: ImportContext, names: Iterable[str]) -> None:
        self.ctx = ctx
        self.workbook = ctx.shared.get(SHARED_WORKBOOK_DIVISIONS, {}) or {}
        self.db = {}
        wanted = sorted(set(n for n in names if n) - set(self.workbook))
        for chunk in _chunks(wanted):
            for d in Division.objects.filter(name__in=chunk).only("pk", "name", "path", "category"):
                self.db[d.name] = d

    def category(self, name: str) -> Optional[str]:
        if name in self.workbook:
            return self.workbook[name]
        d = self.db.get(name)
        return d.category if d else None

    def problem(self, name: str, *, communities_only: bool = False) -> Optional[str]:
        if name not in self.workbook and name not in self.db:
            return f"行政区划“{name}”在本工作簿和系统中都不存在"
        scope = self.ctx.scope_org
        if scope is not None and name in self.db and not is_in_subtree(self.db[name], scope.division):
            return f"行政区划“{name}”{OUT_OF_SCOPE}"
        if communities_only and self.category(name) not in COMMUNITY_CATEGORIES:
            return f"社区经费按城市社区或村改居社区登记，“{name}”是{self.category(name) or '未知类别'}"
        return None


def _by_name(model, names) -> dict:
    out = {}
    for chunk in _chunks(sorted(set(names))):
        for obj in model.objects.filter(name__in=chunk):
            out[obj.name] = obj
    return out


def _members_by_hash(hashes) -> dict:
    out = {}
    for chunk in _chunks(sorted(h for h in set(hashes) if h)):
        for m in Member.objects.filter(id_number_hash__in=chunk).only("pk", "sex", "birth_date", "education",
                                                                      "id_number_hash"):
            out[m.id_number_hash] = m
    return out


def _apply_person(obj, id_number: Optional[str], members: dict) -> None:
    """Set the encrypted number and what it links to (None: keep the record's number)."""
    if id_number is not None:
        obj.id_number = id_number
    member = members.get(obj.id_number_hash) if obj.id_number_hash else None
    obj.member = member
    if member is not None:
        obj.sex, obj.birth_date = member.sex, member.birth_date
        obj.education = obj.education or member.education
    elif obj.id_number_hash:
        birth, sex = rules.person_facts(obj.id_number)
        obj.birth_date, obj.sex = birth, sex or ""
    else:
        obj.birth_date, obj.sex = None, ""


def _may_export(user) -> bool:
    return user is None or roles.has_role(user, roles.STAFF_ROLES)


def _full_numbers(user) -> bool:
    return user is None or user.may_view_full_pii


class _KeyedSheet(KeyedSheet):
    """A sheet whose rows are identified by a key (``item["_key"]``); changed records are written before
    new ones (a record ending before its successor begins), in batches of 500."""

    update_first = True
    batch_size = 500

    def _check_orgs(self, parsed: list[dict], ctx: ImportContext) -> None:
        orgs = _OrgResolver(ctx, [i["org"] for i in parsed])
        for item in parsed:
            if item["org"]:
                problem = orgs.problem(item["org"])
                if problem:
                    self.fault(ctx, item, "所在党组织", problem)

    def _audit(self, ctx, entries, action, obj, scope_path, changes, repr_=None):
        changes = {k: [_plain(v[0]), _plain(v[1])] for k, v in changes.items()}
        entries.append(self.audit_entry(ctx, action, obj, changes, object_id=str(obj.pk),
                                        object_repr=(repr_ or str(obj))[:255], scope_path=scope_path))
        return entries[-1]

    def audit_scope_path(self, obj) -> str:
        return ""

    def audit_changed(self, ctx, record, item, changes, before):
        return self._audit(ctx, [], AuditLog.Action.CHANGED, record, self.audit_scope_path(record), changes)


# --- 干部 ----------------------------------------------------------------------------------------

class CadreSheet(_KeyedSheet):
    sheet_name = "干部"
    order = 60
    model = Cadre
    object_type = "cadres.cadre"
    key_columns = ("所在党组织", "姓名", "职务", "任职日期")
    columns = [
        Column("姓名", required=True, width=10),
        Column("公民身份号码", width=22, text=True),
        Column("所在党组织", required=True, width=30),
        Column("职务", required=True, width=12),
        Column("任职日期", required=True, width=12),
        Column("离任日期", width=12),
        Column("一肩挑", width=8),
    ]

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        parsed = self.read(rows, ctx)
        self._check_orgs(parsed, ctx)
        self.drop_duplicates(parsed, ctx, "任职日期")
        self.keep(parsed)
        names = defaultdict(set)
        for i in parsed:
            if i["org"] and i["name"]:
                names[i["org"]].add(i["name"])
        ctx.shared[SHARED_WORKBOOK_CADRE_NAMES] = names
        self._check_secretaries(ctx)

    def parse(self, r: RowReader, ctx: ImportContext) -> dict:
        item = {
            "name": r.get("姓名", parse_text, required=True, max_length=50),
            "org": r.get("所在党组织", parse_text, required=True, max_length=200),
            "post": r.get("职务", parse_choice, Post, required=True),
            "started_on": r.get("任职日期", parse_date, required=True),
            "ended_on": r.get("离任日期", parse_date),
            "one_shoulder": r.get("一肩挑", parse_yes_no, default=False),
        }
        item["id_number"], item["id_given"] = read_id(r)
        r.faults("离任日期", rules.check_service_dates(item["started_on"], item["ended_on"]))
        r.faults("任职日期", rules.check_not_future("任职日期", item["started_on"], ctx.today))
        r.faults("离任日期", rules.check_not_future("离任日期", item["ended_on"], ctx.today))
        if item["one_shoulder"] and item["post"] and item["post"] != Post.SECRETARY:
            r.fault("一肩挑", "“一肩挑”只适用于书记")
        item["_key"] = (item["org"], item["name"], item["post"], item["started_on"])
        return item

    def _existing(self, org_names) -> dict[tuple, Cadre]:
        out = {}
        for chunk in _chunks(sorted(org_names)):
            for c in Cadre.objects.filter(organization__name__in=chunk).select_related("organization"):
                out[(c.organization.name, c.name, c.post, c.started_on)] = c
        return out

    def _check_secretaries(self, ctx: ImportContext) -> None:
        """At most one serving 书记 per organisation, over the records as they will be after the import."""
        rows = [i for i in self.items if i["post"] == Post.SECRETARY]
        if not rows:
            return
        existing = self._existing({i["org"] for i in rows})
        by_org: dict[str, dict[tuple, tuple]] = defaultdict(dict)
        for key, c in existing.items():
            if c.post == Post.SECRETARY:
                by_org[key[0]][key] = (c.name, c.started_on, c.ended_on, None)
        for i in rows:
            by_org[i["org"]][i["_key"]] = (i["name"], i["started_on"], i["ended_on"], i)
        for org, records in by_org.items():
            items = sorted(records.values(), key=lambda t: t[1])
            for a, b in zip(items, items[1:]):
                if rules.overlaps(a[1], a[2], b[1], b[2]):
                    row = b[3] or a[3]
                    if row is None:
                        continue
                    other = a if row is b[3] else b
                    until = f"{other[2]:%Y-%m-%d}离任" if other[2] else "至今在任"
                    ctx.fault(self.sheet_name, row["_row"], "任职日期",
                              f"{org}同一时期只能有一名书记：{other[0]}自{other[1]:%Y-%m-%d}任书记（{until}），任职时间重叠")
                    row["_ok"] = False
        self.items = [i for i in self.items if i["_ok"]]

    def stored(self, ctx):
        return self._existing({i["org"] for i in self.items})

    def changes(self, c, i):
        changes = {}
        if c.ended_on != i["ended_on"]:
            changes["ended_on"] = [c.ended_on, i["ended_on"]]
        if c.one_shoulder != bool(i["one_shoulder"]):
            changes["one_shoulder"] = [c.one_shoulder, bool(i["one_shoulder"])]
        if i["id_number"] is not None and i["id_given"] and crypto.lookup_hash(i["id_number"]) != c.id_number_hash:
            changes["id_number"] = [crypto.mask_id_number(c.id_number), crypto.mask_id_number(i["id_number"])]
        return changes

    # Records ending first (update_first), so that the one-open-secretary index never sees two at once.
    update_fields = ("ended_on", "one_shoulder", "id_number_encrypted", "id_number_hash", "member", "sex",
                     "birth_date", "education")

    def before_write(self, ctx, plan):
        self._orgs = _by_name(Organization, [i["org"] for i in plan.create])
        self._members = _members_by_hash([crypto.lookup_hash(i["id_number"])
                                          for i in plan.create + [u[1] for u in plan.update] if i["id_number"]])

    def apply(self, c, i, changes):
        c.ended_on, c.one_shoulder = i["ended_on"], bool(i["one_shoulder"])
        if "id_number" in changes:
            _apply_person(c, i["id_number"], self._members)

    def build(self, i):
        c = Cadre(organization=self._orgs[i["org"]], name=i["name"], post=i["post"], started_on=i["started_on"],
                  ended_on=i["ended_on"], one_shoulder=bool(i["one_shoulder"]))
        _apply_person(c, i["id_number"] or "", self._members)
        return c

    def audit_scope_path(self, c):
        return c.organization.path

    def audit_created(self, ctx, c, i):
        return self._audit(ctx, [], AuditLog.Action.CREATED, c, c.organization.path,
                           {"post": [None, c.post], "started_on": [None, c.started_on.isoformat()]})

    def write(self, ctx: ImportContext) -> dict[str, int]:
        counts = super().write(ctx)
        # Accounts follow the secretary posts (issue 14): reconciled once the import has committed
        # (idempotent: the sheet's unchanged secretary rows do no harm).
        names = {i["org"] for i in self.items if i.get("post") == Post.SECRETARY}
        if names:
            from django.db import transaction

            from dangjian.core import extensions

            org_ids = {o.pk for o in _by_name(Organization, names).values()}
            transaction.on_commit(lambda: extensions.posts_changed(org_ids, actor=ctx.actor), robust=True)
        return counts

    def export_rows(self, user, scope_org, **options) -> Optional[Iterable[list[Any]]]:
        if not _may_export(user):
            return None
        full = _full_numbers(user)
        qs = self.scoped_queryset(user, scope_org).select_related("organization").order_by("organization__path", "post", "started_on", "id")
        return ([c.name, (c.id_number if full else c.id_number_masked) or None, c.organization.name, c.post,
                 c.started_on, c.ended_on, ("是" if c.one_shoulder else None) if c.post == Post.SECRETARY else None]
                for c in qs.iterator(chunk_size=2000))


# --- 报酬标准 ------------------------------------------------------------------------------------

class _AmountSheet(_KeyedSheet):
    """A keyed table of amounts: a changed 金额 updates the record."""

    update_fields = ("amount",)

    def changes(self, obj, i):
        return {"amount": [str(obj.amount), str(i["amount"])]} if obj.amount != i["amount"] else {}

    def apply(self, obj, i, changes):
        obj.amount = i["amount"]

    def audit_created(self, ctx, obj, i):
        return self._audit(ctx, [], AuditLog.Action.CREATED, obj, "", {"amount": [None, str(obj.amount)]})


class PayStandardSheet(_AmountSheet):
    sheet_name = "报酬标准"
    order = 61
    model = PayStandard
    object_type = "cadres.paystandard"
    key_columns = ("社区类别", "职务", "执行日期")
    columns = [
        Column("社区类别", required=True, width=12),
        Column("职务", required=True, width=12),
        Column("月标准", required=True, width=10),
        Column("执行日期", required=True, width=12),
    ]

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        user = getattr(ctx.actor, "user", None)
        if ctx.scope_org is not None or (user is not None and not user.is_county_admin):
            if rows:
                ctx.fault(self.sheet_name, 0, "", "报酬标准由县委组织部统一导入")
            return
        parsed = self.read(rows, ctx)
        self.drop_duplicates(parsed, ctx, "执行日期")
        self.keep(parsed)

    def parse(self, r: RowReader, ctx: ImportContext) -> dict:
        item = {
            "category": r.get("社区类别", parse_choice, CommunityCategory, required=True),
            "post": r.get("职务", parse_choice, list(PAY_POSTS), required=True),
            "amount": r.get("月标准", parse_amount, required=True),
            "effective_on": r.get("执行日期", parse_date, required=True),
        }
        item["_key"] = (item["category"], item["post"], item["effective_on"])
        return item

    def stored(self, ctx):
        return {(p.category, p.post, p.effective_on): p for p in PayStandard.objects.all()}

    def build(self, i):
        return PayStandard(category=i["category"], post=i["post"], amount=i["amount"], effective_on=i["effective_on"])

    def export_rows(self, user, scope_org, **options):
        if user is not None and not user.is_county_admin:
            return None  # the county's table: imported by the county only (the page lists it for everyone)
        return ([p.category, p.post, _amount_float(p.amount), p.effective_on]
                for p in PayStandard.objects.order_by("category", "post", "effective_on"))


# --- 社区经费 and 阵地投入 -----------------------------------------------------------------------

class _DivisionAmountSheet(_AmountSheet):
    model = CommunityFund
    communities_only = False
    scope_field, scope_by_division = "division", True

    def _divisions(self, names):
        return _by_name(Division, names)

    def _check_divisions(self, parsed, ctx):
        divisions = _DivisionResolver(ctx, [i["division"] for i in parsed])
        for item in parsed:
            if item["division"]:
                problem = divisions.problem(item["division"], communities_only=self.communities_only)
                if problem:
                    self.fault(ctx, item, "所在行政区划", problem)

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        parsed = self.read(rows, ctx)
        self._check_divisions(parsed, ctx)
        self.drop_duplicates(parsed, ctx)
        self.keep(parsed)

    def stored(self, ctx):
        names = sorted({i["division"] for i in self.items})
        out = {}
        for chunk in _chunks(names):
            for obj in self.model.objects.filter(division__name__in=chunk).select_related("division"):
                out[self.record_key(obj)] = obj
        return out

    def record_key(self, obj) -> tuple:
        raise NotImplementedError

    def before_write(self, ctx, plan):
        self._division_of = self._divisions([i["division"] for i in plan.create])

    def _export_qs(self, user, scope_org):
        return self.scoped_queryset(user, scope_org).select_related("division")


class CommunityFundSheet(_DivisionAmountSheet):
    sheet_name = "社区经费"
    order = 62
    object_type = "cadres.communityfund"
    key_columns = ("所在行政区划", "年度", "经费类别")
    model = CommunityFund
    communities_only = True
    columns = [
        Column("所在行政区划", required=True, width=20),
        Column("年度", required=True, width=8),
        Column("经费类别", required=True, width=18),
        Column("金额", required=True, width=14),
    ]

    duplicate_column = "经费类别"

    def parse(self, r: RowReader, ctx: ImportContext) -> dict:
        item = {
            "division": r.get("所在行政区划", parse_text, required=True, max_length=100),
            "year": r.get("年度", parse_year, required=True),
            "category": r.get("经费类别", parse_choice, FundCategory, required=True),
            "amount": r.get("金额", parse_amount, required=True),
        }
        if item["year"] and item["year"] > ctx.today.year:
            r.fault("年度", f"年度{item['year']}在将来")
        item["_key"] = (item["division"], item["year"], item["category"])
        return item

    def record_key(self, f):
        return (f.division.name, f.year, f.category)

    def build(self, i):
        return CommunityFund(division=self._division_of[i["division"]], year=i["year"], category=i["category"],
                             amount=i["amount"])

    def export_rows(self, user, scope_org, **options):
        if not _may_export(user):
            return None
        qs = self._export_qs(user, scope_org).order_by("division__path", "year", "category")
        return ([f.division.name, f.year, f.category, _amount_float(f.amount)] for f in qs.iterator(chunk_size=2000))


class VenueInvestmentSheet(_DivisionAmountSheet):
    sheet_name = "阵地投入"
    order = 63
    object_type = "cadres.venueinvestment"
    key_columns = ("所在行政区划", "项目名称", "投入日期")
    model = VenueInvestment
    columns = [
        Column("所在行政区划", required=True, width=20),
        Column("项目名称", required=True, width=30),
        Column("投入日期", required=True, width=12),
        Column("金额", required=True, width=14),
    ]

    duplicate_column = "投入日期"

    def parse(self, r: RowReader, ctx: ImportContext) -> dict:
        item = {
            "division": r.get("所在行政区划", parse_text, required=True, max_length=100),
            "project": r.get("项目名称", parse_text, required=True, max_length=100),
            "invested_on": r.get("投入日期", parse_date, required=True),
            "amount": r.get("金额", parse_amount, required=True),
        }
        r.faults("投入日期", rules.check_not_future("投入日期", item["invested_on"], ctx.today))
        item["_key"] = (item["division"], item["project"], item["invested_on"])
        return item

    def record_key(self, v):
        return (v.division.name, v.project, v.invested_on)

    def build(self, i):
        return VenueInvestment(division=self._division_of[i["division"]], project=i["project"],
                               invested_on=i["invested_on"], amount=i["amount"])

    def export_rows(self, user, scope_org, **options):
        if not _may_export(user):
            return None
        qs = self._export_qs(user, scope_org).order_by("division__path", "invested_on", "project")
        return ([v.division.name, v.project, v.invested_on, _amount_float(v.amount)] for v in qs.iterator(chunk_size=2000))


# --- 培训 ----------------------------------------------------------------------------------------

class TrainingSheet(_KeyedSheet):
    sheet_name = "培训"
    order = 64
    model = TrainingAttendance
    object_type = "cadres.trainingattendance"
    key_columns = ("培训班名称", "开始日期", "姓名", "所在党组织")
    columns = [
        Column("培训班名称", required=True, width=24),
        Column("开始日期", required=True, width=12),
        Column("结束日期", required=True, width=12),
        Column("学时", required=True, width=8),
        Column("姓名", required=True, width=10),
        Column("公民身份号码", width=22, text=True),
        Column("所在党组织", required=True, width=30),
        Column("参训身份", required=True, width=10),
    ]

    def parse(self, r: RowReader, ctx: ImportContext) -> dict:
        item = {
            "class_name": r.get("培训班名称", parse_text, required=True, max_length=100),
            "started_on": r.get("开始日期", parse_date, required=True),
            "ended_on": r.get("结束日期", parse_date, required=True),
            "hours": r.get("学时", parse_hours, required=True),
            "name": r.get("姓名", parse_text, required=True, max_length=50),
            "org": r.get("所在党组织", parse_text, required=True, max_length=200),
            "role": r.get("参训身份", parse_choice, TraineeRole, required=True),
        }
        item["id_number"], item["id_given"] = read_id(r)
        r.faults("结束日期", rules.check_class_dates(item["started_on"], item["ended_on"]))
        r.faults("开始日期", rules.check_not_future("开始日期", item["started_on"], ctx.today))
        item["_key"] = (item["class_name"], item["started_on"], item["name"], item["org"])
        return item

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        parsed = self.read(rows, ctx)
        self._check_orgs(parsed, ctx)
        # One class, one set of dates and hours.
        classes: dict[tuple, dict] = {}
        for item in parsed:
            if not item["_ok"]:
                continue
            ck = (item["class_name"], item["started_on"])
            first = classes.setdefault(ck, item)
            for field, column in (("ended_on", "结束日期"), ("hours", "学时")):
                if first is not item and first[field] != item[field]:
                    self.fault(ctx, item, column, f"同一培训班“{item['class_name']}”的{column}与第{first['_row']}行不一致")
        self.drop_duplicates(parsed, ctx, "姓名")
        self.keep(parsed)
        self._warn_unknown(ctx)

    def _warn_unknown(self, ctx: ImportContext) -> None:
        """A person not registered in the organisation named: a warning, the row is still imported."""
        workbook_names = ctx.shared.get(SHARED_WORKBOOK_CADRE_NAMES, {}) or {}
        org_names = sorted({i["org"] for i in self.items})
        known: dict[str, set] = defaultdict(set)
        for chunk in _chunks(org_names):
            for org, name in Cadre.objects.filter(organization__name__in=chunk).values_list("organization__name", "name"):
                known[org].add(name)
            for org, name in Member.objects.filter(organization__name__in=chunk).values_list("organization__name", "name"):
                known[org].add(name)
            for org, name in (TrainingAttendance.objects.filter(organization__name__in=chunk)
                              .values_list("organization__name", "name")):
                known[org].add(name)  # already imported once: not new any more
        for i in self.items:
            if i["name"] in known[i["org"]] or i["name"] in workbook_names.get(i["org"], ()):
                continue
            ctx.warn(self.sheet_name, i["_row"], "姓名",
                     f"“{i['name']}”不是“{i['org']}”登记的干部或党员，将按新姓名登记，请核对")

    def _existing(self) -> tuple[dict, dict]:
        class_keys = {(i["class_name"], i["started_on"]) for i in self.items}
        names = sorted({k[0] for k in class_keys})
        classes = {}
        for chunk in _chunks(names):
            for tc in TrainingClass.objects.filter(name__in=chunk):
                if (tc.name, tc.started_on) in class_keys:
                    classes[(tc.name, tc.started_on)] = tc
        attendances = {}
        for a in (TrainingAttendance.objects.filter(training__in=list(classes.values()))
                  .select_related("training", "organization")):
            attendances[(a.training.name, a.training.started_on, a.name, a.organization.name)] = a
        return classes, attendances

    def stored(self, ctx):
        self._classes, attendances = self._existing()
        return attendances

    def changes(self, a, i):
        tc = self._classes.get((i["class_name"], i["started_on"]))
        changes = {}
        if a.role != i["role"]:
            changes["role"] = [a.role, i["role"]]
        if i["id_number"] is not None and i["id_given"] and crypto.lookup_hash(i["id_number"]) != a.id_number_hash:
            changes["id_number"] = [crypto.mask_id_number(a.id_number), crypto.mask_id_number(i["id_number"])]
        if tc is not None and (tc.ended_on != i["ended_on"] or tc.hours != i["hours"]):
            changes["training"] = [f"{tc.ended_on} {tc.hours}学时", f"{i['ended_on']} {i['hours']}学时"]
        return changes

    def _host(self, ctx: ImportContext, org: Organization) -> Organization:
        if ctx.scope_org is not None:
            return ctx.scope_org
        return Organization.objects.filter(path=org.path[:STEP]).first() or org

    def write(self, ctx: ImportContext) -> dict[str, int]:
        plan = self.plan(ctx)
        create, update, unchanged = plan.create, plan.update, plan.unchanged
        classes, _ = self._existing()
        orgs = _by_name(Organization, [i["org"] for i in self.items])
        hashes = [crypto.lookup_hash(i["id_number"]) for i in self.items if i["id_number"]]
        members = _members_by_hash(hashes)
        entries: list[AuditLog] = []
        for i in self.items:
            ck = (i["class_name"], i["started_on"])
            tc = classes.get(ck)
            if tc is None:
                tc = TrainingClass.objects.create(name=i["class_name"], started_on=i["started_on"],
                                                  ended_on=i["ended_on"], hours=i["hours"],
                                                  organization=self._host(ctx, orgs[i["org"]]))
                classes[ck] = tc
                self._audit(ctx, entries, AuditLog.Action.CREATED, tc, tc.organization.path,
                            {"name": [None, tc.name], "started_on": [None, tc.started_on.isoformat()]})
                entries[-1].object_type = "cadres.trainingclass"
            elif tc.ended_on != i["ended_on"] or tc.hours != i["hours"]:
                tc.ended_on, tc.hours = i["ended_on"], i["hours"]
                tc.save(update_fields=["ended_on", "hours"])
        cadre_index = self._cadres(orgs.values())
        changed = []
        for a, i, changes in update:
            a.role = i["role"]
            if "id_number" in changes:
                _apply_person(a, i["id_number"], members)
                a.cadre = self._match(cadre_index, a, i)
            changed.append(a)
            self._audit(ctx, entries, AuditLog.Action.CHANGED, a, a.organization.path, changes,
                        f"{i['class_name']} {a.name}")
        TrainingAttendance.objects.bulk_update(changed, ["role", "id_number_encrypted", "id_number_hash", "member",
                                                         "sex", "birth_date", "education", "cadre"], batch_size=500)
        new = []
        for i in create:
            a = TrainingAttendance(training=classes[(i["class_name"], i["started_on"])], name=i["name"],
                                   organization=orgs[i["org"]], role=i["role"])
            _apply_person(a, i["id_number"] or "", members)
            a.cadre = self._match(cadre_index, a, i)
            new.append(a)
        TrainingAttendance.objects.bulk_create(new, batch_size=500)
        for a in new:
            self._audit(ctx, entries, AuditLog.Action.CREATED, a, a.organization.path,
                        {"name": [None, a.name], "role": [None, a.role]}, f"{a.training.name} {a.name}")
        AuditLog.objects.bulk_create(entries, batch_size=2000)
        return {"created": len(new), "updated": len(changed), "unchanged": unchanged}

    @staticmethod
    def _cadres(orgs) -> dict:
        index: dict = {"hash": {}, "name": defaultdict(list)}
        for c in Cadre.objects.filter(organization__in=list(orgs)).order_by("-started_on"):
            if c.id_number_hash:
                index["hash"].setdefault(c.id_number_hash, c)
            index["name"][(c.name, c.organization_id)].append(c)
        return index

    @staticmethod
    def _match(index, a, i):
        if a.id_number_hash and a.id_number_hash in index["hash"]:
            return index["hash"][a.id_number_hash]
        found = index["name"].get((a.name, a.organization_id), [])
        serving = [c for c in found if c.serves_on(i["started_on"])]
        return (serving or found or [None])[0]

    def export_rows(self, user, scope_org, **options):
        if not _may_export(user):
            return None
        full = _full_numbers(user)
        qs = self.scoped_queryset(user, scope_org).select_related("training", "organization").order_by("training__started_on", "training__name",
                                                                   "organization__path", "name")
        return ([a.training.name, a.training.started_on, a.training.ended_on, _amount_float(a.training.hours), a.name,
                 (a.id_number if full else a.id_number_masked) or None, a.organization.name, a.role]
                for a in qs.iterator(chunk_size=2000))


SHEETS = [CadreSheet, PayStandardSheet, CommunityFundSheet, VenueInvestmentSheet, TrainingSheet]
