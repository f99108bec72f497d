"""The governance sheets through the roster engine: all or nothing, faults by row and column."""
import datetime
import io

from openpyxl import Workbook

from dangjian.core.actor import Actor
from dangjian.governance.models import Dispute, Matter
from dangjian.roster.engine import import_workbook

D = datetime.date


def _book(sheets):
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


MATTER_HEAD = ["所在党组织", "事项名称", "事项类别", "征求意见日期", "支部委员会商议日期", "党员大会审议日期", "应到党员数",
               "实到党员数", "赞成票数", "代表会议决议日期", "决议公开日期", "结果公开日期"]


def test_a_fault_anywhere_writes_nothing_and_names_sheet_row_and_column(county):
    good = ["中共一村支部委员会", "修村道", "工程项目", D(2026, 1, 5), D(2026, 1, 10), D(2026, 1, 20), 30, 20, 16,
            D(2026, 1, 25), D(2026, 1, 26), D(2026, 3, 1)]
    after_failed = ["中共一村支部委员会", "建广场", "工程项目", D(2026, 1, 5), D(2026, 1, 10), D(2026, 1, 20), 30, 20, 15,
                    D(2026, 1, 25), None, None]
    out_of_order = ["中共一村支部委员会", "修水渠", "其他", D(2026, 1, 5), D(2026, 1, 4), None, None, None, None, None,
                    None, None]
    disputes = [["案件编号", "所在行政区划", "纠纷类别", "受理日期", "调处结果", "办结日期"],
                ["TJ1", "一村", "邻里", D(2026, 1, 5), "调处成功", D(2026, 1, 4)],
                ["TJ1", "一村", "邻里", D(2026, 1, 5), None, None]]
    data = _book({"议事事项": [MATTER_HEAD, good, after_failed, out_of_order], "纠纷调处": disputes})
    result = import_workbook(io.BytesIO(data), actor=Actor.command())
    faults = {(f.sheet, f.row, f.column) for f in result.faults}
    assert ("议事事项", 3, "代表会议决议日期") in faults
    assert ("议事事项", 4, "支部委员会商议日期") in faults
    assert ("纠纷调处", 2, "办结日期") in faults
    assert not Matter.objects.exists() and not Dispute.objects.exists()


def test_a_quorum_failure_in_the_ledger_is_a_failed_matter(county):
    row = ["中共一村支部委员会", "建广场", "工程项目", D(2026, 1, 5), D(2026, 1, 10), D(2026, 1, 20), 30, 19, 19,
           None, None, None]
    result = import_workbook(io.BytesIO(_book({"议事事项": [MATTER_HEAD, row]})), actor=Actor.command())
    assert result.faults == []
    assert Matter.objects.get().status == "failed"


def test_an_organiser_may_not_import_the_discipline_offices_register(county, users):
    data = _book({"四风案件": [["案件编号", "所在行政区划", "案件类别", "立案日期", "结案日期"],
                            ["SF1", "一村", "腐败", D(2026, 1, 5), None]]})
    result = import_workbook(io.BytesIO(data), actor=Actor(user=users["organiser"]),
                             scope_org=county["town_committee"])
    assert result.faults and "纪检监察" in result.faults[0].message


# --- Templates with another number of steps (issue 9: the procedure is a setting) ------------------------

def _short_template(users, name="本县四步程序"):
    """提议 → 审议 → 决议 → 结果公开: no 商议 and no 决议公开 (their columns stay empty)."""
    from dangjian.governance import services
    from dangjian.governance.models import ProcedureTemplate

    admin = Actor(user=users["admin"])
    steps = [d for d in ProcedureTemplate.objects.get(name="四议两公开").steps_data()
             if d["label"] not in ("两委会商议", "决议公开")]
    for n, d in enumerate(steps, start=1):
        d["order"] = n
    return services.save_template(actor=admin, name=name, steps=steps)


def _row(name, *dates_and_counts, template=None):
    return ["中共一村支部委员会", name, "工程项目", *dates_and_counts] + ([template] if template else [])


def test_a_row_under_a_shorter_template_fills_only_its_columns_and_is_decided_on_its_last(county, users):
    _short_template(users)
    head = MATTER_HEAD + ["议事程序"]
    ok = _row("修村道", D(2026, 1, 5), None, D(2026, 1, 20), 30, 20, 16, D(2026, 1, 25), None, D(2026, 3, 1),
              template="本县四步程序")
    stray = _row("建广场", D(2026, 1, 5), D(2026, 1, 6), D(2026, 1, 20), 30, 20, 16, D(2026, 1, 25), D(2026, 1, 26),
                 None, template="本县四步程序")
    unknown = _row("修水渠", D(2026, 1, 5), None, None, None, None, None, None, None, None, template="没有这个程序")
    result = import_workbook(io.BytesIO(_book({"议事事项": [head, ok, stray, unknown]})), actor=Actor.command())
    faults = {(f.row, f.column): f.message for f in result.faults}
    assert "没有记入该列的步骤" in faults[(3, "支部委员会商议日期")]
    assert "没有记入该列的步骤" in faults[(3, "决议公开日期")]
    assert "不存在" in faults[(4, "议事程序")]
    assert not Matter.objects.exists()  # all or nothing

    result = import_workbook(io.BytesIO(_book({"议事事项": [head, ok]})), actor=Actor.command())
    assert result.faults == []
    m = Matter.objects.get()
    assert m.template == "本县四步程序" and m.status == "decided" and m.decided_on == D(2026, 3, 1)
    assert [(s.number, s.label) for s in m.steps.all()] == [(1, "党组织提议"), (2, "党员大会审议"),
                                                            (3, "村（居）民代表会议决议"), (4, "实施结果公开")]
    assert m.steps.get(number=2).passed is True


def test_a_row_without_a_template_follows_the_one_in_force_and_an_existing_matter_its_own(county, users,
                                                                                         django_capture_on_commit_callbacks):
    from dangjian.governance import services

    admin = Actor(user=users["admin"])
    old = services.open_matter(actor=admin, organization=county["village_branch"], name="旧事项", category="其他",
                               opened_on=D(2026, 1, 5))
    tpl = _short_template(users)
    with django_capture_on_commit_callbacks(execute=True):
        services.activate_template(tpl, actor=admin)
    # the old matter (six steps) takes its 商议 date; a new row under the four-step template may not
    rows = [MATTER_HEAD,
            ["中共一村支部委员会", "旧事项", "其他", D(2026, 1, 5), D(2026, 1, 6), None, None, None, None, None, None, None],
            ["中共一村支部委员会", "新事项", "其他", D(2026, 1, 5), D(2026, 1, 6), None, None, None, None, None, None, None]]
    result = import_workbook(io.BytesIO(_book({"议事事项": rows})), actor=Actor.command())
    assert [(f.row, f.column) for f in result.faults] == [(3, "支部委员会商议日期")]
    del rows[2]
    result = import_workbook(io.BytesIO(_book({"议事事项": rows})), actor=Actor.command())
    assert result.faults == [] and result.counts["议事事项"]["updated"] == 1
    old.refresh_from_db()
    assert old.template == "一征三议两公开" and old.steps_done == 2
    bad = rows[:1] + [rows[1] + ["本县四步程序"]]
    result = import_workbook(io.BytesIO(_book({"议事事项": [MATTER_HEAD + ["议事程序"], *bad[1:]]})),
                             actor=Actor.command())
    assert "不能改为“本县四步程序”" in result.faults[0].message


def test_matters_under_different_templates_export_and_reimport_unchanged(county, users):
    from dangjian.governance import services
    from dangjian.roster.engine import export_workbook

    admin = Actor(user=users["admin"])
    _short_template(users)
    rows = [MATTER_HEAD + ["议事程序"],
            _row("修村道", D(2026, 1, 5), None, D(2026, 1, 20), 30, 20, 16, D(2026, 1, 25), None, D(2026, 3, 1),
                 template="本县四步程序"),
            _row("建广场", D(2026, 1, 5), D(2026, 1, 10), D(2026, 1, 20), 30, 20, 16, D(2026, 1, 25), D(2026, 1, 26),
                 D(2026, 3, 1))]
    assert import_workbook(io.BytesIO(_book({"议事事项": rows})), actor=Actor.command()).faults == []
    m = services.open_matter(actor=admin, organization=county["village_branch"], name="平台登记", category="其他",
                             opened_on=D(2026, 2, 1))
    services.record_step(m, actor=admin, number=2, date=D(2026, 2, 2))
    before = {(x.name, x.template, x.status, x.decided_on, tuple((s.number, s.date) for s in x.steps.all()))
              for x in Matter.objects.all()}
    back = import_workbook(io.BytesIO(export_workbook(None)), actor=Actor.command())
    assert back.faults == [] and back.counts["议事事项"] == {"created": 0, "updated": 0, "unchanged": 3}
    # the exported sheet, imported after the matters are gone, gives the same matters under the same templates
    data = export_workbook(None)
    Matter.objects.all().delete()
    again = import_workbook(io.BytesIO(data), actor=Actor.command())
    assert again.faults == [] and again.counts["议事事项"]["created"] == 3
    after = {(x.name, x.template, x.status, x.decided_on, tuple((s.number, s.date) for s in x.steps.all()))
             for x in Matter.objects.all()}
    assert after == before
