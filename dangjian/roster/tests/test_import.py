"""Import behaviour users count on: all or nothing, idempotent, updates audited, export round trip."""
import datetime
import io
from pathlib import Path

from python_calamine import CalamineWorkbook

from dangjian.core.actor import Actor
from dangjian.core.models import AuditLog
from dangjian.register.models import Division, Member, Organization
from dangjian.roster.engine import export_workbook, import_workbook

from .helpers import MEM, ORG, RECENT_JOINED, member, new_county_sheets, xlsx

# The repository's copy of the shared sample (the statistics tests use the same file).
SAMPLE = Path(__file__).resolve().parents[2] / "stats" / "tests" / "data" / "sample-county.xlsx"


def run(sheets, **kwargs):
    kwargs.setdefault("actor", Actor.command())
    return import_workbook(xlsx(sheets) if isinstance(sheets, dict) else sheets, **kwargs)


def test_it_writes_nothing_when_the_last_member_row_is_faulty(db):
    members = [member(serial=200 + i, name=f"党员{i}") for i in range(5)]
    members[-1]["学历"] = "本科"
    result = run(new_county_sheets(members))
    assert [(f.sheet, f.row, f.column) for f in result.faults] == [("党员", 6, "学历")]
    assert (Division.objects.count(), Organization.objects.count(), Member.objects.count(), AuditLog.objects.count()) == (
        0, 0, 0, 0)


def test_it_writes_a_clean_workbook_with_audit_rows_naming_the_actor(users):
    actor = Actor(user=users["admin"], ip_address="10.0.0.7")
    result = run(new_county_sheets(), actor=actor, filename="新县名册.xlsx")
    assert result.ok
    imported = AuditLog.objects.get(action="imported")
    assert imported.actor == users["admin"] and imported.ip_address == "10.0.0.7"
    assert "新县名册.xlsx" in imported.note and "党员：新增2" in imported.note
    zhang = Member.objects.get(name="张三")
    row = AuditLog.objects.get(object_type="register.member", object_id=str(zhang.pk))
    assert row.action == "created" and row.actor == users["admin"]
    assert row.changes == {
        "name": [None, "张三"], "sex": [None, zhang.sex], "ethnicity": [None, zhang.ethnicity],
        "birth_date": [None, zhang.birth_date.isoformat()], "education": [None, zhang.education],
        "occupation": [None, zhang.occupation], "organization": [None, "中共新村支部委员会"],
        "joined_on": [None, zhang.joined_on.isoformat()],
        "full_on": [None, zhang.full_on.isoformat() if zhang.full_on else None], "status": [None, "正常"],
        "is_floating": [None, zhang.is_floating], "under_party_probation": [None, False],
        "id_number": [None, zhang.id_number_masked], "phone": [None, "139****0000"]}
    assert row.changes["id_number"][1].startswith("4199") and "*" in row.changes["id_number"][1]
    assert zhang.id_number not in str(row.changes)
    assert AuditLog.objects.filter(action="created").count() == 3 + 4 + 2
    village = Organization.objects.get(name="中共新村支部委员会")
    assert village.parent.name == "中共新镇委员会" and village.path.startswith(village.parent.path)
    assert village.depth == 3 and village.division.name == "新村" and village.founded_on == datetime.date(2003, 3, 3)
    li = Member.objects.get(name="李四")
    assert (li.full_on, li.is_floating, li.phone, li.status) == (None, True, "", "正常")
    assert zhang.phone == "13912340000" and "13912340000" not in zhang.phone_encrypted


def test_it_changes_nothing_when_the_same_workbook_is_imported_again(db):
    content = xlsx(new_county_sheets())
    assert run(content).ok
    before = AuditLog.objects.count()
    snapshot = list(Member.objects.values_list("pk", "name", "organization_id", "joined_on", "updated_at"))
    again = run(content)
    assert again.counts == {
        "行政区划": {"created": 0, "updated": 0, "unchanged": 3},
        "党组织": {"created": 0, "updated": 0, "unchanged": 4},
        "党员": {"created": 0, "updated": 0, "unchanged": 2},
    }
    assert AuditLog.objects.count() == before + 1  # only the "imported" row
    assert list(Member.objects.values_list("pk", "name", "organization_id", "joined_on", "updated_at")) == snapshot


def test_it_updates_changed_rows_and_audits_old_and_new_values(db):
    assert run(new_county_sheets()).ok
    sheets = new_county_sheets([member(education="硕士研究生", phone="13700000000"),
                                member(name="李四", sex="女", serial=101, birth=datetime.date(1990, 8, 9),
                                       joined=RECENT_JOINED, full=None, floating="是", phone=None)])
    sheets["党组织"][3][ORG.index("书记")] = "周书记"
    result = run(sheets)
    assert result.counts["党员"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert result.counts["党组织"] == {"created": 0, "updated": 1, "unchanged": 3}
    zhang = Member.objects.get(name="张三")
    assert zhang.education == "硕士研究生" and zhang.phone == "13700000000"
    row = AuditLog.objects.get(action="changed", object_type="register.member")
    assert row.changes["education"] == ["大学本科", "硕士研究生"]
    assert row.changes["phone"] == ["139****0000", "137****0000"]
    org_row = AuditLog.objects.get(action="changed", object_type="register.organization")
    assert org_row.changes == {"secretary_name": ["", "周书记"]}
    assert Organization.objects.get(name="中共新村支部委员会").secretary_name == "周书记"


def test_it_moves_an_organisation_whose_parent_changed_with_its_subtree(county, make_member):
    m = make_member(county["village_branch"], name="随迁党员")
    sheets = {"党组织": [ORG, ["中共一村支部委员会", "党支部", "中共乙街道工作委员会", "村", "一村", None, None, None]]}
    result = run(sheets)
    assert result.counts["党组织"] == {"created": 0, "updated": 1, "unchanged": 0}
    branch = Organization.objects.get(name="中共一村支部委员会")
    street = county["street_committee"]
    assert branch.parent_id == street.pk and branch.path.startswith(street.path) and branch.depth == 3
    assert Member.objects.in_subtree(street).filter(pk=m.pk).exists()
    moved = AuditLog.objects.get(action="moved", object_type="register.organization")
    assert moved.changes == {"parent": ["中共甲镇委员会", "中共乙街道工作委员会"]}
    # The tree stays consistent: the old parent's subtree no longer holds it.
    assert not Organization.objects.subtree(county["town_committee"]).filter(pk=branch.pk).exists()


def test_it_creates_a_new_child_under_an_organisation_moved_in_the_same_workbook(county):
    sheets = {"党组织": [ORG,
                      ["中共一村支部委员会", "党支部", "中共乙街道工作委员会", "村", "一村", None, None, None],
                      ["新总支", "党总支", "中共乙街道工作委员会", "社区", "幸福社区", None, None, None],
                      ["新总支第一支部", "党支部", "新总支", "社区", "幸福社区", None, None, None]]}
    assert run(sheets).ok
    child = Organization.objects.get(name="新总支第一支部")
    assert child.path.startswith(Organization.objects.get(name="新总支").path) and child.depth == 4
    paths = list(Organization.objects.values_list("path", flat=True))
    assert len(paths) == len(set(paths))


def test_it_reports_planned_counts_on_a_dry_run_and_writes_nothing(db):
    result = run(new_county_sheets(), dry_run=True)
    assert result.ok and result.counts["党员"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert not Member.objects.exists() and not AuditLog.objects.exists()


def _member_facts():
    return sorted((m.name, m.sex, m.ethnicity, m.id_number, m.birth_date, m.education, m.occupation,
                   m.organization.name, m.joined_on, m.full_on, m.status, m.phone, m.is_floating)
                  for m in Member.objects.select_related("organization"))


def test_it_reimports_an_export_to_the_same_data(county, users, make_member):
    make_member(county["village_branch"], name="王一", full=None,
                joined=datetime.date.today() - datetime.timedelta(days=100))
    make_member(county["firm_branch"], name="赵二", sex="女", status="停止党籍", is_floating=True)
    make_member(county["community_branch"], name="钱三")
    facts = _member_facts()
    orgs = sorted(Organization.objects.values_list("name", "org_type", "parent__name", "division__name", "path"))
    content = export_workbook(users["admin"])
    assert AuditLog.objects.filter(action="exported", actor=users["admin"]).count() == 1
    # Nothing changes when it comes straight back …
    again = import_workbook(content, actor=Actor(user=users["admin"]))
    assert again.ok, again.faults
    assert all(c["created"] == 0 and c["updated"] == 0 for c in again.counts.values()), again.counts
    # … and the members are recreated exactly when they were lost.
    Member.objects.all().delete()
    restored = import_workbook(content, actor=Actor(user=users["admin"]))
    assert restored.counts["党员"]["created"] == len(facts)
    assert _member_facts() == facts
    assert sorted(Organization.objects.values_list("name", "org_type", "parent__name", "division__name", "path")) == orgs


def test_it_exports_only_the_users_scope_with_masked_numbers(county, users, make_member):
    inside = make_member(county["village_branch"], name="镇内党员")
    make_member(county["community_branch"], name="街道党员")
    wb = CalamineWorkbook.from_filelike(io.BytesIO(export_workbook(users["organiser"])))
    assert "行政区划" not in wb.sheet_names
    members = wb.get_sheet_by_name("党员").to_python()
    names = [r[0] for r in members[1:]]
    assert "镇内党员" in names and "街道党员" not in names
    row = members[1 + names.index("镇内党员")]
    assert row[MEM.index("公民身份号码")] == inside.id_number_masked != inside.id_number
    orgs = [r[0] for r in wb.get_sheet_by_name("党组织").to_python()[1:]]
    assert "中共甲镇委员会" in orgs and "中共乙街道工作委员会" not in orgs
    full = CalamineWorkbook.from_filelike(io.BytesIO(export_workbook(users["admin"])))
    admin_rows = full.get_sheet_by_name("党员").to_python()
    assert inside.id_number in [r[MEM.index("公民身份号码")] for r in admin_rows]


def test_it_exports_id_numbers_as_text_cells(county, users, make_member):
    from openpyxl import load_workbook

    make_member(county["village_branch"], name="文本号码")
    ws = load_workbook(io.BytesIO(export_workbook(None)))["党员"]
    cell = ws.cell(row=2, column=MEM.index("公民身份号码") + 1)
    assert cell.data_type == "s" and cell.number_format == "@"


def test_it_imports_the_sample_county_cleanly(db):
    wb = CalamineWorkbook.from_path(str(SAMPLE))

    def data_rows(name):
        return sum(1 for r in wb.get_sheet_by_name(name).to_python()[1:] if any(str(v).strip() for v in r))

    expected = {name: data_rows(name) for name in ("行政区划", "党组织", "党员")}
    result = import_workbook(SAMPLE, actor=Actor.command(), filename=SAMPLE.name)
    assert result.ok, result.faults[:5]
    assert Division.objects.count() == expected["行政区划"]
    assert Organization.objects.count() == expected["党组织"]
    assert Member.objects.count() == expected["党员"]
    assert import_workbook(SAMPLE, actor=Actor.command()).counts["党员"] == {
        "created": 0, "updated": 0, "unchanged": expected["党员"]}
