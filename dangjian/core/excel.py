"""Writing .xlsx for every list's 导出 button, and the HTTP response that carries it.

Every list export writes through ``write_workbook``, so the inline/background split of exports lives
here: while a web request runs, ``ROW_LIMIT`` holds the largest export answered inline (set by
``dangjian.jobs.exports.BackgroundExportMiddleware`` from a rule setting). An export that goes past
it stops with ``TooManyRows``; the middleware then submits the same export as a background job,
which writes it with no limit, reporting its rows through ``ON_ROWS``."""
from __future__ import annotations

import contextvars
import datetime
import io
from typing import Any, Callable, Iterable, Sequence
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="FCE4D6")


# An int, or a function giving it (read only when an export actually runs, so other pages pay nothing).
ROW_LIMIT: contextvars.ContextVar[int | Callable[[], int] | None] = contextvars.ContextVar("export_row_limit", default=None)
ON_ROWS: contextvars.ContextVar = contextvars.ContextVar("export_on_rows", default=None)
ROWS_PER_REPORT = 500


class TooManyRows(Exception):
    """More rows than an inline export may hold (``ROW_LIMIT``): the export goes to the background."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} rows")
        self.limit = limit


# Text a spreadsheet program would take for a formula (or a DDE command) when the cell is typed or
# edited: "=", "+", "-", "@", and a leading tab or carriage return (OWASP "CSV injection"); the
# full-width forms a Chinese input method produces as well.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def _literal_text(ws, value: str) -> WriteOnlyCell:
    """A string cell holding exactly ``value``: never a formula, shown and edited as text.

    openpyxl would store a string starting with "=" as a live formula; here the cell's type is forced
    to string, its format is text ("@") and its style carries Excel's quotePrefix, so Excel and WPS
    neither evaluate it on opening nor turn it into a formula when someone edits the cell. The value
    itself is unchanged, so the exported file re-imports to the same text.
    """
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    cell.number_format = "@"
    cell.quotePrefix = True
    return cell


def write_workbook(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
                   text_columns: dict[str, set[int]] | None = None,
                   widths: dict[str, Sequence[int]] | None = None) -> bytes:
    """Sheets of (title, header titles, rows) as .xlsx bytes, streamed row by row (write-only mode).

    ``text_columns[sheet]`` holds 0-based column indexes written as text cells (ID numbers must be
    text, or Excel shows them in scientific notation and loses digits). Every text that a spreadsheet
    would take for a formula is written as literal text (``_literal_text``), whatever the column:
    this is the one place every export goes through.
    """
    wb = Workbook(write_only=True)
    limit, on_rows, written = ROW_LIMIT.get(), ON_ROWS.get(), 0
    if callable(limit):
        limit = limit()
    for title, headers, rows in sheets:
        ws = wb.create_sheet(title=title)
        for i, width in enumerate((widths or {}).get(title, [])):
            ws.column_dimensions[_column_letter(i)].width = width
        header_cells = []
        for h in headers:
            cell = _literal_text(ws, h) if looks_like_formula(h) else WriteOnlyCell(ws, value=h)
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
            header_cells.append(cell)
        ws.append(header_cells)
        text_cols = (text_columns or {}).get(title, set())
        for row in rows:
            written += 1
            if limit is not None and written > limit:
                for sheet in wb.worksheets:
                    sheet.close()  # the write-only sheets' temporary files
                raise TooManyRows(limit)
            if on_rows is not None and written % ROWS_PER_REPORT == 0:
                on_rows(written)
            out = []
            for i, value in enumerate(row):
                if value.__class__ is str and value.startswith(FORMULA_PREFIXES):
                    out.append(_literal_text(ws, value))
                elif i in text_cols and value is not None:
                    cell = WriteOnlyCell(ws, value=str(value))
                    cell.number_format = "@"
                    out.append(cell)
                elif isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = "yyyy-mm-dd"
                    out.append(cell)
                elif isinstance(value, datetime.datetime):
                    cell = WriteOnlyCell(ws, value=value.replace(tzinfo=None))
                    cell.number_format = "yyyy-mm-dd hh:mm"
                    out.append(cell)
                else:
                    out.append(value)
            ws.append(out)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """An attachment whose Chinese file name survives every browser (RFC 6266 filename*)."""
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return response
