"""我的任务: the user's background jobs, a job's progress (htmx polling while it runs), the result."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dangjian.core.scope import get_for_user_or_404

from . import progress
from .models import Job
from .runner import expire_stale_jobs, live_state

PER_PAGE = 20


@login_required
@require_GET
def job_list(request):
    expire_stale_jobs()
    jobs = Job.objects.for_user(request.user).filter(owner=request.user)
    status = request.GET.get("status", "")
    if status in Job.Status.values:
        jobs = jobs.filter(status=status)
    page = Paginator(jobs, PER_PAGE).get_page(request.GET.get("page"))
    rows = [(job, live_state(job)) for job in page]
    return render(request, "jobs/list.html", {"page": page, "rows": rows, "status": status,
                                              "statuses": Job.Status.choices})


@login_required
@require_GET
def job_detail(request, pk: int):
    job = get_for_user_or_404(Job.objects, request.user, pk=pk)
    if not job.finished:
        expire_stale_jobs()
        job.refresh_from_db()
    context = {"job": job, "state": live_state(job)}
    if request.htmx and request.htmx.target == "job-progress":
        # The progress card's own polling; an htmx navigation here (HX-Location) gets the whole page.
        return render(request, "jobs/partials/progress.html", context)
    return render(request, "jobs/detail.html", context)


@login_required
@require_GET
def job_download(request, pk: int):
    job = get_for_user_or_404(Job.objects, request.user, pk=pk)
    if not job.result_file:
        raise Http404("该任务没有可下载的结果")
    path = progress.jobs_dir() / job.result_file
    if not path.exists():
        raise Http404("结果文件已被清理")
    return FileResponse(open(path, "rb"), as_attachment=True, filename=job.result_name or path.name)
