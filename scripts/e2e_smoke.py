"""Browser smoke test of a running server: every demo role logs in and opens its main pages.

Run it by hand (it is not part of ``make test``) against a server holding the demo county::

    export DATABASE_URL=sqlite:////tmp/e2e.sqlite3
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_demo --members 5000
    .venv/bin/python manage.py runserver 127.0.0.1:8770 --noreload &
    .venv/bin/python scripts/e2e_smoke.py http://127.0.0.1:8770 [--password yanshi2026] [--shots /tmp/shots]

Needs Playwright in the venv only (``.venv/bin/pip install playwright==1.65.2``; it is not in
requirements) and a Chromium at /usr/bin/chromium (``apt-get install chromium fonts-wqy-microhei``).

For each role (demo_admin, demo_organiser, demo_street, demo_secretary at 1366x900; demo_member on a
390x844 phone) it logs in, opens the role's list pages and the first record linked from several of
them, and FAILS (exit status 1) on:
- any response with HTTP status >= 500 (the page itself or anything it loads, htmx requests included),
- a page answering >= 400 (403/404: a menu or link that leads nowhere for that role),
- a console error or an uncaught script error,
- the statistics page without its ECharts charts (a <canvas> per chart, with something drawn on it),
- a login that does not get past the login page.
Visible English words (labels, placeholders) are reported as warnings, not failures.
It only reads: it never submits a form other than the login and the roster import's 预检 (a dry run), with
which the importing roles check that their own export comes back with no error and no change (issue 14).
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

STAFF_PAGES = [
    "/", "/register/orgs/", "/register/members/", "/register/members/?page=2", "/recruitment/",
    "/recruitment/candidates/", "/orglife/", "/orglife/compliance/", "/orglife/bulletin/", "/orglife/groups/",
    "/orglife/bases/", "/orglife/bookings/", "/orglife/activities/new/", "/transfers/", "/transfers/new/",
    "/transfers/floating/", "/stats/", "/notifications/",
    "/assessment/", "/assessment/problems/", "/assessment/debriefs/", "/assessment/lists/", "/assessment/meetings/",
    "/assessment/decisions/", "/assessment/uses/",
    "/governance/matters/", "/governance/matters/new/", "/governance/disputes/", "/governance/disputes/new/",
    "/governance/requests/", "/governance/requests/new/", "/governance/catalogue/",
]
ORGANISER_PAGES = STAFF_PAGES + ["/orglife/reviews/", "/recruitment/overrides/", "/roster/import/",
                                 "/notifications/outbox/"]
ADMIN_PAGES = ORGANISER_PAGES + ["/governance/cases/", "/governance/catalogue/new/", "/governance/templates/", "/register/divisions/", "/accounts/users/", "/audit/", "/settings/rules/",
                                 "/notifications/templates/"]
ROLES = {
    "demo_admin": (DESKTOP, ADMIN_PAGES),
    "demo_organiser": (DESKTOP, ORGANISER_PAGES),
    "demo_street": (DESKTOP, ORGANISER_PAGES),
    "demo_secretary": (DESKTOP, STAFF_PAGES + ["/recruitment/overrides/"]),
    "demo_member": (PHONE, ["/", "/me/", "/me/transfer/", "/notifications/",
                            "/governance/catalogue/", "/governance/public/"]),
    "demo_jiwei": (DESKTOP, ["/", "/governance/cases/", "/governance/cases/new/"]),
}
# From these lists, also open the first record they link to (a link whose address matches).
FOLLOW = {
    "/register/orgs/": r"^/register/orgs/\d+/$",
    "/register/members/": r"^/register/members/\d+/$",
    "/recruitment/candidates/": r"^/recruitment/\d+/$",
    "/orglife/": r"^/orglife/activities/\d+/$",
    "/orglife/bases/": r"^/orglife/bases/\d+/$",
    "/transfers/": r"^/transfers/\d+/$",
    "/transfers/floating/": r"^/transfers/floating/\d+/$",
    "/assessment/": r"^/assessment/plans/\d+/$",
    "/assessment/problems/": r"^/assessment/problems/\d+/$",
    "/assessment/debriefs/": r"^/assessment/debriefs/\d+/$",
    "/assessment/meetings/": r"^/assessment/meetings/\d+/$",
    "/governance/matters/": r"^/governance/matters/\d+/$",
    "/governance/disputes/": r"^/governance/disputes/\d+/$",
    "/governance/cases/": r"^/governance/cases/\d+/$",
}
CHART_PAGES = {"/stats/"}
ALLOWED_WORDS = {"xlsx", "docx", "Excel", "Word", "PDF", "JPG", "PNG", "ID", "SMS"}
DEMO_LOGINS = re.compile(r"^demo_\w+$")


@dataclass
class Result:
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pages: int = 0


def english_words(page) -> set[str]:
    text = page.evaluate("""() => document.body.innerText + ' ' + Array.from(
        document.querySelectorAll('[placeholder]')).map(e => e.getAttribute('placeholder')).join(' ')""")
    words = set(re.findall(r"\b[A-Za-z][A-Za-z_]{2,}\b", text))
    return {w for w in words - ALLOWED_WORDS if not DEMO_LOGINS.match(w)}


def chart_problems(page) -> list[str]:
    """Each ECharts container must hold a canvas with something drawn on it."""
    page.wait_for_timeout(500)  # ECharts draws after its first animation frame
    charts = page.evaluate("""() => Array.from(document.querySelectorAll('[_echarts_instance_]')).map(div => {
        const c = div.querySelector('canvas');
        if (!c) return -1;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
        return n; })""")
    if not charts:
        return ["no ECharts chart on the page"]
    return [f"chart {i + 1}: " + ("no canvas" if n < 0 else "empty canvas") for i, n in enumerate(charts) if n <= 0]


def run_role(browser, base: str, user: str, password: str, viewport: dict, paths: list[str], shots: str | None,
             result: Result) -> None:
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console error: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status} {r.url}") if r.status >= 500 else None)

    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("form button.btn-danger")
    page.wait_for_load_state("networkidle")
    if "/accounts/login/" in page.url:
        result.failures.append(f"{user}: login failed")
        context.close()
        return

    queue = list(paths)
    seen: set[str] = set()
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        problems.clear()
        response = page.goto(base + path)
        page.wait_for_load_state("networkidle")
        status = response.status if response else 0
        result.pages += 1
        where = f"{user} {path}"
        if status >= 400:
            problems.append(f"HTTP {status}")
        if path in CHART_PAGES:
            problems.extend(chart_problems(page))
        words = english_words(page)
        if words:
            result.warnings.append(f"{where}: English words shown: {', '.join(sorted(words))}")
        if shots:
            name = re.sub(r"[^A-Za-z0-9]+", "_", f"{user}{path}").strip("_")
            page.screenshot(path=f"{shots}/{name}.png", full_page=False)
        for problem in problems:
            result.failures.append(f"{where}: {problem}")
        print(f"{'FAIL' if problems else 'ok  '} {status} {where}" + (f"  ({'; '.join(problems)})" if problems else ""))
        if path in FOLLOW:
            links = page.evaluate("() => Array.from(document.querySelectorAll('main a[href]')).map(a => a.getAttribute('href'))")
            target = next((h for h in links if re.match(FOLLOW[path], h.split("?")[0])), None)
            if target:
                queue.insert(0, target)
    if user in ROUND_TRIP_ROLES:
        round_trip(page, base, user, result)
    context.close()


# Issue 14: the roles that import take their own export (masked numbers for an organiser) back through
# the import page's 预检 (a dry run: nothing is written) and must get no error and no change.
ROUND_TRIP_ROLES = ("demo_admin", "demo_organiser", "demo_street")


def round_trip(page, base: str, user: str, result: Result) -> None:
    where = f"{user} roster round trip"
    exported = page.request.get(base + "/roster/export/", timeout=600_000)
    if exported.status != 200:
        result.failures.append(f"{where}: export answered HTTP {exported.status}")
        return
    page.goto(base + "/roster/import/")
    page.set_input_files("input[name=file]", files=[{
        "name": "roundtrip.xlsx", "buffer": exported.body(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.click("form button.btn-danger")
    page.wait_for_function("() => /预检通过|处错误/.test(document.body.innerText)", timeout=600_000)
    text = page.inner_text("body")
    result.pages += 1
    if "预检通过" not in text:
        result.failures.append(f"{where}: the export did not pass its own check")
        print(f"FAIL {where}")
        return
    # The result table: 工作表 | 新增 | 更新 | 未变.
    rows = page.eval_on_selector_all(
        "table tbody tr", "trs => trs.map(tr => Array.from(tr.cells).map(td => td.innerText.trim()))")
    changed = [r for r in rows if len(r) == 4 and (r[1] not in ("0", "") or r[2] not in ("0", ""))]
    if changed:
        result.failures.append(f"{where}: re-import would change data: {changed}")
        print(f"FAIL {where}: {changed}")
        return
    print(f"ok   {where}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the running server, e.g. http://127.0.0.1:8770")
    parser.add_argument("--password", default="yanshi2026", help="the demo accounts' password (load_demo prints it)")
    parser.add_argument("--shots", help="a directory to save a screenshot of every page in")
    parser.add_argument("--role", action="append", choices=sorted(ROLES), help="only these roles (repeatable)")
    args = parser.parse_args(argv)
    base = args.url.rstrip("/")
    result = Result()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for user in args.role or ROLES:
            viewport, paths = ROLES[user]
            run_role(browser, base, user, args.password, viewport, paths, args.shots, result)
        browser.close()
    print(f"\n{result.pages} pages opened, {len(result.failures)} failures, {len(result.warnings)} warnings")
    for w in result.warnings:
        print("WARNING", w)
    for f in result.failures:
        print("FAILURE", f)
    return 1 if result.failures else 0


if __name__ == "__main__":
    sys.exit(main())
