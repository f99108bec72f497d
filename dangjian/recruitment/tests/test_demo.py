import datetime
import random

from dangjian.core.actor import Actor
from dangjian.core.extensions import DemoContext
from dangjian.recruitment import demo, todo
from dangjian.recruitment.models import Override, Recruitment, Status
from dangjian.recruitment.steps import stage_of


def test_the_demo_builds_files_at_every_stage_through_the_rules(county, elders, monkeypatch):
    monkeypatch.setattr(demo, "TOTAL", 60)
    ctx = DemoContext(rng=random.Random(7), today=datetime.date(2026, 11, 29), actor=Actor.command(),
                      root=county["root"], extra={"secretary_branch": county["village_branch"]})
    demo.populate(ctx)
    files = Recruitment.objects.all()
    assert files.count() == 60
    stages = {stage_of(r.last_step) for r in files.filter(status=Status.OPEN)}
    assert stages == {"applicant", "activist", "development_target", "admission", "probation"}
    assert files.filter(status=Status.COMPLETED).exists() and files.filter(status=Status.CANCELLED).exists()
    assert Override.objects.count() == 3
    items = todo.todo_items(Recruitment.objects.all(), ctx.today)
    assert any(i.overdue for i in items) and {"talk", "approval"} <= {i.kind for i in items}
