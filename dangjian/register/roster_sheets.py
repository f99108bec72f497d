"""The register's sheets of the roster workbook: 行政区划, 党组织, 党员 (roster-format.md).

Every fact is judged by the same rule functions the register services use (``register.rules``);
only the bookkeeping differs: the import checks a whole workbook at once against itself and the
database, and writes in bulk with one audit row per created or changed object.

Natural keys: divisions and organisations by name, members by 公民身份号码 (its keyed digest).
Re-importing the same workbook changes nothing; a changed row updates its object; a changed
parent moves the object's subtree.
"""
from __future__ import annotations

import datetime
from typing import Any, Iterable, Iterator, Optional

from django.db import connection
from django.utils import timezone

from dangjian.core.scope import is_in_subtree
from dangjian.core import audit, crypto
from dangjian.core.models import AuditLog
from dangjian.core.tree import STEP, decode_step, encode_step
from dangjian.roster.bulk import AuditWriter, insert_rows, reserve_ids, save_audit_entries
from dangjian.roster.cells import RowReader, number_as_text, parse_choice, parse_date, parse_text, parse_yes_no
from dangjian.roster.sheets import (
    SHARED_WORKBOOK_DIVISIONS, SHARED_WORKBOOK_MEMBERS, SHARED_WORKBOOK_ORGS, Column, ImportContext, Row, SheetHandler,
)

from . import rules
from .models import Division, Member, Organization
from .vocab import (
    ETHNIC_GROUPS, ROSTER_MEMBER_STATUSES, DivisionCategory, Education, MemberStatus, Occupation, OrgType, Sex,
    UnitType,
)

OUT_OF_SCOPE = "不在您的管理范围内"
CHUNK = 900  # names or digests per IN (…) query, under SQLite's 999 parameters


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _iso(day: Optional[datetime.date]) -> Optional[str]:
    return day.isoformat() if day else None


def _may_import_divisions(ctx: ImportContext) -> bool:
    user = getattr(ctx.actor, "user", None)
    return ctx.scope_org is None and (user is None or user.is_county_admin)


# --- Tree sheets: divisions and organisations --------------------------------------------------

class _TreeSheet(SheetHandler):
    """A sheet of named tree nodes with a parent column; shared by 行政区划 and 党组织."""

    model: type = Division
    name_column = ""
    parent_column = ""
    kind = ""  # "区划" / "党组织", for messages
    parent_label = ""  # "上级区划" / "上级党组织"
    fields: tuple[str, ...] = ()  # model fields set from the sheet besides name and parent

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}  # name -> parsed row (fields, "_row", "_parent")
        self.db: dict[str, Any] = {}  # name -> model instance of every node looked at
        self.db_by_pk: dict[int, Any] = {}
        self.plan = {"created": 0, "updated": 0, "unchanged": 0}
        self.present_fields: set[str] = set()

    # Subclasses: parse one row into {"name", "_parent", field: value}; None if unusable.
    def parse(self, reader: RowReader, ctx: ImportContext) -> Optional[dict[str, Any]]:
        raise NotImplementedError

    def check_node(self, name: str, item: dict, parent: Optional[dict | Any], ctx: ImportContext) -> None:
        """Rules about one node and its final parent (a parsed row, a model instance or None)."""

    # Database look-ups, cached.
    def _load(self, **lookup) -> None:
        for obj in self.model.objects.filter(**lookup).select_related(*self.select_related):
            self.db[obj.name] = obj
            self.db_by_pk[obj.pk] = obj

    select_related: tuple[str, ...] = ()

    def _db_parent_name(self, obj) -> Optional[str]:
        if obj.parent_id is None:
            return None
        if obj.parent_id not in self.db_by_pk:
            self._load(pk=obj.parent_id)
        return self.db_by_pk[obj.parent_id].name

    def _next(self, name: str) -> Optional[str]:
        """The final parent's name: the workbook's if the node is in it, else the database's."""
        if name in self.items:
            return self.items[name]["_parent"]
        return self._db_parent_name(self.db[name])

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        sheet = self.sheet_name
        self.columns_seen = set(rows[0].values) if rows else set()
        seen: dict[str, int] = {}
        for row in rows:
            reader = RowReader(ctx, sheet, row)
            item = self.parse(reader, ctx)
            name = item.get("name") if item else None
            if not name:
                continue
            if name in seen:
                reader.fault(self.name_column, f"{self.name_column}“{name}”与第{seen[name]}行重复，同一工作簿中名称不能重复")
                continue
            seen[name] = row.number
            item["_row"] = row.number
            self.items[name] = item
        self.present_fields = {f for f, col in self.field_columns.items() if col in self.columns_seen}

        names = list(self.items)
        parents = {i["_parent"] for i in self.items.values() if i["_parent"]}
        for chunk in _chunks(sorted(set(names) | parents)):
            self._load(name__in=chunk)

        # Parents resolve in the workbook or the database.
        for name, item in self.items.items():
            p = item["_parent"]
            if p and p not in self.items and p not in self.db:
                ctx.fault(sheet, item["_row"], self.parent_column, f"{self.parent_label}“{p}”在本工作簿和系统中都不存在")
                item["_parent_missing"] = True

        # Walk every node up the final tree: a node met twice on the way is a cycle.
        self.ancestors: dict[str, tuple[str, ...]] = {}
        bad: set[str] = set()
        for name in names:
            chain: list[str] = []
            cur: Optional[str] = name
            tail: tuple[str, ...] = ()
            ok = False
            while True:
                if cur is None:
                    ok = True
                    break
                if cur in self.ancestors:
                    ok, tail = True, (cur,) + self.ancestors[cur]
                    break
                if cur in bad:
                    break
                if cur in chain:
                    cycle = chain[chain.index(cur):] + [cur]
                    for node in cycle[:-1]:
                        if node in self.items:
                            ctx.fault(sheet, self.items[node]["_row"], self.parent_column,
                                      f"{self.parent_label}形成循环（{' → '.join(cycle)}），"
                                      f"不能把{self.kind}调整到它自己或它的下级之下")
                    break
                chain.append(cur)
                if cur in self.items and self.items[cur].get("_parent_missing"):
                    break
                cur = self._next(cur)
            if not ok:
                bad.update(chain)
                continue
            above = tail
            for node in reversed(chain):
                self.ancestors[node] = above
                above = (node,) + above

        for name, item in self.items.items():
            if name in bad:
                continue
            p = item["_parent"]
            parent = self.items.get(p) if p in self.items else self.db.get(p) if p else None
            self.check_node(name, item, parent, ctx)
            self._check_scope(name, item, ctx)

        # What the write will do (also the dry run's counts).
        for name, item in self.items.items():
            obj = self.db.get(name)
            if obj is None:
                self.plan["created"] += 1
                continue
            changes = self.changes(obj, item)
            item["_changes"] = changes
            self.plan["updated" if changes else "unchanged"] += 1

    field_columns: dict[str, str] = {}

    def _check_scope(self, name: str, item: dict, ctx: ImportContext) -> None:
        scope = ctx.scope_org
        if scope is None or self.model is not Organization:
            return
        obj = self.db.get(name)
        if obj is not None and not is_in_subtree(obj, scope):
            ctx.fault(self.sheet_name, item["_row"], self.name_column, f"党组织“{name}”{OUT_OF_SCOPE}")
            return
        if name == scope.name:
            if item["_parent"] != self._db_parent_name(obj):
                ctx.fault(self.sheet_name, item["_row"], self.parent_column,
                          f"不能调整“{name}”本身的上级党组织（上级组织{OUT_OF_SCOPE}）")
            return
        if scope.name not in self.ancestors.get(name, ()):
            ctx.fault(self.sheet_name, item["_row"], self.parent_column,
                      f"党组织“{name}”的上级组织{OUT_OF_SCOPE}（应在“{scope.name}”之下）")

    def preview(self, ctx: ImportContext) -> dict[str, int]:
        return dict(self.plan)

    # --- comparison and writing ---

    def values_for_write(self, item: dict, ctx: ImportContext) -> dict[str, Any]:
        """Model field values (foreign keys as *_id) for the present columns."""
        return {f: item[f] for f in self.fields if f in self.present_fields}

    def changes(self, obj, item: dict) -> dict[str, list]:
        """{field: [old, new]} in audit form (names for foreign keys, ISO dates)."""
        out = {}
        for f in self.fields:
            if f not in self.present_fields:
                continue
            old, new = self.audit_value(obj, f), self.audit_item_value(item, f)
            if old != new:
                out[f] = [old, new]
        old_parent, new_parent = self._db_parent_name(obj), item["_parent"]
        if old_parent != new_parent:
            out["parent"] = [old_parent, new_parent]
        return out

    def audit_value(self, obj, f: str) -> Any:
        v = getattr(obj, f)
        return _iso(v) if isinstance(v, datetime.date) else v

    def audit_item_value(self, item: dict, f: str) -> Any:
        v = item.get(f)
        return _iso(v) if isinstance(v, datetime.date) else v

    def write(self, ctx: ImportContext) -> dict[str, int]:
        actor = ctx.actor
        pk_of = {name: obj.pk for name, obj in self.db.items()}
        entries: list[AuditLog] = []
        # Generations: a node is written after its parent when both are in the workbook.
        generation: dict[str, int] = {}

        def gen(name: str) -> int:
            if name not in generation:
                p = self.items[name]["_parent"]
                generation[name] = gen(p) + 1 if p in self.items else 0
            return generation[name]

        by_gen: dict[int, list[str]] = {}
        for name in self.items:
            by_gen.setdefault(gen(name), []).append(name)

        moved: set[str] = set()
        for g in sorted(by_gen):
            names = by_gen[g]
            # 1. Existing nodes whose parent changed: move the whole subtree (one UPDATE each).
            for name in names:
                obj = self.db.get(name)
                if obj is None or "parent" not in self.items[name].get("_changes", {}):
                    continue
                p = self.items[name]["_parent"]
                node = self.model.objects.get(pk=obj.pk)
                new_parent = self.model.objects.get(pk=pk_of[p]) if p else None
                node.move_subtree(new_parent)
                moved.add(name)
            # 2. New nodes, in bulk, with paths allocated here (one query per parent).
            new = [n for n in names if n not in self.db]
            if new:
                parent_ids = {pk_of[self.items[n]["_parent"]] for n in new if self.items[n]["_parent"]}
                parents = {pk: (path, depth) for pk, path, depth in
                           self.model.objects.filter(pk__in=parent_ids).values_list("pk", "path", "depth")}
                next_step: dict[Optional[int], int] = {}
                objs = []
                for n in new:
                    item = self.items[n]
                    parent_id = pk_of[item["_parent"]] if item["_parent"] else None
                    if parent_id not in next_step:
                        if parent_id is None:
                            last = (self.model.objects.filter(depth=1).order_by("-path")
                                    .values_list("path", flat=True).first())
                        else:
                            last = (self.model.objects.filter(parent_id=parent_id).order_by("-path")
                                    .values_list("path", flat=True).first())
                        next_step[parent_id] = decode_step(last[-STEP:]) + 1 if last else 0
                    prefix, depth = parents[parent_id] if parent_id else ("", 0)
                    path = prefix + encode_step(next_step[parent_id])
                    next_step[parent_id] += 1
                    objs.append(self.model(name=n, parent_id=parent_id, path=path, depth=depth + 1,
                                           **self.values_for_write(item, ctx)))
                self.model.objects.bulk_create(objs, batch_size=500)
                for obj in objs:
                    pk_of[obj.name] = obj.pk
                    changes = {"name": [None, obj.name]}
                    changes.update({f: [None, self.audit_item_value(self.items[obj.name], f)]
                                    for f in self.fields if f in self.present_fields})
                    changes["parent"] = [None, self.items[obj.name]["_parent"]]
                    entries.append(audit.audit_entry(
                        actor=actor, action=AuditLog.Action.CREATED, object_type=self.model._meta.label_lower,
                        object_id=str(obj.pk), object_repr=obj.name[:255], scope_path=self.scope_path_of(obj),
                        changes=changes, note="名册导入"))

        # 3. Field changes of existing nodes, in bulk, without touching path/depth/parent.
        changed = [(n, self.db[n]) for n in self.items if n in self.db and self.items[n].get("_changes")]
        update_fields = [f for f in self.write_fields() if f in self.present_write_fields()]
        to_update = []
        for name, obj in changed:
            values = self.values_for_write(self.items[name], ctx)
            for f, v in values.items():
                setattr(obj, f, v)
            to_update.append(obj)
        if to_update and update_fields:
            if hasattr(self.model, "updated_at"):
                now = timezone.now()
                for obj in to_update:
                    obj.updated_at = now
                update_fields = update_fields + ["updated_at"]
            self.model.objects.bulk_update(to_update, update_fields, batch_size=200)
        if changed:
            paths = dict(self.model.objects.filter(pk__in=[o.pk for _, o in changed]).values_list("pk", "path"))
            for name, obj in changed:
                changes = self.items[name]["_changes"]
                obj.path = paths[obj.pk]
                entries.append(audit.audit_entry(
                    actor=actor, action=AuditLog.Action.MOVED if "parent" in changes else AuditLog.Action.CHANGED,
                    object_type=self.model._meta.label_lower, object_id=str(obj.pk), object_repr=name[:255],
                    scope_path=self.scope_path_of(obj), changes=changes, note="名册导入"))
        save_audit_entries(entries)
        self.after_write(pk_of, ctx)
        return dict(self.plan)

    def write_fields(self) -> list[str]:
        return list(self.fields)

    def present_write_fields(self) -> set[str]:
        return self.present_fields

    def scope_path_of(self, obj) -> str:
        return ""

    def after_write(self, pk_of: dict[str, int], ctx: ImportContext) -> None:
        pass


class DivisionSheet(_TreeSheet):
    """行政区划: 名称, 类别, 上级区划. Only the county administrator (or the command line) imports it."""

    sheet_name = "行政区划"
    order = 10
    columns = [
        Column("名称", required=True, width=22),
        Column("类别", required=True, width=12),
        Column("上级区划", required=True, width=22),
    ]
    model = Division
    name_column, parent_column, kind, parent_label = "名称", "上级区划", "行政区划", "上级区划"
    fields = ("category",)
    field_columns = {"category": "类别"}

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        if rows and not _may_import_divisions(ctx):
            ctx.fault(self.sheet_name, rows[0].number, "", "行政区划只能由县委组织部管理员导入，请删除该工作表后再导入")
            return
        super().check(rows, ctx)
        ctx.shared[SHARED_WORKBOOK_DIVISIONS] = {n: i.get("category") for n, i in self.items.items()}

    def parse(self, reader: RowReader, ctx: ImportContext) -> Optional[dict[str, Any]]:
        name = reader.get("名称", parse_text, required=True, max_length=100)
        category = reader.get("类别", parse_choice, DivisionCategory, required=True)
        parent = reader.get("上级区划", parse_text, max_length=100)
        if category and reader.has("上级区划"):
            reader.faults("上级区划", rules.check_division_parent(category, None, has_parent=bool(parent)))
        return {"name": name, "category": category, "_parent": parent}

    def export_rows(self, user, scope_org, **options) -> Optional[Iterable[list[Any]]]:
        if user is not None and not user.is_county_admin:
            return None  # organisers and secretaries cannot import divisions, so their export leaves them out
        qs = Division.objects.all() if user is None else Division.objects.for_user(user, "view")
        if scope_org is not None:
            qs = qs.in_subtree(scope_org.division)
        return ([d.name, d.category, d.parent.name if d.parent_id else None]
                for d in qs.select_related("parent").order_by("path"))


class OrganizationSheet(_TreeSheet):
    """党组织: 组织名称, 组织类别, 上级党组织, 单位类别, 所在行政区划, 成立日期, 本届届满日期, 书记."""

    sheet_name = "党组织"
    order = 20
    columns = [
        Column("组织名称", required=True, width=34),
        Column("组织类别", required=True, width=12),
        Column("上级党组织", required=True, width=34),
        Column("单位类别", required=True, width=14),
        Column("所在行政区划", required=True, width=18),
        Column("成立日期", width=12),
        Column("本届届满日期", width=14),
        Column("书记", width=10),
    ]
    model = Organization
    name_column, parent_column, kind, parent_label = "组织名称", "上级党组织", "党组织", "上级党组织"
    fields = ("org_type", "unit_type", "division", "founded_on", "term_ends_on", "secretary_name")
    field_columns = {"org_type": "组织类别", "unit_type": "单位类别", "division": "所在行政区划",
                     "founded_on": "成立日期", "term_ends_on": "本届届满日期", "secretary_name": "书记"}
    select_related = ("division",)

    def parse(self, reader: RowReader, ctx: ImportContext) -> Optional[dict[str, Any]]:
        item = {
            "name": reader.get("组织名称", parse_text, required=True, max_length=200),
            "org_type": reader.get("组织类别", parse_choice, OrgType, required=True),
            "_parent": reader.get("上级党组织", parse_text, max_length=200),
            "unit_type": reader.get("单位类别", parse_choice, UnitType, required=True),
            "division": reader.get("所在行政区划", parse_text, required=True, max_length=100),
            "founded_on": reader.get("成立日期", parse_date),
            "term_ends_on": reader.get("本届届满日期", parse_date),
            "secretary_name": reader.get("书记", parse_text, max_length=50) or "",
        }
        reader.faults("成立日期", rules.check_not_future("成立日期", item["founded_on"], ctx.today))
        reader.faults("本届届满日期", rules.check_term_dates(item["founded_on"], item["term_ends_on"]))
        return item

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        super().check(rows, ctx)
        # Divisions: of this workbook or of the database.
        wanted = sorted({i["division"] for i in self.items.values() if i.get("division")})
        workbook_divisions = ctx.shared.get(SHARED_WORKBOOK_DIVISIONS, {})
        self.division_pk: dict[str, int] = {}
        for chunk in _chunks(wanted):
            self.division_pk.update(Division.objects.filter(name__in=chunk).values_list("name", "pk"))
        for name, item in self.items.items():
            d = item.get("division")
            if d and d not in workbook_divisions and d not in self.division_pk:
                ctx.fault(self.sheet_name, item["_row"], "所在行政区划", f"行政区划“{d}”在本工作簿和系统中都不存在")
        # An organisation becoming a branch cannot keep sub-organisations the workbook does not move away.
        for name, item in self.items.items():
            obj = self.db.get(name)
            if obj is None or obj.org_type == item.get("org_type") or not item.get("org_type"):
                continue
            for child in Organization.objects.filter(parent_id=obj.pk).exclude(name__in=list(self.items)):
                for msg in rules.check_org_parent(child.org_type, item["org_type"]):
                    ctx.fault(self.sheet_name, item["_row"], "组织类别",
                              f"下级党组织“{child.name}”与新的组织类别不符：{msg}")
        ctx.shared[SHARED_WORKBOOK_ORGS] = {
            n: (i.get("org_type"), self.db[n].is_active if n in self.db else True) for n, i in self.items.items()
        }

    def check_node(self, name: str, item: dict, parent, ctx: ImportContext) -> None:
        org_type = item.get("org_type")
        if not org_type:
            return
        if isinstance(parent, dict):
            parent_type = parent.get("org_type")
            if parent_type is None:
                return  # the parent row has its own fault
        else:
            parent_type = parent.org_type if parent is not None else None
            if parent is not None and not parent.is_active:
                ctx.fault(self.sheet_name, item["_row"], "上级党组织", f"上级党组织“{parent.name}”已停用")
        if item["_parent"] is None and "上级党组织" not in self.columns_seen:
            return  # the missing column was reported once for the sheet
        for msg in rules.check_org_parent(org_type, parent_type):
            ctx.fault(self.sheet_name, item["_row"], "上级党组织", msg)

    def audit_value(self, obj, f: str) -> Any:
        if f == "division":
            return obj.division.name
        return super().audit_value(obj, f)

    def values_for_write(self, item: dict, ctx: ImportContext) -> dict[str, Any]:
        values = super().values_for_write(item, ctx)
        if "division" in values:
            values.pop("division")
            values["division_id"] = self.division_pk[item["division"]]
        return values

    def write(self, ctx: ImportContext) -> dict[str, int]:
        # Divisions created by this import now have primary keys.
        missing = sorted({i["division"] for i in self.items.values()} - set(self.division_pk))
        for chunk in _chunks(missing):
            self.division_pk.update(Division.objects.filter(name__in=chunk).values_list("name", "pk"))
        return super().write(ctx)

    def scope_path_of(self, obj) -> str:
        return obj.path

    def export_rows(self, user, scope_org, **options) -> Iterable[list[Any]]:
        qs = Organization.objects.all() if user is None else Organization.objects.for_user(user, "view")
        if scope_org is not None:
            qs = qs.in_subtree(scope_org)
        return ([o.name, o.org_type, o.parent.name if o.parent_id else None, o.unit_type, o.division.name,
                 o.founded_on, o.term_ends_on, o.secretary_name or None]
                for o in qs.select_related("parent", "division").order_by("path"))


# --- Members ----------------------------------------------------------------------------------

_SEX = set(Sex.values)
_EDUCATION = set(Education.values)
_OCCUPATION = set(Occupation.values)
_ETHNIC = set(ETHNIC_GROUPS)
_STATUS = {str(s) for s in ROSTER_MEMBER_STATUSES}
_HINT_SEX = "应为：男、女"
_HINT_ETHNIC = "应为56个民族的规范名称，如汉族、壮族、回族"
_HINT_EDUCATION = "应为：" + "、".join(Education.values)
_HINT_OCCUPATION = "应为：" + "、".join(Occupation.values)
_HINT_STATUS = "应为：正常、停止党籍"

MEMBER_FIELDS = ("name", "sex", "ethnicity", "birth_date", "education", "occupation", "organization_id",
                 "joined_on", "full_on", "status", "is_floating")
# The person's columns, first in the 党员 sheet and in recruitment's 发展党员 sheet (read by read_person
# and read_id_number below, for both).
PERSON_COLUMNS = [
    Column("姓名", required=True, width=10),
    Column("性别", required=True, width=6),
    Column("民族", required=True, width=8),
    Column("公民身份号码", required=True, width=22, text=True),
    Column("出生日期", required=True, width=12),
    Column("学历", required=True, width=12),
    Column("人员类别", required=True, width=18),
    Column("所在党组织", required=True, width=34),
]
# Sheet column → model field, for the optional columns (absent column: field left as it is).
OPTIONAL_MEMBER_COLUMNS = {"转正日期": "full_on", "党籍状态": "status", "是否流动党员": "is_floating", "手机号码": "phone"}


KEY_COLUMN = "党员编号"


def masked_cell(raw: Any) -> Optional[str]:
    """The cell's text when it is a masked number (contains *), else None."""
    if isinstance(raw, str) and "*" in raw:
        return rules.normalise_id_number(raw)
    return None


def unmask(r: RowReader, column: str, masked: str, stored: Optional[str], mask) -> Optional[str]:
    """A masked cell (an export for a user who sees masked numbers): the stored number when the cell
    is exactly the stored number's mask (left unchanged), else a fault; a masked value is never data."""
    if stored is not None and mask(stored) == masked:
        return stored
    if stored is None:
        r.fault(column, f"{column}“{masked}”是脱敏显示的号码（含*），不能作为数据导入：请填写完整号码，"
                        f"或保留导出文件中的“{KEY_COLUMN}”列")
    else:
        r.fault(column, f"{column}“{masked}”是脱敏显示的号码（含*），且与平台记录的号码不符：修改请填写完整号码，"
                        "不修改请保留导出时的原样")
    return None


def read_key(r: RowReader, column: str = KEY_COLUMN) -> Optional[int]:
    raw = r.row.values.get(column)
    if raw is None:
        return None
    text = number_as_text(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else parse_text(raw)
    if not text.isdigit():
        r.fault(column, f"{column}“{text}”应为导出文件中的编号（数字）；新增党员请留空")
        return None
    return int(text)


class MemberSheet(SheetHandler):
    """党员 (党员花名册): one row per member, matched by 党员编号 (the export's stable key) when given,
    else by 公民身份号码."""

    sheet_name = "党员"
    order = 30
    columns = PERSON_COLUMNS + [
        Column("入党日期", required=True, width=12),
        Column("转正日期", width=12),
        Column("党籍状态", width=10),
        Column("手机号码", width=14, text=True),
        Column("是否流动党员", width=12),
        # The member's stable key (issue 14): rows of an export are matched by it, so a masked number
        # left as exported keeps the stored one. Empty for a new member.
        Column(KEY_COLUMN, width=10, text=True),
    ]

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.plan = {"created": 0, "updated": 0, "unchanged": 0}

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        sheet = self.sheet_name
        today = ctx.today
        present = set(rows[0].values) if rows else set()
        self.present = present
        seen_ids: dict[str, int] = {}
        seen_keys: dict[int, int] = {}
        items = []
        # Stored numbers of the keyed rows whose cells are masked (decrypted only for those).
        masked_keys = set()
        for row in rows:
            v = row.values
            if masked_cell(v.get("公民身份号码")) or masked_cell(v.get("手机号码")):
                raw_key = v.get(KEY_COLUMN)
                if raw_key is not None and str(raw_key).split(".")[0].strip().isdigit():
                    masked_keys.add(int(str(raw_key).split(".")[0].strip()))
        stored: dict[int, tuple[str, str]] = {}
        for chunk in _chunks(sorted(masked_keys)):
            for pk, id_enc, phone_enc in Member.objects.filter(pk__in=chunk).values_list(
                    "pk", "id_number_encrypted", "phone_encrypted"):
                stored[pk] = (crypto.decrypt(id_enc), crypto.decrypt(phone_enc) if phone_enc else "")
        for row in rows:
            r = RowReader(ctx, sheet, row)
            v = row.values
            key = read_key(r)
            if key is not None:
                if key in seen_keys:
                    r.fault(KEY_COLUMN, f"{KEY_COLUMN}与第{seen_keys[key]}行重复")
                    key = None
                else:
                    seen_keys[key] = row.number
            known = stored.get(key) if key is not None else None
            person = read_person(r)
            sex, birth = person["sex"], person["birth_date"]
            joined = _date(r, "入党日期", v.get("入党日期"), required=True)
            full = _date(r, "转正日期", v.get("转正日期"))
            raw_status = v.get("党籍状态")
            status = MemberStatus.NORMAL.value if raw_status is None else _choice(
                r, "党籍状态", raw_status, _STATUS, _HINT_STATUS)
            raw_floating = v.get("是否流动党员")
            floating = False if raw_floating is None else r.get("是否流动党员", parse_yes_no)
            raw_phone = v.get("手机号码")
            phone = ""
            if masked_cell(raw_phone):
                phone = unmask(r, "手机号码", masked_cell(raw_phone), known[1] if known else None,
                               crypto.mask_phone) or ""
            elif raw_phone is not None:
                phone = number_as_text(raw_phone) if isinstance(raw_phone, (int, float)) and not isinstance(
                    raw_phone, bool) else parse_text(raw_phone)
                r.faults("手机号码", rules.check_mobile(phone))

            if masked_cell(v.get("公民身份号码")):
                id_number = unmask(r, "公民身份号码", masked_cell(v.get("公民身份号码")),
                                   known[0] if known else None, crypto.mask_id_number)
                errors = rules.check_id_number(id_number, birth, sex) if id_number else []
            else:
                id_number, errors = read_id_number(r, birth, sex)
            if id_number is not None:
                if errors:
                    r.faults("公民身份号码", errors)
                    if not _well_formed_id(id_number):
                        id_number = None
                if id_number:
                    if id_number in seen_ids:
                        r.fault("公民身份号码", f"公民身份号码与第{seen_ids[id_number]}行重复")
                    else:
                        seen_ids[id_number] = row.number

            r.faults("出生日期", rules.check_not_future("出生日期", birth, today))
            r.faults("入党日期", rules.check_not_future("入党日期", joined, today))
            r.faults("转正日期", rules.check_not_future("转正日期", full, today))
            if birth and joined:
                r.faults("入党日期", rules.check_joining_age(birth, joined))
            if joined:
                r.faults("转正日期", rules.check_probation(joined, full))
                overdue = rules.check_probation_overdue(joined, full, today) if status == MemberStatus.NORMAL.value else []
            items.append({
                "_row": row.number, "_key": key, **person, "id_number": id_number,
                "joined_on": joined, "full_on": full, "status": status, "is_floating": floating, "phone": phone,
                "_overdue": overdue if joined else [],
            })
        self.items = items
        self._check_against_database(ctx)

    def _check_against_database(self, ctx: ImportContext) -> None:
        sheet = self.sheet_name
        scope = ctx.scope_org
        # Organisations: of this workbook (already checked there) or of the database.
        workbook_orgs: dict[str, tuple] = ctx.shared.get(SHARED_WORKBOOK_ORGS, {})
        wanted = sorted({i["_org"] for i in self.items if i["_org"]} - set(workbook_orgs))
        db_orgs: dict[str, tuple] = {}
        for chunk in _chunks(wanted):
            for name, org_type, active, path in Organization.objects.filter(name__in=chunk).values_list(
                    "name", "org_type", "is_active", "path"):
                db_orgs[name] = (org_type, active, path)
        for item in self.items:
            org = item["_org"]
            if not org:
                continue
            if org in workbook_orgs:
                org_type, active = workbook_orgs[org]
                if org_type:
                    for msg in rules.check_member_organization(org, org_type, active):
                        ctx.fault(sheet, item["_row"], "所在党组织", msg)
            elif org in db_orgs:
                org_type, active, path = db_orgs[org]
                for msg in rules.check_member_organization(org, org_type, active):
                    ctx.fault(sheet, item["_row"], "所在党组织", msg)
                if scope is not None and not is_in_subtree(path, scope):
                    ctx.fault(sheet, item["_row"], "所在党组织", f"党组织“{org}”{OUT_OF_SCOPE}")
            else:
                ctx.fault(sheet, item["_row"], "所在党组织", f"党组织“{org}”在本工作簿和系统中都不存在")

        # Members already registered, by the digest of their number.
        by_hash: dict[str, dict] = {}
        for item in self.items:
            if item["id_number"]:
                item["_hash"] = crypto.lookup_hash(item["id_number"])
                by_hash[item["_hash"]] = item
        ctx.shared[SHARED_WORKBOOK_MEMBERS] = {h: item["_org"] for h, item in by_hash.items()}
        existing: dict[str, dict] = {}
        columns = ("pk", "id_number_hash", "id_number_encrypted", "phone_hash", "phone_encrypted",
                   "organization_id") + tuple(f for f in MEMBER_FIELDS if f != "organization_id")
        if by_hash and Member.objects.exists():
            for chunk in _chunks(list(by_hash)):
                for row in Member.objects.filter(id_number_hash__in=chunk).values(*columns):
                    existing[row["id_number_hash"]] = row
        by_key: dict[int, dict] = {}
        keys = sorted({i["_key"] for i in self.items if i.get("_key") is not None})
        for chunk in _chunks(keys):
            for row in Member.objects.filter(pk__in=chunk).values(*columns):
                by_key[row["pk"]] = row
        org_info: dict[int, tuple[str, str]] = {}
        ids = sorted({row["organization_id"] for row in list(existing.values()) + list(by_key.values())})
        for chunk in _chunks(ids):
            for pk, name, path in Organization.objects.filter(pk__in=chunk).values_list("pk", "name", "path"):
                org_info[pk] = (name, path)
        self.existing = existing
        self.org_names_by_pk = {pk: name for pk, (name, _) in org_info.items()}
        for item in self.items:
            key = item.get("_key")
            # A key no longer in the database (a member restored from an old export): matched by number.
            if key is not None and key in by_key:
                row = by_key[key]
                other = existing.get(item.get("_hash"))
                if other is not None and other["pk"] != key:
                    ctx.fault(sheet, item["_row"], "公民身份号码", "该公民身份号码已登记为另一名党员")
                    continue
            else:
                row = existing.get(item.get("_hash"))
            if item.get("_overdue"):
                # A probation over two years (issue 14): an error when this import writes it (a new member,
                # or 入党/转正日期 changed); a warning for a row the register already holds as it is.
                if row is None or (row["joined_on"], row["full_on"]) != (item["joined_on"], item["full_on"]):
                    for message in item["_overdue"]:
                        ctx.fault(sheet, item["_row"], "转正日期", message)
                    continue
                for message in item["_overdue"]:
                    ctx.warn(sheet, item["_row"], "转正日期", message)
            if row is None:
                self.plan["created"] += 1
                continue
            name, path = org_info[row["organization_id"]]
            if scope is not None and not is_in_subtree(path, scope):
                ctx.fault(sheet, item["_row"], "公民身份号码",
                          f"该公民身份号码已登记为其他党员，{OUT_OF_SCOPE}")
                continue
            item["_existing"] = row
            item["_changes"] = self._changes(row, item, name)
            self.plan["updated" if item["_changes"] else "unchanged"] += 1

    def _changes(self, row: dict, item: dict, old_org: str) -> dict[str, list]:
        out = {}
        if item.get("_hash") and item["_hash"] != row["id_number_hash"]:
            out["id_number"] = ["（原号码）", crypto.mask_id_number(item["id_number"])]
        for f in ("name", "sex", "ethnicity", "birth_date", "education", "occupation", "joined_on"):
            if row[f] != item[f]:
                out[f] = [_plain(row[f]), _plain(item[f])]
        if old_org != item["_org"]:
            out["organization"] = [old_org, item["_org"]]
        for column, f in OPTIONAL_MEMBER_COLUMNS.items():
            if column not in self.present:
                continue
            if f == "phone":
                if row["phone_hash"] != crypto.lookup_hash(item["phone"]):
                    out["phone"] = [crypto.mask_phone(crypto.decrypt(row["phone_encrypted"])),
                                    crypto.mask_phone(item["phone"])]
            elif row[f] != item[f]:
                out[f] = [_plain(row[f]), _plain(item[f])]
        return out

    def preview(self, ctx: ImportContext) -> dict[str, int]:
        return dict(self.plan)

    def write(self, ctx: ImportContext) -> dict[str, int]:
        actor = ctx.actor
        names = sorted({i["_org"] for i in self.items})
        org_pk: dict[str, tuple[int, str]] = {}
        for chunk in _chunks(names):
            for name, pk, path in Organization.objects.filter(name__in=chunk).values_list("name", "pk", "path"):
                org_pk[name] = (pk, path)
        now = timezone.now()
        new_items: list[dict] = []
        changed: list[tuple[Member, dict]] = []
        for item in self.items:
            if "_existing" not in item:
                new_items.append(item)
            elif item["_changes"]:
                changed.append((Member(pk=item["_existing"]["pk"]), item))

        # New members as plain rows (no model instance each): 100,000 in seconds.
        member_type = Member._meta.label_lower
        audit_rows = AuditWriter(actor)
        attnames = [f.attname for f in Member._meta.concrete_fields]
        new_ids = reserve_ids(Member, len(new_items))
        encrypt, lookup_hash = crypto.encrypt, crypto.lookup_hash
        rows = []
        for new_id, item in zip(new_ids, new_items):
            org_id, org_path = org_pk[item["_org"]]
            values = {
                "id": new_id, "name": item["name"], "sex": item["sex"], "ethnicity": item["ethnicity"],
                "id_number_encrypted": encrypt(item["id_number"]), "id_number_hash": item["_hash"],
                "birth_date": item["birth_date"], "education": item["education"], "occupation": item["occupation"],
                "organization_id": org_id, "joined_on": item["joined_on"], "full_on": item["full_on"],
                "status": item["status"], "phone_encrypted": encrypt(item["phone"]),
                "phone_hash": lookup_hash(item["phone"]), "is_floating": item["is_floating"],
                "under_party_probation": False, "created_at": now, "updated_at": now,
            }
            rows.append(tuple(values[a] for a in attnames))
            audit_rows.add(
                action=AuditLog.Action.CREATED, object_type=member_type, object_id=new_id, object_repr=item["name"],
                scope_path=org_path, note="名册导入", changes={
                    "name": [None, item["name"]], "sex": [None, item["sex"]], "ethnicity": [None, item["ethnicity"]],
                    "birth_date": [None, _plain(item["birth_date"])], "education": [None, item["education"]],
                    "occupation": [None, item["occupation"]], "organization": [None, item["_org"]],
                    "joined_on": [None, _plain(item["joined_on"])], "full_on": [None, _plain(item["full_on"])],
                    "status": [None, item["status"]], "is_floating": [None, item["is_floating"]],
                    "under_party_probation": [None, False],
                    "id_number": [None, crypto.mask_id_number(item["id_number"])],
                    "phone": [None, crypto.mask_phone(item["phone"])],
                })
        if connection.vendor in ("sqlite", "postgresql"):
            insert_rows(Member, attnames, rows)
        else:
            Member.objects.bulk_create([Member(**dict(zip(attnames, r))) for r in rows], batch_size=500)

        if changed:
            fields = ["name", "sex", "ethnicity", "birth_date", "education", "occupation", "organization_id",
                      "joined_on", "updated_at", "id_number_encrypted", "id_number_hash"]
            for column, f in OPTIONAL_MEMBER_COLUMNS.items():
                if column in self.present:
                    fields += ["phone_encrypted", "phone_hash"] if f == "phone" else [f]
            for m, item in changed:
                m.name, m.sex, m.ethnicity = item["name"], item["sex"], item["ethnicity"]
                m.birth_date, m.education, m.occupation = item["birth_date"], item["education"], item["occupation"]
                m.organization_id, m.joined_on, m.updated_at = org_pk[item["_org"]][0], item["joined_on"], now
                m.full_on, m.status, m.is_floating = item["full_on"], item["status"], item["is_floating"]
                if "id_number" in item["_changes"]:
                    m.id_number = item["id_number"]
                else:
                    m.id_number_encrypted = item["_existing"]["id_number_encrypted"]
                    m.id_number_hash = item["_existing"]["id_number_hash"]
                if "phone" in item["_changes"]:
                    m.phone = item["phone"]
                else:
                    m.phone_encrypted, m.phone_hash = item["_existing"]["phone_encrypted"], item["_existing"]["phone_hash"]
                changes = item["_changes"]
                action = AuditLog.Action.MOVED if set(changes) == {"organization"} else AuditLog.Action.CHANGED
                audit_rows.add(action=action, object_type=member_type, object_id=m.pk, object_repr=item["name"],
                               scope_path=org_pk[item["_org"]][1], changes=changes, note="名册导入")
            Member.objects.bulk_update([m for m, _ in changed], fields, batch_size=200)
        audit_rows.flush()
        return dict(self.plan)

    def export_rows(self, user, scope_org, **options) -> Iterable[list[Any]]:
        qs = Member.objects.all() if user is None else Member.objects.for_user(user, "view")
        if scope_org is not None:
            qs = qs.in_subtree(scope_org)
        qs = qs.exclude(status=MemberStatus.TRANSFERRED_OUT)
        full = user is None or user.may_view_full_pii

        def rows():
            for m in qs.select_related("organization").order_by("organization__path", "id").iterator(chunk_size=2000):
                id_number, phone = m.id_number, m.phone
                if not full:
                    id_number, phone = crypto.mask_id_number(id_number), crypto.mask_phone(phone)
                yield [m.name, m.sex, m.ethnicity, id_number, m.birth_date, m.education, m.occupation,
                       m.organization.name, m.joined_on, m.full_on, m.status, phone or None,
                       "是" if m.is_floating else "否", str(m.pk)]
        return rows()


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


# The person's cells (PERSON_COLUMNS), for the 党员 sheet and recruitment's 发展党员 sheet.

def read_person(r: RowReader) -> dict[str, Any]:
    """name, sex, ethnicity, education, occupation, birth_date and _org (the organisation's name) of a
    row, each None after its fault is recorded (a required cell empty, a value outside its vocabulary)."""
    v = r.row.values
    return {
        "name": _text(r, "姓名", v.get("姓名"), 50, required=True),
        "sex": _choice(r, "性别", v.get("性别"), _SEX, _HINT_SEX),
        "ethnicity": _choice(r, "民族", v.get("民族"), _ETHNIC, _HINT_ETHNIC),
        "education": _choice(r, "学历", v.get("学历"), _EDUCATION, _HINT_EDUCATION),
        "occupation": _choice(r, "人员类别", v.get("人员类别"), _OCCUPATION, _HINT_OCCUPATION),
        "_org": _text(r, "所在党组织", v.get("所在党组织"), 200, required=True),
        "birth_date": _date(r, "出生日期", v.get("出生日期"), required=True),
    }


def read_id_number(r: RowReader, birth: Optional[datetime.date], sex: Optional[str]) -> tuple[Optional[str], list[str]]:
    """The 公民身份号码 cell: (the normalised number, its GB 11643 / birth date / sex faults, NOT yet
    recorded: each sheet decides what a faulty number means), or (None, []) after recording the fault
    of an empty cell or of a number-formatted one (which has lost its last digits)."""
    v = r.row.values
    raw = v.get("公民身份号码")
    if raw is None:
        if "公民身份号码" in v:
            r.fault("公民身份号码", "公民身份号码不能为空")
        return None, []
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        r.fault("公民身份号码", "公民身份号码必须是文本格式单元格（数字格式会丢失末几位），请把该列设为文本后重新输入")
        return None, []
    id_number = rules.normalise_id_number(parse_text(raw))
    return id_number, rules.check_id_number(id_number, birth, sex)


# Fast per-cell readers for the members sheet (100,000 rows): the same faults RowReader records.

def _text(r: RowReader, column: str, value: Any, max_length: int, required: bool = False) -> Optional[str]:
    if value is None:
        if required and column in r.row.values:
            r.fault(column, f"{column}不能为空")
        return None
    if value.__class__ is str:
        if len(value) > max_length:
            r.fault(column, f"内容过长：最多{max_length}个字，现有{len(value)}个字")
            return None
        return value
    return r.get(column, parse_text, max_length=max_length)


def _choice(r: RowReader, column: str, value: Any, allowed: set[str], hint: str) -> Optional[str]:
    if value is None:
        if column in r.row.values:
            r.fault(column, f"{column}不能为空")
        return None
    if value.__class__ is str and value in allowed:
        return value
    text = parse_text(value)
    if text in allowed:
        return text
    r.fault(column, f"“{text}”不是规定的取值，{hint}")
    return None


def _well_formed_id(id_number: str) -> bool:
    """18 characters with a valid GB 11643 check character (birth date or sex may still disagree)."""
    return (len(id_number) == 18 and id_number[:17].isdigit()
            and rules.gb11643_check_char(id_number[:17]) == id_number[17])


def _date(r: RowReader, column: str, value: Any, required: bool = False) -> Optional[datetime.date]:
    if value is None:
        if required and column in r.row.values:
            r.fault(column, f"{column}不能为空")
        return None
    if value.__class__ is datetime.date:
        return value
    return r.get(column, parse_date)


SHEETS = [DivisionSheet, OrganizationSheet, MemberSheet]
# The organisation tree scopes every import and export (dangjian.roster.sheets.scope_model).
SCOPE_MODEL = Organization
