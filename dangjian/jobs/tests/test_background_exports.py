"""Exports over the inline row limit run as background jobs (issue 17), for every list export at once
(``core.excel.write_workbook`` + ``jobs.exports.BackgroundExportMiddleware``): within the limit the
file comes at once; past it the user is taken to the job, which writes the whole file as the same
user (same filters, same scope), records the export once, and offers the download in 我的任务."""
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.core.actor import Actor
from dangjian.core.excel import XLSX_MIME
from dangjian.core.models import AuditLog
from dangjian.core.rules import change_rule_setting
from dangjian.jobs.models import Job


@pytest.fixture
def limit(db, django_capture_on_commit_callbacks):
    def set_limit(rows):
        with django_capture_on_commit_callbacks(execute=True):  # the cached value is dropped on commit
            change_rule_setting("jobs.export_inline_rows", str(rows), actor=Actor.command())
    return set_limit


def sheet_rows(content) -> list:
    return list(load_workbook(io.BytesIO(content), read_only=True).worksheets[0].iter_rows(values_only=True))


def exported_rows(**filters):
    return AuditLog.objects.filter(action=AuditLog.Action.EXPORTED, **filters)


def test_an_export_within_the_limit_is_answered_at_once(client_for, users, county, make_member, limit):
    for _ in range(2):
        make_member(county["village_branch"])
    limit(3)  # 李党员 and the two above: three rows, at the limit
    response = client_for(users["organiser"]).get(reverse("register:member_export"))
    assert response.status_code == 200 and response["Content-Type"].startswith(XLSX_MIME)
    assert len(sheet_rows(response.content)) == 1 + 3
    assert not Job.objects.exists()


def test_an_export_past_the_limit_becomes_a_job_with_the_same_filters_and_scope(client_for, users, county,
                                                                                 make_member, limit):
    for _ in range(3):
        make_member(county["village_branch"])
    make_member(county["community_branch"], name="街道党员")  # outside the organiser's scope
    limit(3)
    client = client_for(users["organiser"])
    response = client.get(reverse("register:member_export") + "?sex=男")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    # Nothing was exported by the refused request: the only export row is the job's.
    assert job.owner == users["organiser"] and job.status == Job.Status.SUCCEEDED, job.message
    assert job.result_name.startswith("党员名册") and job.label == f"导出“{job.result_name}”"
    download = client.get(reverse("jobs:download", args=[job.pk]))
    rows = sheet_rows(b"".join(download.streaming_content))
    names = {row[0] for row in rows[1:]}
    assert len(rows) == 1 + 4 and "李党员" in names and "街道党员" not in names
    assert all(row[1] == "男" for row in rows[1:])
    assert exported_rows(object_type="register.member").count() == 1
    # The job page shows it: 我的任务 lists it with its download.
    page = client.get(reverse("jobs:list")).content.decode()
    assert job.result_name in page or job.label in page


def test_the_threshold_holds_for_other_lists_too_and_htmx_gets_hx_location(client_for, users, county, limit):
    limit(2)
    client = client_for(users["admin"])
    # Seven organisations in the county: over the limit.
    response = client.get(reverse("register:org_export"), HTTP_HX_REQUEST="true")
    job = Job.objects.get()
    assert response.status_code == 204 and response["HX-Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.SUCCEEDED and job.result_name.startswith("党组织")
    assert exported_rows(object_type="export:register:org_export").count() == 1
    limit(100)
    inline = client.get(reverse("register:org_export"))
    assert inline.status_code == 200 and Job.objects.count() == 1


def test_the_job_runs_the_view_as_its_owner(users, county, limit):
    """A job replays the URL with the owner's rights at the time it runs: refused, it fails in Chinese."""
    from dangjian.jobs.runner import submit

    job = submit(owner=users["member"], kind="export", label="导出", handler="dangjian.jobs.exports.run_export",
                 params={"path": reverse("register:member_export"), "query": "", "ip": "127.0.0.1"})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "权限" in job.message and not job.result_file
