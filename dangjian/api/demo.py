"""The demo county's API keys, their use log, and finished background jobs on "我的任务"."""
from __future__ import annotations

import datetime

from django.utils import timezone


def populate(ctx) -> None:
    from dangjian.accounts.models import User
    from dangjian.jobs.models import Job

    from . import services
    from .models import ApiKey, ApiKeyUse

    admin = User.objects.filter(username="demo_admin").first()
    organiser = User.objects.filter(username="demo_organiser").first()
    if admin is None:
        return
    from dangjian.core.actor import Actor

    actor = Actor(user=admin, via="command")
    key, _secret = services.issue_key(actor=actor, name="演示：省党员管理信息系统", organization=ctx.root,
                                      access=ApiKey.Access.READ)
    now = timezone.now()
    ApiKeyUse.objects.bulk_create([
        ApiKeyUse(key=key, key_name=key.name, method="GET", path=path, status=200, ip_address="10.20.1.15")
        for path in ("/api/v1/register/organizations/?page=1", "/api/v1/stats/party-stats/",
                     "/api/v1/register/members/?page=1&page_size=200")])
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    if organiser is not None and organiser.organization_id:
        town = organiser.organization
        services.issue_key(actor=actor, name="演示：城关镇党建信息屏", organization=town, access=ApiKey.Access.READ)
        yesterday = now - datetime.timedelta(days=1)
        Job.objects.create(owner=organiser, kind="roster_import", label="导入名册“城关镇党员名册-演示.xlsx”",
                           handler="dangjian.roster.jobs.import_job", status=Job.Status.SUCCEEDED,
                           started_at=yesterday, finished_at=yesterday + datetime.timedelta(seconds=4),
                           total=212, checked=212, written=212,
                           message="导入完成（城关镇党员名册-演示.xlsx）：党员：新增3，更新2，未变207")
        Job.objects.create(owner=organiser, kind="roster_import", label="导入名册“城关镇补充名单-演示.xlsx”",
                           handler="dangjian.roster.jobs.import_job", status=Job.Status.FAILED,
                           started_at=now - datetime.timedelta(hours=3),
                           finished_at=now - datetime.timedelta(hours=3) + datetime.timedelta(seconds=2),
                           total=18, checked=18, written=0,
                           message="发现 2 处错误，没有导入任何数据。第一处：党员，第5行，学历：“本科”不是规定的取值。"
                                   "请下载错误清单改正后重新上传。",
                           result={"faults": [
                               {"sheet": "党员", "row": 5, "column": "学历", "message": "“本科”不是规定的取值"},
                               {"sheet": "党员", "row": 9, "column": "入党日期", "message": "入党时未满18周岁"}],
                               "fault_total": 2})
