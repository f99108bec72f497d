"""Untrusted workbooks: inspected here in bounded chunks, read only in a memory-limited child process.

A crafted workbook of a few kilobytes can make a spreadsheet reader allocate hundreds of gigabytes
(cells only at A1 and XFD1048576: the reader allocates the rectangle between them), a 1.5 MB file can
hold a 1.5 GB string, and a reader written in Rust aborts the whole process when an allocation fails.
So every workbook a user hands the platform (web upload, ``import_roster``, the fault-list download)
goes through ``read_workbook``:

1. **The archive** (``inspect_archive``): at most ``max_entries`` entries, only stored or deflated
   entries, each entry's real uncompressed size (counted by inflating it, not the size the archive
   declares) within ``max_entry_bytes``, the whole within ``max_total_bytes``, and no entry larger
   than 1 MiB compressed more than ``max_ratio`` times.
2. **Each sheet that will be read, and the shared strings** (``scan_sheet``), streamed in chunks:
   the cells present (their ``r`` references, not the declared ``<dimension>``) must lie within
   ``max_rows`` rows and ``max_columns`` columns, the cells present within ``max_cells``, and no
   cell text longer than Excel's own limit of 32,767 characters. No DTDs or entity declarations.
3. **The read** happens in a child Python process (``python -m dangjian.roster.guard``) whose
   address space is limited (``resource.setrlimit(RLIMIT_AS)``) to ``memory_bytes``: if a reader
   still runs away, the child dies and the web server gets a refusal, not an abort. The child starts
   reading while this process inspects (steps 1 and 2 run here, in bounded chunks), so the two use
   both processors; what the child read is only taken when the inspection passed, and a refusal
   kills the child at once. The inspection's message wins over whatever the child met.

Every refusal is a ``WorkbookRefused`` carrying a Chinese message for the user. This module imports
nothing from Django at module level: the child process runs it without settings.
"""
from __future__ import annotations

import os
import pickle
import posixpath
import re
import struct
import subprocess
import sys
import threading
import zipfile
import zlib
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Optional

# Excel's own limits (Office Open XML, ECMA-376; "Excel specifications and limits").
EXCEL_MAX_CELL_CHARS = 32_767
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384

_CHUNK = 1 << 20
# Above this real size an entry's compression ratio is checked (tiny entries compress arbitrarily well).
_RATIO_FLOOR = 1 << 20
_SMALL_XML = 8 << 20  # workbook.xml and its relationships are parsed in memory: they must be small

_SPACES = " \t\r\n\u3000\u00a0\u200b\ufeff"  # the same as dangjian.roster.cells._SPACES


class WorkbookRefused(Exception):
    """A workbook the platform will not read; ``str(err)`` is the Chinese message for the user."""


@dataclass(frozen=True)
class Limits:
    max_rows: int = 200_000
    max_columns: int = 65
    max_cells: int = 4_000_000
    max_entries: int = 1_000
    max_entry_bytes: int = 512 << 20
    max_total_bytes: int = 1 << 30
    max_ratio: int = 100
    max_cell_chars: int = EXCEL_MAX_CELL_CHARS
    memory_bytes: int = 1 << 30


def column_letters(n: int) -> str:
    letters = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


# --- 1. the archive --------------------------------------------------------------------------

def _inflate(fp, info: zipfile.ZipInfo, limit: int, max_ratio: int = 0) -> Iterable[bytes]:
    """The entry's real content in chunks, stopping with a refusal past ``limit`` bytes or, past
    1 MiB, as soon as the bytes produced exceed ``max_ratio`` times the compressed bytes read.

    Reads the compressed bytes the central directory names and inflates all of them, whatever
    size the archive declares (a reader that trusts the declared size can be lied to).
    """
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise WorkbookRefused("文件已损坏：压缩包结构不正确")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    remaining = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        inflater = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
    else:
        raise WorkbookRefused("文件中有 Excel 不使用的压缩方式，不是有效的 Excel 工作簿（.xlsx）")
    produced = 0
    while remaining > 0 or (inflater is not None and inflater.unconsumed_tail):
        if inflater is not None and inflater.unconsumed_tail:
            data = inflater.unconsumed_tail
        else:
            data = fp.read(min(_CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
        if inflater is None:
            out = data
        else:
            try:
                out = inflater.decompress(data, _CHUNK)
            except zlib.error:
                raise WorkbookRefused("文件已损坏：压缩数据无法解压") from None
        produced += len(out)
        if produced > limit:
            raise _TooLarge(produced)
        if max_ratio and produced > _RATIO_FLOOR:
            consumed = info.compress_size - remaining - (len(inflater.unconsumed_tail) if inflater else 0)
            if produced > max_ratio * max(consumed, 1):
                raise _TooCompressed(info.filename, produced / max(consumed, 1))
        if out:
            yield out
        if inflater is not None and inflater.eof:
            break


class _TooLarge(Exception):
    pass


class _TooCompressed(Exception):
    def __init__(self, name: str, ratio: float):
        super().__init__(name)
        self.name, self.ratio = name, ratio


def _ratio_message(err: "_TooCompressed", limits: "Limits") -> str:
    return (f"文件中“{err.name}”的压缩比异常（超过 {limits.max_ratio} 倍），可能是恶意构造的文件，未读取")


@dataclass
class ArchiveReport:
    entries: int = 0
    total_bytes: int = 0
    largest_ratio: float = 0.0


def inspect_archive(path: str, limits: Limits) -> ArchiveReport:
    """Refuse an archive whose entries are too many, too large or compressed too far (see module doc)."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise WorkbookRefused("不是有效的 Excel 工作簿（.xlsx）") from None
    report = ArchiveReport()
    with zf, open(path, "rb") as fp:
        infos = zf.infolist()
        report.entries = len(infos)
        if len(infos) > limits.max_entries:
            raise WorkbookRefused(f"文件中的条目过多（{len(infos)} 个，上限 {limits.max_entries} 个），"
                                  "不是正常的 Excel 工作簿")
        names = {i.filename for i in infos}
        if "xl/workbook.xml" not in names:
            raise WorkbookRefused("不是有效的 Excel 工作簿（.xlsx）")
        for info in infos:
            if info.flag_bits & 0x1:
                raise WorkbookRefused("工作簿已加密，请在 Excel 中取消密码后另存再上传")
            size = 0
            try:
                for out in _inflate(fp, info, min(limits.max_entry_bytes, limits.max_total_bytes - report.total_bytes),
                                    limits.max_ratio):
                    size += len(out)
            except _TooLarge:
                raise WorkbookRefused(_too_large_message(limits)) from None
            except _TooCompressed as err:
                raise WorkbookRefused(_ratio_message(err, limits)) from None
            report.total_bytes += size
            if size > _RATIO_FLOOR:
                report.largest_ratio = max(report.largest_ratio, size / max(info.compress_size, 1))
    return report


def _too_large_message(limits: Limits) -> str:
    return (f"工作簿解压后过大（上限 {limits.max_total_bytes // (1 << 20)} MB），可能是恶意构造的文件，未读取；"
            "正常的名册请拆成几个工作簿分批导入")


# --- 2. the sheets ---------------------------------------------------------------------------

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _small_xml(zf: zipfile.ZipFile, name: str):
    import xml.etree.ElementTree as ET

    info = zf.getinfo(name)
    if info.file_size > _SMALL_XML:
        raise WorkbookRefused(f"文件中“{name}”过大，不是正常的 Excel 工作簿")
    data = zf.read(name)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise WorkbookRefused("工作簿中含有不允许的 XML 声明（DTD），未读取")
    try:
        return ET.fromstring(data)
    except ET.ParseError:
        raise WorkbookRefused("文件已损坏：工作簿结构无法解析") from None


def sheet_parts(path: str) -> tuple[dict[str, str], list[str]]:
    """{sheet name: archive entry of its XML} in workbook order, and the shared-strings entries."""
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        workbook = _small_xml(zf, "xl/workbook.xml")
        targets: dict[str, tuple[str, str]] = {}
        if "xl/_rels/workbook.xml.rels" in names:
            for rel in _small_xml(zf, "xl/_rels/workbook.xml.rels"):
                target = rel.get("Target") or ""
                if target.startswith("/"):
                    part = target.lstrip("/")
                else:
                    part = posixpath.normpath(posixpath.join("xl", target))
                targets[rel.get("Id") or ""] = (part, rel.get("Type") or "")
        sheets: dict[str, str] = {}
        sheets_el = workbook.find(f"{{{_NS}}}sheets")
        for sheet in (sheets_el if sheets_el is not None else []):
            name = sheet.get("name") or ""
            rid = sheet.get(f"{{{_REL_NS}}}id") or ""
            part = targets.get(rid, ("", ""))[0]
            if part and part not in names:
                raise WorkbookRefused(f"文件已损坏：工作表“{name}”的数据缺失")
            sheets[name] = part
        strings = [p for p, kind in targets.values() if kind.endswith("/sharedStrings") and p in names]
        # A reader may also look for the conventional name whatever the relationships say.
        if "xl/sharedStrings.xml" in names and "xl/sharedStrings.xml" not in strings:
            strings.append("xl/sharedStrings.xml")
    return sheets, strings


# One cell's start tag (any namespace prefix), and a cell reference inside it.
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c(?=[\s/>])[^>]*>")
_CELL_REF = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c\s[^>]*?\br\s*=\s*[\"']\$?([A-Za-z]{1,4})\$?([0-9]{1,8})[\"']")
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY", b"<![CDATA[")


@dataclass
class SheetExtent:
    cells: int = 0
    max_row: int = 0
    max_column: int = 0
    longest_text: int = 0  # characters, only measured for text runs longer than Excel's limit in bytes


def _chars(raw: bytes) -> int:
    """Characters in a run of UTF-8 (a character split across chunks counts at most once)."""
    return len(raw.decode("utf-8", "ignore"))


class _TextRuns:
    """The longest run of text between two ``<`` across a stream of chunks, in characters.

    A run includes the end of the tag before it (a few bytes), so a cell exactly at Excel's limit
    is given a little slack; only runs longer than the limit in *bytes* are decoded and counted.
    """

    SLACK = 512

    def __init__(self, limit: int, label: str):
        self.limit, self.label, self.open = limit, label, 0

    def _check(self, chars: int) -> None:
        if chars > self.limit + self.SLACK:
            raise WorkbookRefused(f"{self.label}中有一个单元格的文字过长（超过 {self.limit:,} 个字符，Excel 的上限），"
                                  "可能是恶意构造的文件，未读取")

    def feed(self, chunk: bytes) -> None:
        first = chunk.find(b"<")
        if first == -1:
            self.open += _chars(chunk) if len(chunk) > 64 else len(chunk)
            self._check(self.open)
            return
        self.open += _chars(chunk[:first])
        self._check(self.open)
        # The runs between two "<" of the chunk: jump from a "<" to the last "<" within the longest
        # allowed run after it; finding none there means a longer run, which is decoded and counted.
        last = chunk.rfind(b"<")
        span = self.limit + self.SLACK
        pos = first
        while pos < last:
            nxt = chunk.rfind(b"<", pos + 1, pos + span + 2)
            if nxt == -1:
                nxt = chunk.find(b"<", pos + 1)
                self._check(_chars(chunk[pos + 1:nxt]))
            pos = nxt
        self.open = _chars(chunk[last + 1:])
        self._check(self.open)


def scan_part(path: str, part: str, limits: Limits, *, cells: bool, label: str) -> SheetExtent:
    """Stream one XML part; count cells and their extent (``cells``) and the longest text run."""
    extent = SheetExtent()
    runs = _TextRuns(limits.max_cell_chars, label)
    with zipfile.ZipFile(path) as zf, open(path, "rb") as fp:
        info = zf.getinfo(part)
        carry = b""
        tail = b""
        try:
            for chunk in _inflate(fp, info, limits.max_entry_bytes):
                runs.feed(chunk)
                # A forbidden declaration split across two chunks is still seen.
                window = tail + chunk[:16]
                tail = chunk[-16:]
                for token in _FORBIDDEN:
                    if token in chunk or token in window:
                        raise WorkbookRefused(f"{label}中含有不允许的 XML 内容（DTD 或 CDATA），未读取")
                if not cells:
                    continue
                data = carry + chunk
                cut = data.rfind(b"<")
                if cut == -1 or data.find(b">", cut) != -1:
                    head, carry = data, b""
                else:
                    # An unfinished tag at the end of the chunk waits for the next one.
                    head, carry = data[:cut], data[cut:]
                    if len(carry) > 65536:
                        raise WorkbookRefused(f"{label}的结构异常（过长的 XML 标记），未读取")
                _scan_cells(head, extent, limits, label)
            if carry:
                _scan_cells(carry, extent, limits, label)
        except _TooLarge:
            raise WorkbookRefused(_too_large_message(limits)) from None
    return extent


# The usual form of a cell tag (r first, no namespace prefix): a special case of _CELL_REF, tried first.
_PLAIN_CELL_REF = re.compile(rb'<c r="([A-Z]{1,4})([0-9]{1,8})"')


def _cell_refs(data: bytes) -> tuple[int, list]:
    """(cell tags, their (column, row) references) in ``data``; fewer references than tags means a
    cell without one. Fast path: no namespace prefixes and every tag of the plain form. The plain
    matches are some of _CELL_REF's, which are at most the _CELL_TAG tags, which are at most the
    "<c" counted here; so when the plain matches are as many as those, all are equal."""
    if b":c" not in data:
        openings = data.count(b"<c")
        refs = _PLAIN_CELL_REF.findall(data)
        if len(refs) == openings:
            return openings, refs
    return len(_CELL_TAG.findall(data)), _CELL_REF.findall(data)


def _scan_cells(data: bytes, extent: SheetExtent, limits: Limits, label: str) -> None:
    tags, refs = _cell_refs(data)
    if not tags:
        return
    if len(refs) != tags:
        raise WorkbookRefused(f"{label}的单元格缺少位置信息，请用 Excel 或 WPS 打开后另存为 .xlsx 再上传")
    extent.cells += tags
    if extent.cells > limits.max_cells:
        raise WorkbookRefused(f"{label}的单元格过多（超过 {limits.max_cells:,} 个），请拆成几个工作簿分批导入")
    columns, rows = zip(*refs)
    top_row = max(map(int, set(rows)))
    widest = max({c.upper() for c in set(columns)}, key=lambda c: (len(c), c))
    extent.max_row = max(extent.max_row, top_row)
    extent.max_column = max(extent.max_column, _column_number(widest))
    if extent.max_row > limits.max_rows:
        raise WorkbookRefused(f"{label}有数据的行到第 {extent.max_row:,} 行，超过上限 {limits.max_rows:,} 行"
                              "（规则参数“名册工作表最多行数”），请拆成几个工作簿分批导入")
    if extent.max_column > limits.max_columns:
        raise WorkbookRefused(
            f"{label}有数据的列到第 {column_letters(extent.max_column)} 列（第 {extent.max_column:,} 列），"
            f"超过上限 {limits.max_columns} 列（{column_letters(limits.max_columns)} 列）；"
            "请删除多余的列后再上传")


def inspect(path: str, sheet_names: Optional[Iterable[str]], limits: Limits) -> list[str]:
    """Check the archive, the shared strings and the named sheets (all when None); the workbook's
    sheet names in order. Raises ``WorkbookRefused``."""
    inspect_archive(path, limits)
    sheets, strings = sheet_parts(path)
    wanted = list(sheets) if sheet_names is None else [n for n in sheet_names if n in sheets]
    total = 0
    for part in strings:
        scan_part(path, part, limits, cells=False, label="工作簿的共享字符串")
    for name in wanted:
        part = sheets[name]
        if not part:
            continue
        extent = scan_part(path, part, limits, cells=True, label=f"工作表“{name}”")
        total += extent.cells
        if total > limits.max_cells:
            raise WorkbookRefused(f"工作簿的单元格过多（超过 {limits.max_cells:,} 个），请拆成几个工作簿分批导入")
    return list(sheets)


# --- 3. the read, in a child process ---------------------------------------------------------

@dataclass
class SheetData:
    # Row 1 as read (trimmed strings; None for empty cells).
    header: list
    # (Excel row number, values of the first len(header) columns, trimmed), rows not entirely empty.
    rows: list


@dataclass
class WorkbookData:
    sheet_names: list
    sheets: dict  # {name: SheetData} for the requested sheets present
    peak_rss_kb: int = 0


def _trim(v: Any) -> Any:
    if v.__class__ is str:
        v = v.strip(_SPACES)
        return v or None
    if v == "":
        return None
    return v


def _read_in_child(path: str, sheet_names: Optional[list], limits: Limits) -> WorkbookData:
    """The child's work: read the requested sheets with python-calamine (the parent inspects meanwhile)."""
    from python_calamine import CalamineWorkbook

    out: dict[str, SheetData] = {}
    wb = CalamineWorkbook.from_path(path)
    try:
        names = list(wb.sheet_names)
        wanted = names if sheet_names is None else [n for n in sheet_names if n in names]
        for name in wanted:
            sheet = wb.get_sheet_by_name(name)
            rows_iter = iter(sheet.iter_rows())
            first = next(rows_iter, None)
            if first is None:
                out[name] = SheetData([], [])
                continue
            header = [_trim(v) for v in first]
            # Trailing untitled columns are kept (the fault workbook shows them) up to the widest row.
            rows = []
            spaces = _SPACES
            for number, raw in enumerate(rows_iter, start=2):
                # _trim, inline (1.3 million cells in a 100,000-member roster); a non-str is never "".
                values = [(v.strip(spaces) or None) if v.__class__ is str else v for v in raw]
                if values.count(None) != len(values):
                    rows.append((number, values))
            out[name] = SheetData(header, rows)
            del sheet
    finally:
        wb.close()
    return WorkbookData(sheet_names=names, sheets=out)


def _child_main() -> None:  # pragma: no cover - exercised through read_workbook's subprocess
    import resource

    request = pickle.load(sys.stdin.buffer)
    limits = Limits(**request["limits"])
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    try:
        data = _read_in_child(request["path"], request["sheets"], limits)
        data.peak_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        payload = {"ok": True, "data": data}
    except WorkbookRefused as err:
        payload = {"ok": False, "message": str(err)}
    except MemoryError:
        payload = {"ok": False, "message": _OOM_MESSAGE}
    except Exception as err:  # the reader's own error for a damaged file
        payload = {"ok": False, "message": _DAMAGED_MESSAGE, "detail": repr(err)[:500]}
    # "fast" mode keeps no memo: the payload is a tree of lists without shared or cyclic parts, and
    # memoising its 1.3 million cells (a 100,000-member roster) more than doubles the pickling time.
    pickler = pickle.Pickler(sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(payload)
    sys.stdout.buffer.flush()


_DAMAGED_MESSAGE = "文件已损坏或不是有效的 Excel 工作簿（.xlsx）"
_OOM_MESSAGE = "读取工作簿时超出内存限制，可能是恶意构造或过大的文件，未读取；正常的名册请拆成几个工作簿分批导入"


def read_workbook(path: str, sheet_names: Optional[list], limits: Limits) -> WorkbookData:
    """Inspect and read ``path`` in a memory-limited child process; raises ``WorkbookRefused``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and not k.startswith("DANGJIAN_")
           and k not in ("DATABASE_URL",)}
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    request = pickle.dumps({"path": os.fspath(path), "sheets": sheet_names, "limits": asdict(limits)})
    proc = subprocess.Popen([sys.executable, "-m", "dangjian.roster.guard"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    # The child's answer is collected by a thread (a full pipe would stop the child) while this one inspects.
    answer: dict[str, bytes] = {}
    collector = threading.Thread(target=lambda: answer.update(out=proc.communicate(request)[0]), daemon=True)
    collector.start()
    try:
        names = inspect(path, sheet_names, limits)
    except BaseException as err:
        proc.kill()
        collector.join()
        if isinstance(err, (WorkbookRefused, KeyboardInterrupt, SystemExit)):
            raise
        # Whatever else a damaged archive makes the inspection meet is a refusal, as in the child.
        raise WorkbookRefused(_DAMAGED_MESSAGE) from None
    collector.join()
    stdout = answer.get("out") or b""
    if proc.returncode != 0 or not stdout:
        raise WorkbookRefused(_OOM_MESSAGE)
    try:
        payload = pickle.loads(stdout)
    except Exception:
        raise WorkbookRefused(_OOM_MESSAGE) from None
    if not payload.get("ok"):
        raise WorkbookRefused(payload["message"])
    data = payload["data"]
    data.sheet_names = names
    return data


def peak_child_rss_kb() -> int:
    """The largest resident size any finished child of this process reached (KiB, Linux)."""
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


if __name__ == "__main__":
    # Run as ``python -m``: call through the module's real name so pickled classes resolve in the parent.
    from dangjian.roster import guard as _guard

    _guard._child_main()
