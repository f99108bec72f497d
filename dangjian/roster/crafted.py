"""Hostile workbooks, written by hand (zip and XML, no spreadsheet library), for the tests and the probe.

Each function writes a minimal but valid .xlsx to ``path`` with one sheet (default 党员) and
returns the path. They reproduce what an attacker uploads:

- ``sparse_corners``: cells only at A1 and XFD1048576 (a 5 KB file; a naive reader allocates the
  rectangle between them, about 17 billion cells);
- ``huge_string``: one inline string of ``chars`` characters, deflated (1.5 GB in about 1.5 MB);
- ``wide_grid``: ``rows`` × ``columns`` small numbers (30,000 × 1,000 is 30 million cells in a few MB);
- ``long_cell``: one cell a little longer than Excel's 32,767-character limit;
- ``declared_sizes_lie``: a sheet whose archive entry declares a tiny size but inflates to much more;
- ``too_many_entries``: an archive of many empty entries.
"""
from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Iterable, Iterator

from .guard import column_letters

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def _workbook_xml(sheet: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>')


def _text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _write(path: Path, sheet: str, sheet_chunks: Iterable[bytes], *, declared_size: int | None = None) -> Path:
    """A workbook whose one sheet's XML is ``sheet_chunks``, deflated as a stream (never held whole)."""
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _workbook_xml(sheet))
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        if declared_size is None:
            with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
                for chunk in sheet_chunks:
                    out.write(chunk)
        else:
            data = b"".join(sheet_chunks)
            info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data[:declared_size])
    if declared_size is not None:
        _replace_entry_data(path, "xl/worksheets/sheet1.xml", data)
    return path


def _replace_entry_data(path: Path, name: str, data: bytes) -> None:
    """Swap an entry's deflated bytes for those of ``data``, keeping the declared sizes and CRC.

    Only the entry's compressed length is updated (in the local header and the central directory),
    which is what a reader trusts to find the data; the declared uncompressed size stays small.
    """
    raw = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    new = comp.compress(data) + comp.flush()
    start = info.header_offset
    name_len = int.from_bytes(raw[start + 26:start + 28], "little")
    extra_len = int.from_bytes(raw[start + 28:start + 30], "little")
    data_start = start + 30 + name_len + extra_len
    data_end = data_start + info.compress_size
    delta = len(new) - info.compress_size
    local = bytearray(raw[start:data_start])
    local[18:22] = len(new).to_bytes(4, "little")
    rest = bytearray(raw[data_end:])
    # Central directory entries follow the entries' data; fix this entry's compressed size and shift
    # the offsets of everything after it.
    out = bytearray(raw[:start]) + local + new
    pos = 0
    while True:
        pos = rest.find(b"PK\x01\x02", pos)
        if pos == -1:
            break
        fname_len = int.from_bytes(rest[pos + 28:pos + 30], "little")
        fname = bytes(rest[pos + 46:pos + 46 + fname_len]).decode()
        offset = int.from_bytes(rest[pos + 42:pos + 46], "little")
        if fname == name:
            rest[pos + 20:pos + 24] = len(new).to_bytes(4, "little")
        if offset > start:
            rest[pos + 42:pos + 46] = (offset + delta).to_bytes(4, "little")
        pos += 46
    eocd = rest.rfind(b"PK\x05\x06")
    cd_offset = int.from_bytes(rest[eocd + 16:eocd + 20], "little")
    rest[eocd + 16:eocd + 20] = (cd_offset + delta).to_bytes(4, "little")
    path.write_bytes(bytes(out + rest))


def sparse_corners(path, sheet: str = "党员") -> Path:
    body = _SHEET_HEAD + '<row r="1">' + _text_cell("A1", "姓名") + "</row>"
    body += '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>' + _SHEET_TAIL
    return _write(path, sheet, [body.encode()])


def huge_string(path, chars: int = 1_500_000_000, sheet: str = "党员") -> Path:
    def chunks() -> Iterator[bytes]:
        yield (_SHEET_HEAD + '<row r="1"><c r="A1" t="inlineStr"><is><t>').encode()
        block = b"A" * (1 << 20)
        left = chars
        while left > 0:
            yield block[:min(left, len(block))]
            left -= len(block)
        yield ("</t></is></c></row>" + _SHEET_TAIL).encode()

    return _write(path, sheet, chunks())


def wide_grid(path, rows: int = 30_000, columns: int = 1_000, sheet: str = "党员", refs: bool = False) -> Path:
    """Without ``refs`` the cells carry no ``r`` reference (allowed by the format: a reader places
    them one after another), which is how 30 million cells fit in a few megabytes."""
    letters = [column_letters(c) for c in range(1, columns + 1)]
    plain = "<c><v>1</v></c>" * columns

    def chunks() -> Iterator[bytes]:
        yield _SHEET_HEAD.encode()
        for r in range(1, rows + 1):
            cells = "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in letters) if refs else plain
            yield (f'<row r="{r}">' + cells + "</row>").encode()
        yield _SHEET_TAIL.encode()

    return _write(path, sheet, chunks())


def long_cell(path, chars: int = 40_000, sheet: str = "党员") -> Path:
    import random

    rng = random.Random(7)
    text = "".join(rng.choice("党员名册测试数据abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(chars))
    body = _SHEET_HEAD + '<row r="1">' + _text_cell("A1", "姓名") + "</row>"
    body += '<row r="2">' + _text_cell("A2", text) + "</row>" + _SHEET_TAIL
    return _write(path, sheet, [body.encode()])


def declared_sizes_lie(path, rows: int = 20_000, sheet: str = "党员") -> Path:
    """The sheet's entry declares a few hundred bytes but inflates to ``rows`` rows of 30 columns."""
    letters = [column_letters(c) for c in range(1, 31)]
    parts = [_SHEET_HEAD.encode()]
    for r in range(1, rows + 1):
        parts.append((f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in letters)
                      + "</row>").encode())
    parts.append(_SHEET_TAIL.encode())
    return _write(path, sheet, parts, declared_size=300)


def too_many_entries(path, entries: int = 5_000, sheet: str = "党员") -> Path:
    path = Path(path)
    _write(path, sheet, [(_SHEET_HEAD + '<row r="1">' + _text_cell("A1", "姓名") + "</row>" + _SHEET_TAIL).encode()])
    with zipfile.ZipFile(path, "a") as zf:
        for i in range(entries):
            zf.writestr(f"xl/media/empty{i}.bin", b"")
    return path
