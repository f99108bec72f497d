"""我的任务: submitting, progress while running, the result, failures in Chinese, the lease."""
import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.jobs import progress
from dangjian.jobs.models import Job
from dangjian.jobs.runner import JobFailed, JobOutcome, expire_stale_jobs, submit
from dangjian.register.models import Member
from dangjian.roster import jobs as roster_jobs
from dangjian.roster.tests.helpers import MEM, ORG, member, rows, xlsx


def workbook(n=3, **over):
    return xlsx({
        "党组织": [ORG, ["甲镇进度支部", "党支部", "中共甲镇委员会", "村", "一村", "2020-01-01", None, None]],
        "党员": rows(MEM, [member(name=f"进度{i}", org="甲镇进度支部", serial=500 + i, **over) for i in range(n)]),
    })


def submit_import(user, content, name="进度.xlsx"):
    (progress.jobs_dir() / "in.xlsx").write_bytes(content)
    return submit(owner=user, kind=roster_jobs.KIND, label=f"导入名册“{name}”", handler=roster_jobs.HANDLER,
                  params={"input": "in.xlsx", "filename": name})


def test_the_progress_of_a_running_import_is_read_from_its_page(users, client_for, monkeypatch):
    """While the import writes (inside its transaction), the job's page shows rows checked and written."""
    client = client_for(users["organiser"])
    seen = []
    original = progress.Reporter.roster_callback

    def and_look(self, stage, done, total):
        original(self, stage, done, total)
        job = Job.objects.get(pk=self.job_id)
        page = client.get(reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true",
                          HTTP_HX_TARGET="job-progress").content.decode()
        seen.append((stage, job.status, re.search(r"已检查 <strong>(\d+)</strong> 行，已写入 <strong>(\d+)</strong>", page)
                     .groups(), 'hx-trigger="every 1s"' in page))

    monkeypatch.setattr(progress.Reporter, "roster_callback", and_look)
    job = submit_import(users["organiser"], workbook(3))
    assert ("written", "running", ("4", "1"), True) in seen  # the 党组织 sheet written, 党员 not yet
    assert ("checked", "running", ("4", "0"), True) in seen
    job.refresh_from_db()
    assert job.status == "succeeded" and (job.total, job.checked, job.written) == (4, 4, 4)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "导入完成" in page and "100%" in page and "every 1s" not in page  # polling stops when done


def test_a_failed_import_says_why_in_chinese_writes_nothing_and_offers_the_fault_list(users, client_for):
    job = submit_import(users["organiser"], workbook(2, education="本科"))
    assert job.status == "failed"
    assert job.message.startswith("发现 2 处错误，没有导入任何数据") and "学历" in job.message
    assert not Member.objects.filter(name__startswith="进度").exists()
    client = client_for(users["organiser"])
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "失败原因" in page and "“本科”不是规定的取值" in page
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200 and "%E9%94%99%E8%AF%AF%E8%AF%B4%E6%98%8E" in download["Content-Disposition"]
    assert not (progress.jobs_dir() / "in.xlsx").exists()


def test_the_list_shows_only_my_jobs_with_filters_and_an_empty_state(users, client_for):
    mine = submit_import(users["organiser"], workbook(1))
    other = submit_import(users["admin"], workbook(1))
    client = client_for(users["organiser"])
    body = client.get(reverse("jobs:list")).content.decode()
    assert reverse("jobs:detail", args=[mine.pk]) in body and reverse("jobs:detail", args=[other.pk]) not in body
    assert client.get(reverse("jobs:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("jobs:download", args=[other.pk])).status_code == 404
    assert "还没有后台任务" in client.get(reverse("jobs:list") + "?status=failed").content.decode()
    assert "还没有后台任务" in client_for(users["secretary"]).get(reverse("jobs:list")).content.decode()


def test_a_running_job_without_heartbeat_for_the_lease_fails(users, settings):
    settings.DANGJIAN_JOB_LEASE_SECONDS = 30
    job = Job.objects.create(owner=users["admin"], kind="x", label="x", handler="x", status="running",
                             started_at=timezone.now() - datetime.timedelta(seconds=31))
    fresh = Job.objects.create(owner=users["admin"], kind="x", label="y", handler="x", status="running",
                               started_at=timezone.now())
    assert expire_stale_jobs() == 1
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == "failed" and "30 秒没有心跳" in job.message and fresh.status == "running"


def boom(job, reporter):
    raise RuntimeError("unexpected")


def refuse(job, reporter):
    raise JobFailed("范围不对")


def fine(job, reporter):
    reporter.update("写入中", total=2, checked=2, written=2)
    return JobOutcome("好了", file=b"abc", file_name="结果.txt")


@pytest.mark.parametrize("handler,status,message", [
    ("boom", "failed", "意外错误"), ("refuse", "failed", "范围不对"), ("fine", "succeeded", "好了")])
def test_any_handler_ends_in_a_status_and_a_chinese_message(users, handler, status, message):
    job = submit(owner=users["admin"], kind="t", label="t", handler=f"{__name__}.{handler}")
    assert job.status == status and message in job.message
    if handler == "fine":
        assert (progress.jobs_dir() / job.result_file).read_bytes() == b"abc"


def test_the_roster_export_runs_as_a_job_and_its_file_is_downloaded(users, client_for):
    client = client_for(users["organiser"])
    response = client.post(reverse("roster:export_job"))
    job = Job.objects.get(owner=users["organiser"], kind="roster_export")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == "succeeded" and job.result_name.endswith(".xlsx")
    download = client.get(reverse("jobs:download", args=[job.pk]))
    from openpyxl import load_workbook
    import io

    wb = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    names = [row[0].value for row in wb["党员"].iter_rows(min_row=2)]
    assert "李党员" in names
    assert client_for(users["member"]).post(reverse("roster:export_job")).status_code == 403
