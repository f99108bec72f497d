"""The contract between the roster import/export engine and the sheets it reads and writes.

A sheet is a ``SheetHandler`` subclass listed in ``<app>/roster_sheets.py`` as ``SHEETS``. The engine
(``dangjian.roster.engine``) opens the workbook, finds each handler's sheet by name and its columns
by title (row 1; order free, extra columns ignored; cells trimmed of half- and full-width spaces),
then runs every handler's ``check`` in ``order`` before any ``write``: faults from any sheet stop
the whole import and nothing is written. A clean workbook is written in one transaction, handlers
in ``order``. Importing the same workbook again must change nothing (``write`` matches existing
rows by the sheet's natural key and counts them as unchanged).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional


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

    def fault(self, sheet: str, row: int, column: str, message: str) -> None:
        self.faults.append(Fault(sheet, row, column, message))


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

    def export_rows(self, user, scope_org: Optional[Any], **options: Any) -> Iterable[list[Any]]:
        """Rows (in ``columns`` order) for the user's scope, or the subtree of scope_org when given."""
        raise NotImplementedError
