"""Scope-matrix cases for 我的任务: another user's job (the 乙街道 organiser's) is 404 to every restricted role (the county admin opens it)."""


def url_cases(world) -> dict[str, dict]:
    from dangjian.jobs.models import Job
    from dangjian.jobs.progress import jobs_dir

    job = Job.objects.create(owner=world["users"]["outsider"], kind="roster_import",
                             label=f"导入名册{world.get('marker', '')}", handler="x", status="failed",
                             result_file="none.result", result_name="x.xlsx")
    (jobs_dir() / "none.result").write_bytes(world.get("marker", "").encode())
    return {
        "jobs:list": {},
        "jobs:detail": {"pk": job.pk},
        "jobs:download": {"pk": job.pk},
    }
