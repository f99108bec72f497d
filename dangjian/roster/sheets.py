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
