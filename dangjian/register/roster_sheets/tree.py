"""行政区划 and 党组织: sheets of named tree nodes with a parent column."""
from __future__ import annotations

import datetime
from typing import Any, Iterable, Optional

from django.utils import timezone

from dangjian.core.scope import is_in_subtree
from dangjian.core import audit
from dangjian.core.models import AuditLog
from dangjian.core.tree import STEP, decode_step, encode_step
from dangjian.roster.bulk import save_audit_entries
from dangjian.roster.cells import RowReader, parse_choice, parse_date, parse_text
from dangjian.roster.sheets import (
    SHARED_WORKBOOK_DIVISIONS, SHARED_WORKBOOK_ORGS, Column, ImportContext, Row, SheetHandler,
)

from .. import rules
from ..models import Division, Organization
from ..vocab import DivisionCategory, OrgType, UnitType
from .common import OUT_OF_SCOPE, _chunks, _iso


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
                            for msg in rules.check_not_below_itself(self.kind, cycle):
                                ctx.fault(sheet, self.items[node]["_row"], self.parent_column, msg)
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
            children = (Organization.objects.filter(parent_id=obj.pk).exclude(name__in=list(self.items))
                        .order_by("path").values_list("name", "org_type"))
            for msg in rules.check_org_type_change(item["org_type"], children):
                ctx.fault(self.sheet_name, item["_row"], "组织类别", msg)
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
            if parent is not None:
                for msg in rules.check_parent_organization_active(parent.name, parent.is_active):
                    ctx.fault(self.sheet_name, item["_row"], "上级党组织", msg)
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
