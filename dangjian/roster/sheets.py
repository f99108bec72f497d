"""The contract between the roster import/export engine and the sheets it reads and writes.

A sheet is a ``SheetHandler`` subclass listed in ``<app>/roster_sheets.py`` as ``SHEETS``. The engine
(``dangjian.roster.engine``) opens the workbook, finds each handler's sheet by name and its columns
by title (row 1; order free, extra columns ignored; cells trimmed of half- and full-width spaces),
then runs every handler's ``check`` in ``order`` before any ``write``: faults from any sheet stop
the whole import and nothing is written. A clean workbook is written in one transaction, handlers
in ``order``. Importing the same workbook again must change nothing (``write`` matches existing
rows by the sheet's natural key and counts them as unchanged).

What the engine guarantees a handler:

- ``check(rows, ctx)`` gets only the rows that are not entirely empty, as ``Row(number, values)``
  where ``values`` maps every column title present in row 1 to the trimmed cell: ``str`` (never
  empty), ``datetime.date``/``datetime.datetime`` (an Excel date cell), ``float`` (a number cell),
  ``bool``, or ``None``. A column of ``columns`` that is absent from the sheet is absent from
  ``values``; a missing *required* column has already been reported once for the sheet, so read
  cells through ``RowReader`` (``dangjian.roster.cells``), which does not repeat it per row.
- ``check`` of every present sheet runs (in ``order``) before any ``write``; a handler whose sheet
  is absent is neither checked nor written. Sheets checked earlier leave what later sheets need in
  ``ctx.shared`` (see ``SHARED_*`` below).
- ``write(ctx)`` runs only when no sheet had a fault, inside one ``transaction.atomic(durable=True)``,
  and returns ``{"created": n, "updated": n, "unchanged": n}``. Write the audit rows yourself, in
  bulk for speed: ``dangjian.core.audit.audit_entry(...)`` per created/changed object and
  ``AuditLog.objects.bulk_create``. The engine adds the one ``imported`` row.
- ``ctx.warn(sheet, row, column, message)`` records a warning: something the user should look at that
  does not stop the import (e.g. a training row naming a person the organisation has not registered).
  Warnings are reported with the dry run and the import (``ImportResult.warnings``) and never block it.
- ``preview(ctx)`` (optional) returns the same counts a write would, for a dry run (预检).
- ``export_rows(user, scope_org)`` yields rows in ``columns`` order; return ``None`` to leave the
  sheet out of the user's export (e.g. a sheet the user may not import). ``user`` None is the
  command line (the whole database, full personal numbers). Columns with ``text=True`` are written
  as text cells.

Cell parsers (``parse_date``, ``parse_choice``, ``parse_yes_no``, ``parse_text``), ``CellError`` and
``RowReader`` are re-exported here from ``dangjian.roster.cells``.

The scope of an import or export (``scope_org``) is a node of the organisation tree. The engine does
not know that model: the app that owns it says so with ``SCOPE_MODEL = <model>`` in its
``roster_sheets.py`` (the register: ``Organization``), and ``scope_model()`` returns it.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from dangjian.core import audit
from dangjian.core.models import AuditLog
from dangjian.core.scope import subtree_q

from .cells import (  # noqa: F401  (re-exported for sheet handlers)
    CellError, RowReader, is_empty, parse_choice, parse_date, parse_text, parse_yes_no, trim,
)

# Keys of ImportContext.shared the register's sheets fill during check(), for later sheets:
# {组织名称: 组织类别} of the 党组织 sheet's rows that passed their own checks.
SHARED_WORKBOOK_ORGS = "workbook_orgs"
# {名称: 类别} of the 行政区划 sheet's rows.
SHARED_WORKBOOK_DIVISIONS = "workbook_divisions"
# {公民身份号码摘要: 所在党组织} of the 党员 sheet's rows with a full ID number (issue 14: the 账号 sheet
# links accounts to members created by the same import).
SHARED_WORKBOOK_MEMBERS = "workbook_members"
# The sheet names present in the workbook (set of str).
SHARED_PRESENT_SHEETS = "present_sheets"


@dataclass(frozen=True)
class Column:
    title: str
    required: bool = False
    width: int = 14  # export column width, in characters
    text: bool = False  # export as a text cell (ID numbers, phone numbers, codes)


@dataclass
class Fault:
    sheet: str
    row: int  # the row number as Excel shows it (titles are row 1)
    column: str  # the column title, "" when the fault concerns the whole row or sheet
    message: str


@dataclass
class Row:
    number: int  # Excel row number
    values: dict[str, Any]  # column title -> trimmed cell value (str, date/datetime, number or None)


@dataclass
class ImportContext:
    actor: Any  # dangjian.core.actor.Actor
    today: datetime.date
    # The organisation subtree the importing user may write into; None: anywhere (county admin / command).
    scope_org: Any = None
    faults: list[Fault] = field(default_factory=list)
    # Shared between handlers: e.g. the organisations sheet records the names it will create, so
    # that the members sheet accepts them before they exist in the database.
    shared: dict[str, Any] = field(default_factory=dict)
    # Filled by write(): {sheet name: {"created": n, "updated": n, "unchanged": n}}.
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # Findings that do not stop the import (same shape as faults), shown with the result.
    warnings: list[Fault] = field(default_factory=list)

    def fault(self, sheet: str, row: int, column: str, message: str) -> None:
        self.faults.append(Fault(sheet, row, column, message))

    def warn(self, sheet: str, row: int, column: str, message: str) -> None:
        self.warnings.append(Fault(sheet, row, column, message))


class SheetHandler:
    sheet_name: str = ""
    order: int = 50
    columns: list[Column] = []

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        """Parse and validate every row, recording faults on ctx; keep what write() needs on self."""
        raise NotImplementedError

    def write(self, ctx: ImportContext) -> dict[str, int]:
        """Create or update from what check() kept; runs inside the import's transaction."""
        raise NotImplementedError

    def preview(self, ctx: ImportContext) -> Optional[dict[str, int]]:
        """What write() would count, after a clean check (dry run); None if the handler cannot tell."""
        return None

    @classmethod
    def titles(cls) -> list[str]:
        return [c.title for c in cls.columns]

    @classmethod
    def required_titles(cls) -> list[str]:
        return [c.title for c in cls.columns if c.required]

    def export_rows(self, user, scope_org: Optional[Any], **options: Any) -> Optional[Iterable[list[Any]]]:
        """Rows (in ``columns`` order) for the user's scope, or the subtree of scope_org when given."""
        raise NotImplementedError


def scope_model():
    """The model an import or export is scoped by (``SCOPE_MODEL`` of an app's ``roster_sheets.py``)."""
    from dangjian.core.extensions import app_modules

    for module in app_modules("roster_sheets"):
        model = getattr(module, "SCOPE_MODEL", None)
        if model is not None:
            return model
    raise LookupError("没有应用在 roster_sheets.py 中声明 SCOPE_MODEL")


@dataclass
class Plan:
    """What a keyed sheet's write would do: items to create, (record, item, changes) to update, and
    how many rows match their record already."""

    create: list[Any] = field(default_factory=list)
    update: list[tuple[Any, Any, Any]] = field(default_factory=list)
    unchanged: int = 0

    def counts(self) -> dict[str, int]:
        return {"created": len(self.create), "updated": len(self.update), "unchanged": self.unchanged}


class KeyedSheet(SheetHandler):
    """A ledger sheet whose rows are matched to stored records by a natural key: the generic handler.

    - check: ``read(rows, ctx)`` parses every row with ``parse(reader, ctx)`` into an item (a dict, with
      ``_row`` and ``_ok``); the sheet adds its own checks (``fault``); ``drop_duplicates`` faults a later
      row with the same ``key_of(item)`` as an earlier one (``duplicate_message``); ``keep`` keeps the
      clean items for the write. ``check`` does the three for a sheet that needs no more.
    - diff: ``plan(ctx)`` calls ``resolve(items)`` (names to records, once the workbook's earlier sheets
      are written) and matches every item to ``stored(ctx)`` (``{key: record}``) by ``stored_key``: a new
      item is created, a record with ``changes(record, item)`` (default: the ``compared`` fields that
      differ, as ``{field: [old, new]}``) is updated, the rest is unchanged. ``preview`` counts the plan.
    - write: ``write(ctx)`` builds the new records (``build(item)``, default the ``compared`` fields and
      ``extra_fields(item)``; ``before_write`` loads what they need), applies the changes (``apply``,
      default ``setattr``), bulk updates (``update_fields``; ``update_first`` when a unique index needs
      the changed records first) and bulk creates, with one audit row per created and changed record
      (``audit_created``, ``audit_changed``, ``audit_before``), all bulk created.
    - export: ``scoped_queryset(user, scope_org)``: the user's rows (``for_user``), in the subtree of
      ``scope_org`` by ``scope_field`` (through the organisation's division with ``scope_by_division``).
    """

    model: Any = None
    #: The titles that make a row's key, named in the duplicate fault.
    key_columns: tuple[str, ...] = ()
    #: The column a duplicate row's fault names.
    duplicate_column: str = ""
    #: Model fields taken from the item and compared with the stored record.
    compared: tuple[str, ...] = ()
    #: Fields bulk updated (default: ``compared``).
    update_fields: tuple[str, ...] = ()
    #: Write the changed records before creating the new ones (a record ending before its successor begins).
    update_first = False
    batch_size = 1000
    #: The audit rows' object type (default: the model's label).
    object_type = ""
    #: Exceptions the plan may raise on a dry run after a clean check: the preview then says nothing.
    preview_unknown_on: tuple[type[BaseException], ...] = ()
    #: The lookup to the organisation (or, with ``scope_by_division``, the division) placing a row in scope.
    scope_field = "organization"
    scope_by_division = False

    def __init__(self) -> None:
        self.items: list[Any] = []

    # --- check --------------------------------------------------------------------------------------
    def parse(self, reader: RowReader, ctx: ImportContext) -> dict[str, Any]:
        raise NotImplementedError

    def read(self, rows: list[Row], ctx: ImportContext) -> list[dict[str, Any]]:
        parsed = []
        for row in rows:
            reader = RowReader(ctx, self.sheet_name, row)
            item = self.parse(reader, ctx)
            item["_row"], item["_ok"] = row.number, not reader.faulty
            parsed.append(item)
        return parsed

    def check(self, rows: list[Row], ctx: ImportContext) -> None:
        parsed = self.read(rows, ctx)
        self.drop_duplicates(parsed, ctx)
        self.keep(parsed)

    def fault(self, ctx: ImportContext, item: dict, column: str, message: str) -> None:
        ctx.fault(self.sheet_name, item["_row"], column, message)
        item["_ok"] = False

    def key_of(self, item) -> Any:
        return item["_key"]

    def duplicate_message(self, first_row: int, column: str) -> str:
        return f"与第{first_row}行重复（{'、'.join(self.key_columns)}相同）"

    def drop_duplicates(self, parsed: list[dict], ctx: ImportContext, column: Optional[str] = None) -> None:
        column = column if column is not None else self.duplicate_column
        seen: dict[Any, int] = {}
        for item in parsed:
            if not item["_ok"]:
                continue
            key = self.key_of(item)
            if key in seen:
                self.fault(ctx, item, column, self.duplicate_message(seen[key], column))
            else:
                seen[key] = item["_row"]

    def keep(self, parsed: list[dict]) -> None:
        self.items = [i for i in parsed if i["_ok"]]

    # --- diff ---------------------------------------------------------------------------------------
    def resolve(self, items: list) -> None:
        """Replace names by records (the workbook's earlier sheets are written by now)."""

    def stored(self, ctx: Optional[ImportContext]) -> dict[Any, Any]:
        """The stored records the kept items may match, by key."""
        raise NotImplementedError

    def stored_key(self, item) -> Any:
        """The key of ``stored`` an item matches (default: ``key_of``, the key of the sheet's rows)."""
        return self.key_of(item)

    def current(self, record, name: str) -> Any:
        return getattr(record, name)

    def new_value(self, item, name: str) -> Any:
        return item[name]

    def changes(self, record, item) -> dict[str, list[Any]]:
        out = {}
        for name in self.compared:
            old, new = self.current(record, name), self.new_value(item, name)
            if old != new:
                out[name] = [old, new]
        return out

    def plan(self, ctx: Optional[ImportContext] = None) -> Plan:
        self.resolve(self.items)
        stored = self.stored(ctx)
        plan = Plan()
        for item in self.items:
            record = stored.get(self.stored_key(item))
            if record is None:
                plan.create.append(item)
                continue
            changes = self.changes(record, item)
            if changes:
                plan.update.append((record, item, changes))
            else:
                plan.unchanged += 1
        return plan

    def preview(self, ctx: ImportContext) -> Optional[dict[str, int]]:
        try:
            return self.plan(ctx).counts()
        except self.preview_unknown_on:
            return None

    # --- write --------------------------------------------------------------------------------------
    def extra_fields(self, item) -> dict[str, Any]:
        return {}

    def build(self, item):
        return self.model(**{name: self.new_value(item, name) for name in self.compared}, **self.extra_fields(item))

    def apply(self, record, item, changes) -> None:
        for name in changes:
            setattr(record, name, self.new_value(item, name))

    def audit_entry(self, ctx: ImportContext, action: str, record, changes: dict, **fields: Any):
        fields.setdefault("object_type", self.object_type or self.model._meta.label_lower)
        fields.setdefault("object_id", str(record.pk or ""))
        fields.setdefault("object_repr", str(record)[:255])
        return audit.audit_entry(actor=ctx.actor, action=action, changes=changes, note="台账导入", **fields)

    def audit_before(self, record) -> Any:
        """Kept before ``apply`` for ``audit_changed`` (e.g. a snapshot of the audited fields)."""
        return None

    def audit_created(self, ctx: ImportContext, record, item):
        return self.audit_entry(ctx, AuditLog.Action.CREATED, record, {
            name: [None, audit.plain(getattr(record, name))] for name in self.compared
            if getattr(record, name) not in (None, "")})

    def audit_changed(self, ctx: ImportContext, record, item, changes, before):
        return self.audit_entry(ctx, AuditLog.Action.CHANGED, record, {
            name: [audit.plain(old), audit.plain(new)] for name, (old, new) in changes.items()})

    def before_write(self, ctx: ImportContext, plan: Plan) -> None:
        """Load what ``build`` and ``apply`` need for the whole plan (records named by the items)."""

    def write(self, ctx: ImportContext) -> dict[str, int]:
        plan = self.plan(ctx)
        self.before_write(ctx, plan)
        created, changed, entries = [], [], []

        def update():
            for record, item, changes in plan.update:
                before = self.audit_before(record)
                self.apply(record, item, changes)
                changed.append(record)
                entries.append(self.audit_changed(ctx, record, item, changes, before))
            if changed:
                self.model._default_manager.bulk_update(changed, list(self.update_fields or self.compared),
                                                        batch_size=self.batch_size)

        def create():
            created.extend(self.build(item) for item in plan.create)
            self.model._default_manager.bulk_create(created, batch_size=self.batch_size)
            entries.extend(self.audit_created(ctx, record, item) for record, item in zip(created, plan.create))

        for step in ((update, create) if self.update_first else (create, update)):
            step()
        AuditLog.objects.bulk_create(entries, batch_size=2000)
        return {"created": len(created), "updated": len(changed), "unchanged": plan.unchanged}

    # --- export -------------------------------------------------------------------------------------
    def scoped_queryset(self, user, scope_org):
        """The user's rows (all for the command line), in the subtree of ``scope_org`` when given."""
        manager = self.model._default_manager
        qs = manager.all() if user is None else manager.for_user(user)
        if scope_org is not None:
            qs = qs.filter(subtree_q(scope_org.division if self.scope_by_division else scope_org, self.scope_field))
        return qs
