#!/usr/bin/env python
"""A repeatable hostile probe (issue 16): prints, per check, whether the platform HELD or FAILED.

    .venv/bin/python scripts/hostile_probe.py                       # in-process checks only
    .venv/bin/python scripts/hostile_probe.py --url http://127.0.0.1:8002 [--user demo_admin --password yanshi2026]

In-process (no server needed): the crafted workbooks of ``dangjian.roster.crafted`` through the
workbook guard (each must be refused with a Chinese message, the reader child's peak memory printed),
and formula payloads through ``core.excel.write_workbook`` (no formula cell, same text back).

Against a running server (``--url``, loopback only): the crafted workbooks uploaded to 名册导入 (the
server must answer with a refusal and stay up), every export link found on the list pages checked
for formula cells, hostile query strings over every list URL found from the home page (never a 5xx),
and, last, login throttling (a throw-away user name tried with wrong passwords until locked; this
also locks the probing address: run ``python manage.py axes_reset_ip 127.0.0.1`` afterwards).

Exit status 1 when anything FAILED.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import io
import os
import re
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOSTILE_QUERIES = [
    "branch=abc", "org=abc", "page=-1", "page=99999999999999999999", "q=%00", "q=%27%22%3C%3E", "q=" + urllib.parse.quote("甲" * 2000),
    "status=%00", "date=2026-13-45", "from=abc&to=%00", "year=99999", "month=0", "kind=../../etc/passwd",
    "branch=1%00", "org=1e309", "page=%00", "sort=-id;DROP TABLE", "type=%ff%fe",
]
PAYLOADS = ['=HYPERLINK("http://evil.example/","点我")', "=cmd|' /C calc'!A0", "+1+1", "-1+1", "@SUM(1)", "\t=1"]


class Tally:
    def __init__(self):
        self.held = self.failed = 0

    def check(self, ok: bool, label: str, detail: str = "") -> None:
        if ok:
            self.held += 1
        else:
            self.failed += 1
        print(f"  {'HELD  ' if ok else 'FAILED'} {label}{('：' + detail) if detail else ''}", flush=True)


def crafted_workbooks(tmp: Path):
    from dangjian.roster import crafted

    return [
        ("A1 + XFD1048576", crafted.sparse_corners(tmp / "corners.xlsx")),
        ("1.5 GB inline string", crafted.huge_string(tmp / "string.xlsx")),
        ("30,000 × 1,000 cells", crafted.wide_grid(tmp / "grid.xlsx")),
        ("1,000 columns with references", crafted.wide_grid(tmp / "wide.xlsx", rows=100, refs=True)),
        ("a 40,000-character cell", crafted.long_cell(tmp / "long.xlsx")),
        ("5,000 archive entries", crafted.too_many_entries(tmp / "many.xlsx")),
    ]


def in_process(tally: Tally, tmp: Path) -> None:
    from dangjian.roster import guard

    print("工作簿（进程内，经 dangjian.roster.guard）")
    for label, path in crafted_workbooks(tmp):
        start = time.perf_counter()
        try:
            guard.read_workbook(str(path), ["党员"], guard.Limits())
            tally.check(False, label, "读取了")
        except guard.WorkbookRefused as err:
            tally.check(True, f"{label}（{path.stat().st_size:,} 字节，{time.perf_counter() - start:.1f} s）", str(err))
    print(f"  读取子进程的峰值内存：{guard.peak_child_rss_kb() / 1024:.0f} MiB")

    print("公式（进程内，经 core.excel.write_workbook）")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    from dangjian.core.excel import write_workbook

    content = write_workbook([("表", ["文字"], [[p] for p in PAYLOADS])])
    formulas = [c.coordinate for row in load_workbook(io.BytesIO(content))["表"].iter_rows() for c in row
                if c.data_type == "f"]
    back = [r[0] for r in CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("表").to_python()[1:]]
    tally.check(not formulas and back == PAYLOADS, "公式样文字写成文字并原样读回", ",".join(formulas))


class Site:
    def __init__(self, base: str):
        host = urllib.parse.urlsplit(base).hostname or ""
        if not (host in ("localhost", "::1") or host.startswith("127.")):
            raise SystemExit("只对本机（127.0.0.1/localhost）运行的服务器进行探测")
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  _NoRedirect())

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None):
        req = urllib.request.Request(self.base + path if path.startswith("/") else path, data=data,
                                     headers={"Referer": self.base + "/", **(headers or {})})
        try:
            with self.opener.open(req, timeout=120) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.headers, err.read()

    def csrf(self, path: str) -> str:
        self.request(path)
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def post_form(self, path: str, fields: dict) -> tuple:
        token = self.csrf(path)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        return self.request(path, body, {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": token})

    def post_file(self, path: str, fields: dict, name: str, content: bytes) -> tuple:
        token = self.csrf(path)
        boundary = "----probe" + str(time.time_ns())
        parts = []
        for k, v in {"csrfmiddlewaretoken": token, **fields}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                     "Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(path, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}",
                                                     "X-CSRFToken": token})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def against_server(tally: Tally, tmp: Path, base: str, user: str, password: str) -> None:
    site = Site(base)
    status, _, _ = site.post_form("/accounts/login/", {"username": user, "password": password})
    if status != 302:
        raise SystemExit(f"无法以 {user} 登录（{status}）")

    print("工作簿（网页上传到名册导入）")
    for label, path in crafted_workbooks(tmp):
        if path.stat().st_size > 50 * 1024 * 1024:
            continue
        status, _, body = site.post_file("/roster/import/", {"step": "check"}, "名册.xlsx", path.read_bytes())
        alive = site.request("/")[0] in (200, 302)
        text = body.decode("utf-8", "replace")
        tally.check(status == 200 and ("无法读取文件" in text or "不是" in text) and alive, label, f"HTTP {status}")

    print("列表页与导出（从首页和菜单找到的链接）")
    pages, exports = discover(site)
    from openpyxl import load_workbook

    for url in sorted(exports):
        status, headers, body = site.request(url)
        if status != 200 or "spreadsheetml" not in headers.get("Content-Type", ""):
            continue
        formulas = [c.coordinate for ws in load_workbook(io.BytesIO(body)).worksheets for row in ws.iter_rows()
                    for c in row if c.data_type == "f"]
        tally.check(not formulas, f"导出 {url} 无公式单元格", ",".join(formulas[:5]))

    print(f"恶意查询参数（{len(pages)} 个列表页 × {len(HOSTILE_QUERIES)} 组）")
    for page in sorted(pages):
        bad = []
        for q in HOSTILE_QUERIES:
            status = site.request(page + ("&" if "?" in page else "?") + q)[0]
            if status >= 500:
                bad.append(f"{q[:30]}→{status}")
        tally.check(not bad, page, "；".join(bad[:5]))

    print("登录限制（最后进行：会锁定本机地址）")
    probe = Site(base)
    statuses = [probe.post_form("/accounts/login/", {"username": "probe-nobody", "password": f"wrong{i}"})[0]
                for i in range(8)]
    tally.check(429 in statuses, "连续登录失败后被锁定", f"状态 {statuses}")
    print("  解除本机地址的锁定：python manage.py axes_reset_ip 127.0.0.1")


def discover(site: Site) -> tuple[set[str], set[str]]:
    """List pages (links of the home page and menu, one level deeper) and export links found on them."""
    seen, pages, exports = set(), set(), set()
    frontier = ["/"]
    for depth in range(2):
        nxt = []
        for url in frontier:
            if url in seen:
                continue
            seen.add(url)
            status, headers, body = site.request(url)
            if status != 200 or "html" not in headers.get("Content-Type", ""):
                continue
            pages.add(url.split("?")[0])
            for href in re.findall(r'href="([^"#]+)"', body.decode("utf-8", "replace")):
                href = href.replace("&amp;", "&")
                if href.startswith("?"):
                    href = url.split("?")[0] + href
                if not href.startswith("/") or href.startswith(("/static", "/admin", "/accounts/logout")):
                    continue
                if "export" in href or "format=xlsx" in href or href.endswith(".xlsx"):
                    exports.add(href)
                elif href.count("/") <= 3:
                    nxt.append(href)
        frontier = nxt
    return pages, exports


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a running server on this machine, e.g. http://127.0.0.1:8002")
    parser.add_argument("--user", default="demo_admin")
    parser.add_argument("--password", default="yanshi2026")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    import django

    django.setup()
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        in_process(tally, Path(tmp))
        if args.url:
            against_server(tally, Path(tmp), args.url, args.user, args.password)
    print(f"\n{tally.held} held, {tally.failed} failed")
    return 1 if tally.failed else 0


if __name__ == "__main__":
    sys.exit(main())
