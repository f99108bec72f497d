"""Import and export of the roster workbook (党建基础信息表, roster-format.md).

The import reads the .xlsx with python-calamine in a memory-limited child process after the
workbook guard (``dangjian.roster.guard``) has inspected the archive and each sheet's real extent;
a refused workbook is one file-level fault with the Chinese reason. It then checks every sheet of every handler before
anything is written, and writes a clean workbook in one durable transaction with one ``imported``
audit row. The export writes each handler's sheet for the user's scope with openpyxl.
"""
from __future__ import annotations

import io
import logging
import os
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Optional, Union

from django.db import IntegrityError, transaction
from django.utils import timezone

from dangjian.core import audit, excel
from dangjian.core.actor import Actor
from dangjian.core.extensions import roster_sheet_handlers
from dangjian.core.models import AuditLog

from . import bulk, guard
from .cells import trim
from .sheets import SHARED_PRESENT_SHEETS, Fault, ImportContext, Row, SheetHandler

logger = logging.getLogger(__name__)

WORKBOOK_OBJECT_TYPE = "roster.workbook"
COUNT_KEYS = ("created", "updated", "unchanged")


@dataclass
class ImportResult:
    faults: list[Fault] = field(default_factory=list)
    # {sheet name: {"created": n, "updated": n, "unchanged": n}}, in handler order.
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    dry_run: bool = False
    # Sheets found in the workbook, with their data row counts.
    rows_read: dict[str, int] = field(default_factory=dict)
    # Findings that did not stop the import (ImportContext.warn), by sheet, row and column.
    warnings: list[Fault] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.faults

    def summary(self) -> str:
        parts = []
        for sheet, c in self.counts.items():
            parts.append(f"{sheet}：新增{c.get('created', 0)}，更新{c.get('updated', 0)}，未变{c.get('unchanged', 0)}")
        return "；".join(parts) if parts else "没有数据"


class WorkbookUnreadable(Exception):
    pass


def is_xlsx(data_or_path: Union[bytes, str, Path, BinaryIO]) -> bool:
    """An Office Open XML spreadsheet: a zip holding xl/workbook.xml (not .xls, .ods or a renamed file)."""
    try:
        if isinstance(data_or_path, bytes):
            source: Any = io.BytesIO(data_or_path)
        else:
            source = data_or_path
        if hasattr(source, "seek"):
            source.seek(0)
        with zipfile.ZipFile(source) as zf:
            names = set(zf.namelist())
        return "xl/workbook.xml" in names
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        if hasattr(data_or_path, "seek"):
            data_or_path.seek(0)


def workbook_limits() -> guard.Limits:
    """The limits an untrusted workbook must keep (``dangjian.roster.guard``), derived from the format:
    the widest sheet any handler knows plus room for notes, the row limit setting, Excel's cell limit."""
    from dangjian.core.rules import get_setting
    from django.conf import settings

    from .rules import MAX_ROWS_KEY

    widest = max((len(cls.columns) for cls in roster_sheet_handlers()), default=0)
    max_rows = get_setting(MAX_ROWS_KEY)
    upload = settings.DANGJIAN_UPLOAD_MAX_BYTES
    return guard.Limits(
        max_rows=max_rows,
        max_columns=widest + EXTRA_COLUMNS,
        max_cells=max_rows * CELLS_PER_ROW,
        max_total_bytes=max(UNCOMPRESSED_PER_UPLOAD_BYTE * upload, 64 << 20),
        max_entry_bytes=max(UNCOMPRESSED_PER_UPLOAD_BYTE * upload, 64 << 20),
        memory_bytes=settings.DANGJIAN_WORKBOOK_MEMORY_MB << 20,
    )


# Columns a sheet may carry beyond the widest known sheet (notes, the fault workbook's 错误说明).
EXTRA_COLUMNS = 32
# Cells present in all read sheets together, per allowed row (the member sheet has 13 columns).
CELLS_PER_ROW = 20
# A workbook inflates to at most this many times the upload size limit (the 100,000-member roster
# inflates 11-fold).
UNCOMPRESSED_PER_UPLOAD_BYTE = 20


@contextmanager
def _as_path(file_or_path: Any):
    """A path for the child reader: the file itself, or a private (0600) temporary copy of bytes/a stream."""
    if isinstance(file_or_path, (str, os.PathLike)):
        yield os.fspath(file_or_path)
        return
    if isinstance(file_or_path, (bytes, bytearray)):
        file_or_path = io.BytesIO(bytes(file_or_path))
    fd, tmp = tempfile.mkstemp(suffix=".xlsx")  # mkstemp creates the file 0600
    try:
        with os.fdopen(fd, "wb") as out:
            if hasattr(file_or_path, "seek"):
                file_or_path.seek(0)
            shutil.copyfileobj(file_or_path, out)
        yield tmp
    finally:
        os.unlink(tmp)


def read_workbook(file_or_path: Any, sheet_names: Optional[list[str]]) -> guard.WorkbookData:
    """Inspect and read an untrusted workbook in the memory-limited child (``guard.read_workbook``).

    Raises ``WorkbookUnreadable`` with the Chinese reason.
    """
    with _as_path(file_or_path) as path:
        if not is_xlsx(path):
            raise WorkbookUnreadable("不是有效的 Excel 工作簿（.xlsx）")
        try:
            return guard.read_workbook(path, sheet_names, workbook_limits())
        except guard.WorkbookRefused as err:
            logger.warning("workbook refused: %s", err)
            raise WorkbookUnreadable(str(err)) from None


def sheet_rows(sheet: guard.SheetData) -> tuple[list[str], list[Row]]:
    """Row 1's titles and the data rows as ``Row(number, {title: value})`` (first occurrence of a
    title wins; rows whose titled cells are all empty are left out)."""
    titles: list[str] = []
    index: list[tuple[str, int]] = []
    for i, title in enumerate(sheet.header):
        if title is None:
            continue
        title = str(title)
        if title in titles:
            continue
        titles.append(title)
        index.append((title, i))
    rows: list[Row] = []
    n = len(index)
    if [i for _, i in index] == list(range(n)):
        # The usual sheet: titles in the first n columns, none repeated or blank (a 100,000-row sheet
        # is read here): the row's first n cells zipped with the titles.
        pad = [None] * n
        for number, raw in sheet.rows:
            cells = raw[:n] if len(raw) >= n else list(raw) + pad[len(raw):]
            if cells.count(None) != n:
                rows.append(Row(number, dict(zip(titles, cells))))
        return titles, rows
    for number, raw in sheet.rows:
        width = len(raw)
        values = {title: (raw[i] if i < width else None) for title, i in index}
        if any(v is not None for v in values.values()):
            rows.append(Row(number, values))
    return titles, rows


def import_workbook(file_or_path: Any, *, actor: Actor, scope_org=None, dry_run: bool = False,
                    filename: str = "", progress: Optional[Callable[[str, int, int], None]] = None) -> ImportResult:
    """Check, then (unless ``dry_run`` or any fault) write the workbook. Returns faults and counts.

    ``scope_org``: the organisation subtree an organiser may write into (None for the county
    administrator and the command line). Nothing is written when any fault is found.
    ``progress(stage, done, total)`` (optional; a background job's progress bar) is called with
    stage "read" once the rows are read, "checked" after each sheet's check and "written" after
    each sheet's write (``done`` counts data rows over all sheets, ``total`` is their number).
    """
    report = progress or (lambda stage, done, total: None)
    result = ImportResult(dry_run=dry_run)
    handlers: list[SheetHandler] = [cls() for cls in roster_sheet_handlers()]
    try:
        wb = read_workbook(file_or_path, [h.sheet_name for h in handlers])
    except WorkbookUnreadable as err:
        result.faults.append(Fault("", 0, "", f"无法读取文件：{err}"))
        return result

    present = [h for h in handlers if h.sheet_name in wb.sheet_names]
    ctx = ImportContext(actor=actor, today=timezone.localdate(), scope_org=scope_org)
    ctx.shared[SHARED_PRESENT_SHEETS] = {h.sheet_name for h in present}
    if not present:
        expected = "、".join(h.sheet_name for h in handlers)
        result.faults.append(Fault("", 0, "", f"工作簿中没有可导入的工作表：工作表名称应为 {expected}"))
        return result

    all_rows: dict[str, list[Row]] = {}
    for h in present:
        titles, rows = sheet_rows(wb.sheets.get(h.sheet_name) or guard.SheetData([], []))
        all_rows[h.sheet_name] = rows
        result.rows_read[h.sheet_name] = len(rows)
        if rows or titles:
            for title in h.required_titles():
                if title not in titles:
                    ctx.fault(h.sheet_name, 1, title, f"缺少必填列“{title}”（第1行应为列标题）")
    del wb
    if not any(all_rows.values()) and not ctx.faults:
        result.faults.append(Fault("", 0, "", "工作簿中没有数据：各工作表除标题行外都是空的"))
        return result

    total = sum(len(rows) for rows in all_rows.values())
    report("read", 0, total)
    checked = 0
    for h in present:
        if h.sheet_name in all_rows:
            h.check(all_rows[h.sheet_name], ctx)
            checked += len(all_rows[h.sheet_name])
            report("checked", checked, total)
    result.warnings = ctx.warnings
    if ctx.faults:
        result.faults = ctx.faults
        return result

    active = [h for h in present if h.sheet_name in all_rows]
    if dry_run:
        for h in active:
            preview = h.preview(ctx)
            if preview is not None:
                result.counts[h.sheet_name] = {k: preview.get(k, 0) for k in COUNT_KEYS}
        return result

    try:
        with transaction.atomic(durable=True), bulk.bulk_write_settings():
            written = 0
            for h in active:
                counts = h.write(ctx) or {}
                ctx.counts[h.sheet_name] = {k: counts.get(k, 0) for k in COUNT_KEYS}
                written += len(all_rows[h.sheet_name])
                report("written", written, total)
            note = f"导入名册{('“' + filename + '”') if filename else ''}：" + ImportResult(counts=ctx.counts).summary()
            audit.record(actor=actor, action=AuditLog.Action.IMPORTED, object_type=WORKBOOK_OBJECT_TYPE,
                         object_repr=(filename or "名册工作簿")[:255],
                         scope_path=scope_org.path if scope_org is not None else "",
                         changes={}, note=note)
    except IntegrityError as err:
        # Someone changed the register between the check and the write: nothing was written.
        logger.warning("roster import integrity error: %s", err)
        result.faults.append(Fault("", 0, "", "导入期间名册被其他操作修改，未写入任何数据，请重新导入"))
        return result
    result.counts = ctx.counts
    return result


def export_workbook(user, scope_org=None, *, actor: Optional[Actor] = None) -> bytes:
    """The roster workbook for ``user``'s scope (or ``scope_org``'s subtree); user None is the command line.

    ``actor`` (default: the user, or the command line) is named in the ``exported`` audit row.
    """
    handlers: list[SheetHandler] = [cls() for cls in roster_sheet_handlers()]
    sheets, text_columns, widths, counts = [], {}, {}, {}
    for h in handlers:
        rows = h.export_rows(user, scope_org)
        if rows is None:
            continue
        rows = list(rows)
        counts[h.sheet_name] = len(rows)
        sheets.append((h.sheet_name, h.titles(), rows))
        text_columns[h.sheet_name] = {i for i, c in enumerate(h.columns) if c.text}
        widths[h.sheet_name] = [c.width for c in h.columns]
    content = excel.write_workbook(sheets, text_columns=text_columns, widths=widths)
    if actor is None:
        actor = Actor.command(user) if user is None else Actor(user=user, via="web")
    record_export(actor, scope_org=scope_org, counts=counts)
    return content


@transaction.atomic(durable=True)
def record_export(actor: Actor, *, scope_org, counts: dict[str, int]) -> AuditLog:
    """The ``exported`` audit row: who took which part of the roster out of the platform."""
    scope = scope_org if scope_org is not None else getattr(actor.user, "organization", None)
    label = scope.name if scope is not None else "全部"
    full = actor.user is None or getattr(actor.user, "may_view_full_pii", False)
    note = (f"导出名册（{label}，{'含完整号码' if full else '号码已遮蔽'}）："
            + "，".join(f"{k}{v}行" for k, v in counts.items()))
    return audit.record(actor=actor, action=AuditLog.Action.EXPORTED, object_type=WORKBOOK_OBJECT_TYPE,
                        object_repr=f"名册（{label}）"[:255], scope_path=scope.path if scope is not None else "",
                        note=note)


def template_workbook() -> bytes:
    """A blank workbook with every sheet's column titles (required titles marked in the sheet name row)."""
    sheets, text_columns, widths = [], {}, {}
    for cls in roster_sheet_handlers():
        sheets.append((cls.sheet_name, cls.titles(), []))
        text_columns[cls.sheet_name] = {i for i, c in enumerate(cls.columns) if c.text}
        widths[cls.sheet_name] = [c.width for c in cls.columns]
    return excel.write_workbook(sheets, text_columns=text_columns, widths=widths)


def faults_workbook(file_or_path: Any, faults: list[Fault]) -> bytes:
    """The uploaded workbook's faulty sheets, each row as read plus a final 错误说明 column,
    after a first sheet 错误列表 listing every fault."""
    by_cell: dict[tuple[str, int], list[str]] = {}
    for f in faults:
        label = f"【{f.column}】{f.message}" if f.column else f.message
        by_cell.setdefault((f.sheet, f.row), []).append(label)
    sheets = [("错误列表", ["工作表", "行号", "列", "错误说明"],
               [[f.sheet, f.row or None, f.column, f.message] for f in faults])]
    text_columns: dict[str, set[int]] = {}
    widths = {"错误列表": [12, 8, 14, 80]}
    faulty_sheets = [s for s in dict.fromkeys(f.sheet for f in faults) if s]
    try:
        wb = read_workbook(file_or_path, faulty_sheets)
    except WorkbookUnreadable:
        wb = None
    if wb is not None:
        for name in faulty_sheets:
            sheet = wb.sheets.get(name)
            if sheet is None or not (sheet.header or sheet.rows):
                continue
            header = [trim(v) for v in sheet.header]
            width = max(len(header), 1)
            out_rows = []
            sheet_faults = by_cell.get((name, 1), []) + by_cell.get((name, 0), [])
            for number, raw in sheet.rows:
                values = list(raw[:width]) + [None] * max(0, width - len(raw))
                if all(v is None for v in values):
                    continue
                out_rows.append(values + ["；".join(by_cell.get((name, number), []))])
            title_row = [h if h is not None else "" for h in header]
            if sheet_faults:
                out_rows.insert(0, [None] * width + ["；".join(sheet_faults)])
            sheets.append((name, title_row + ["错误说明"], out_rows))
            # ID and phone numbers stay text cells, so Excel keeps their digits.
            text_titles = {c.title for cls in roster_sheet_handlers() if cls.sheet_name == name
                           for c in cls.columns if c.text}
            text_columns[name] = {i for i, t in enumerate(header) if t in text_titles}
            widths[name] = [14] * width + [60]
    return excel.write_workbook(sheets, text_columns=text_columns, widths=widths)
