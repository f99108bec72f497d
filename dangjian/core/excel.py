"""Writing .xlsx for every list's 导出 button, and the HTTP response that carries it."""
from __future__ import annotations

import datetime
import io
from typing import Any, Iterable, Sequence
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="FCE4D6")


def write_workbook(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
                   text_columns: dict[str, set[int]] | None = None,
                   widths: dict[str, Sequence[int]] | None = None) -> bytes:
    """Sheets of (title, header titles, rows) as .xlsx bytes, streamed row by row (write-only mode).

    ``text_columns[sheet]`` holds 0-based column indexes written as text cells (ID numbers must be
    text, or Excel shows them in scientific notation and loses digits).
    """
    wb = Workbook(write_only=True)
    for title, headers, rows in sheets:
        ws = wb.create_sheet(title=title)
        for i, width in enumerate((widths or {}).get(title, [])):
            ws.column_dimensions[_column_letter(i)].width = width
        header_cells = []
        for h in headers:
            cell = WriteOnlyCell(ws, value=h)
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
            header_cells.append(cell)
        ws.append(header_cells)
        text_cols = (text_columns or {}).get(title, set())
        for row in rows:
            out = []
            for i, value in enumerate(row):
                if i in text_cols and value is not None:
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
