import datetime
import random

from django.urls import reverse

from dangjian.api import demo
from dangjian.api.models import ApiKey
from dangjian.core.actor import Actor
from dangjian.core.extensions import DemoContext
from dangjian.jobs.models import Job


def test_the_demo_county_has_api_keys_and_jobs_on_their_pages(users, county, client_for):
    from dangjian.accounts.models import User

    User.objects.filter(pk=users["admin"].pk).update(username="demo_admin")
    User.objects.filter(pk=users["organiser"].pk).update(username="demo_organiser")
    ctx = DemoContext(rng=random.Random(7), today=datetime.date(2026, 11, 29), actor=Actor.command(),
                      root=county["root"])
    demo.populate(ctx)
    assert ApiKey.objects.count() == 2 and Job.objects.filter(owner=users["organiser"]).count() == 2
    admin_page = client_for(User.objects.get(username="demo_admin")).get(reverse("api:keys")).content.decode()
    assert "演示：省党员管理信息系统" in admin_page and "演示：城关镇党建信息屏" in admin_page
    jobs_page = client_for(User.objects.get(username="demo_organiser")).get(reverse("jobs:list")).content.decode()
    assert "城关镇党员名册-演示.xlsx" in jobs_page and "失败" in jobs_page
