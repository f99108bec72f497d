"""Hostile workbooks (issue 16): refused with a Chinese message by the inspection, whatever the reader
reading alongside it in its child process meets, and a reader that runs away dies in that memory-limited
child, not in the server.

The workbooks are written by hand by ``dangjian.roster.crafted``; every read below happens in the
child process under an address-space limit (``DANGJIAN_WORKBOOK_MEMORY_MB``).
"""
import dataclasses
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from dangjian.core.actor import Actor
from dangjian.register.models import Member
from dangjian.roster import crafted, guard
from dangjian.roster.engine import import_workbook, workbook_limits

from .helpers import new_county_sheets, xlsx

# Limits that let everything through the inspection: what the child's memory limit alone must hold.
NO_CHECKS = guard.Limits(max_rows=guard.EXCEL_MAX_ROWS, max_columns=guard.EXCEL_MAX_COLUMNS, max_cells=10**12,
                         max_total_bytes=1 << 40, max_entry_bytes=1 << 40, max_ratio=10**9,
                         max_cell_chars=10**12, memory_bytes=512 << 20)


def refusal(path) -> str:
    result = import_workbook(path, actor=Actor.command(), filename="x.xlsx")
    assert not result.ok and len(result.faults) == 1 and not result.faults[0].sheet
    return result.faults[0].message


def test_cells_at_a1_and_xfd1048576_are_refused_by_their_real_extent(db, tmp_path):
    path = crafted.sparse_corners(tmp_path / "corners.xlsx")
    assert path.stat().st_size < 5000
    message = refusal(path)
    assert "第 1,048,576 行" in message and "名册工作表最多行数" in message
    assert not Member.objects.exists()


def test_the_column_limit_comes_from_the_widest_known_sheet(db, tmp_path):
    limits = workbook_limits()
    assert limits.max_columns == 34 + 32  # 发展党员 has 34 columns (with 纪实编号, issue 14), plus room for notes
    message = refusal(crafted.wide_grid(tmp_path / "wide.xlsx", rows=50, columns=1_000, refs=True))
    assert "第 ALL 列" in message and "超过上限 66 列" in message


def test_thirty_thousand_rows_by_a_thousand_columns_are_refused(db, tmp_path):
    path = crafted.wide_grid(tmp_path / "grid.xlsx", rows=30_000, columns=1_000)
    assert "压缩比异常" in refusal(path)
    # Even when the ratio is allowed, cells without positions are not read.
    with pytest.raises(guard.WorkbookRefused, match="缺少位置信息"):
        guard.inspect(str(path), ["党员"], dataclasses.replace(workbook_limits(), max_ratio=10**6))


def test_a_huge_inline_string_is_refused(db, tmp_path):
    path = crafted.huge_string(tmp_path / "string.xlsx", chars=200_000_000)
    assert "压缩比异常" in refusal(path)
    # Without the ratio check the scan still stops at the first over-long text run.
    with pytest.raises(guard.WorkbookRefused, match="文字过长"):
        guard.inspect(str(path), ["党员"], dataclasses.replace(workbook_limits(), max_ratio=10**6))


def test_a_cell_longer_than_excels_limit_is_refused(db, tmp_path):
    assert "文字过长" in refusal(crafted.long_cell(tmp_path / "long.xlsx", chars=40_000))


def test_a_cell_of_exactly_excels_limit_is_read(tmp_path):
    path = crafted.long_cell(tmp_path / "limit.xlsx", chars=guard.EXCEL_MAX_CELL_CHARS)
    data = guard.read_workbook(str(path), ["党员"], guard.Limits())
    assert len(data.sheets["党员"].rows[0][1][0]) == guard.EXCEL_MAX_CELL_CHARS


def test_the_real_inflated_size_counts_not_the_declared_one(tmp_path):
    path = crafted.declared_sizes_lie(tmp_path / "lie.xlsx", rows=5_000)
    with pytest.raises(guard.WorkbookRefused, match="解压后过大"):
        guard.inspect_archive(str(path), guard.Limits(max_total_bytes=1 << 20, max_entry_bytes=1 << 20))


def test_an_archive_of_thousands_of_entries_is_refused(db, tmp_path):
    assert "条目过多" in refusal(crafted.too_many_entries(tmp_path / "many.xlsx", entries=1_500))


def test_a_reader_that_runs_away_dies_in_the_child_not_in_the_server(tmp_path):
    """With every inspection switched off, the A1/XFD1048576 workbook makes the reader allocate far
    beyond the child's address-space limit: the child dies, this process gets a refusal."""
    path = crafted.sparse_corners(tmp_path / "corners.xlsx")
    with pytest.raises(guard.WorkbookRefused, match="超出内存限制"):
        guard.read_workbook(str(path), ["党员"], NO_CHECKS)


def test_an_ordinary_workbook_is_read_in_the_child(tmp_path):
    path = tmp_path / "ok.xlsx"
    path.write_bytes(xlsx(new_county_sheets()))
    data = guard.read_workbook(str(path), ["党员", "不存在"], guard.Limits())
    assert "党员" in data.sheet_names and set(data.sheets) == {"党员"}
    assert data.peak_rss_kb < 1024 * 1024


def test_the_web_upload_refuses_the_corner_workbook_with_a_message(users, client_for, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    path = crafted.sparse_corners(tmp_path / "corners.xlsx")
    client = client_for(users["admin"])
    response = client.post(reverse("roster:import"), {"step": "check",
                                                      "file": SimpleUploadedFile("名册.xlsx", path.read_bytes())})
    assert response.status_code == 200
    assert "名册工作表最多行数" in response.content.decode()
    # The server is still there.
    assert client.get(reverse("roster:import")).status_code == 200


def test_import_roster_refuses_the_corner_workbook(db, tmp_path):
    path = crafted.sparse_corners(tmp_path / "corners.xlsx")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), stderr=err)
    assert "名册工作表最多行数" in err.getvalue()


@pytest.fixture
def children(monkeypatch):
    """The reader processes ``read_workbook`` starts, to see what became of them."""
    started = []
    real = guard.subprocess.Popen

    def popen(*args, **kwargs):
        started.append(real(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(guard.subprocess, "Popen", popen)
    return started


def test_a_refusal_during_the_concurrent_read_ends_the_child_and_its_message_wins(tmp_path, children):
    # The child starts reading while this process inspects; the corner workbook's reader would run to
    # its memory limit, but the inspection's own reason is what the user reads.
    path = crafted.sparse_corners(tmp_path / "corners.xlsx")
    with pytest.raises(guard.WorkbookRefused, match="名册工作表最多行数"):
        guard.read_workbook(str(path), ["党员"], guard.Limits(max_rows=200_000))
    assert len(children) == 1 and children[0].poll() is not None


def test_an_inspection_that_fails_unexpectedly_is_a_refusal_not_a_server_error(tmp_path, children, monkeypatch):
    path = tmp_path / "ok.xlsx"
    path.write_bytes(xlsx(new_county_sheets()))

    def broken(*args, **kwargs):
        raise KeyError("xl/worksheets/sheet9.xml")

    monkeypatch.setattr(guard, "sheet_parts", broken)
    with pytest.raises(guard.WorkbookRefused, match="文件已损坏"):
        guard.read_workbook(str(path), ["党员"], guard.Limits())
    assert len(children) == 1 and children[0].poll() is not None
