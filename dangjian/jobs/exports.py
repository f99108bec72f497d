"""Large exports in the background, for every list at once.

Every list's Excel export writes through ``core.excel.write_workbook``. ``BackgroundExportMiddleware``
sets its row limit (rule setting ``jobs.export_inline_rows``) for each web GET; an export within it
is answered at once, as before. One that goes past it stops (``TooManyRows``, before anything is
sent), and the middleware submits the same URL as a job (``run_export``): a worker calls the same
view as the same user — the view's own role and scope checks run again — without the limit, reports
the rows written, records the ``exported`` audit row, and keeps the file for 我的任务. The user is
taken to the job's page (progress bar, then the download)."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import Resolver404, resolve, reverse

from dangjian.core import excel
from dangjian.core.actor import Actor
from dangjian.core.rules import get_setting
from dangjian.core.views_helpers import htmx_redirect

from .runner import JobFailed, JobOutcome, submit

KIND = "export"
HANDLER = "dangjian.jobs.exports.run_export"


def inline_limit() -> int:
    return int(get_setting("jobs.export_inline_rows"))


class BackgroundExportMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "GET" or request.path.startswith("/api/"):
            return self.get_response(request)
        token = excel.ROW_LIMIT.set(inline_limit if getattr(request, "user", None) and
                                    request.user.is_authenticated else None)
        try:
            return self.get_response(request)
        finally:
            excel.ROW_LIMIT.reset(token)

    def process_exception(self, request, exception):
        if not isinstance(exception, excel.TooManyRows):
            return None
        excel.ROW_LIMIT.set(None)  # the job (run at once by a test's immediate backend) has no limit
        job = submit(owner=request.user, kind=KIND, label=f"导出 Excel（超过 {exception.limit} 行，后台生成）",
                     handler=HANDLER, params={"path": request.path, "query": request.META.get("QUERY_STRING", ""),
                                              "ip": Actor.from_request(request).ip_address})
        messages.info(request, f"要导出的数据超过 {exception.limit} 行，已转为后台任务；完成后在本页下载。")
        return htmx_redirect(request, reverse("jobs:detail", args=[job.pk]))


def run_export(job, reporter) -> JobOutcome:
    """The export URL replayed as its owner, without the inline limit."""
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory
    from django_htmx.middleware import HtmxDetails

    from dangjian.core.exports import _filename, record_export

    params = job.params or {}
    path, query = params.get("path", ""), params.get("query", "")
    try:
        match = resolve(path)
    except Resolver404:
        raise JobFailed("导出地址已不存在，请回到列表页重新导出。") from None
    request = RequestFactory().get(path + ("?" + query if query else ""), REMOTE_ADDR=params.get("ip") or "127.0.0.1")
    request.user = job.owner
    request.htmx = HtmxDetails(request)
    request._messages = CookieStorage(request)
    reporter.update("导出中")
    limit_token = excel.ROW_LIMIT.set(None)
    rows_token = excel.ON_ROWS.set(lambda n: reporter.update(f"导出中（已写入 {n} 行）", written=n))
    try:
        response = match.func(request, *match.args, **match.kwargs)
    except (PermissionDenied, Http404):
        raise JobFailed("导出没有完成：您已没有该列表的权限，或要导出的对象已不存在。") from None
    finally:
        excel.ROW_LIMIT.reset(limit_token)
        excel.ON_ROWS.reset(rows_token)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith(excel.XLSX_MIME):
        raise JobFailed("导出没有完成：您可能已没有该列表的权限，或筛选条件已失效。请回到列表页重新导出。")
    if not getattr(response, "audited", False):
        record_export(request, response)
    name = _filename(response) or "导出.xlsx"
    job.label = f"导出“{name}”"[:200]  # saved with the outcome
    return JobOutcome(message="导出完成，请下载。",
                      file=response.content, file_name=name)
