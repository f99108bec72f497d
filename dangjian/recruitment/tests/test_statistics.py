"""The recruitment block against a hand-counted fixture, through ``party_stats`` itself."""
import datetime
import io
import json

import pytest
from django.core.management import call_command

from dangjian.conftest import make_id_number
from dangjian.recruitment.models import Recruitment, Status
from dangjian.recruitment.statistics import recruitment as block

D = datetime.date


@pytest.fixture
def files(county):
    serial = iter(range(100, 200))

    def mk(org, last_step, *, sex="男", birth=D(1990, 1, 1), education="高中", applied=D(2023, 3, 1), approved=None,
           status=Status.OPEN):
        r = Recruitment(name=f"人{last_step}", sex=sex, birth_date=birth, education=education, occupation="工人",
                        organization=county[org], applied_on=applied, approved_on=approved, last_step=last_step,
                        status=status)
        r.id_number = make_id_number(birth, sex, next(serial), region="419907")
        r.save()
        return r

    # Approved (⑰) in 2025: A female 本科 aged 34; B male 高中 aged 36 in a 两新 branch, completed;
    # C female 大专 aged 35 (36 the day after ⑰) in the 两新 branch, later cancelled.
    mk("village_branch", 19, sex="女", birth=D(1990, 6, 1), education="大学本科", approved=D(2025, 3, 1))
    mk("firm_branch", 25, birth=D(1989, 3, 1), approved=D(2025, 3, 1), status=Status.COMPLETED)
    mk("firm_branch", 20, sex="女", birth=D(1989, 3, 2), education="大学专科", applied=D(2024, 3, 1),
       approved=D(2025, 3, 1), status=Status.CANCELLED)
    # Outside the period.
    mk("community_branch", 17, education="硕士研究生", approved=D(2024, 12, 31))
    mk("village_branch", 18, approved=D(2026, 1, 1))
    # Under way, by stage.
    for step in (1, 2, 6, 7, 12):
        mk("village_branch", step)


def test_it_counts_the_admitted_in_the_period_by_hand(county, files):
    got = block(None, D(2025, 12, 31), D(2025, 1, 1), D(2025, 12, 31))
    assert (got["admitted"], got["admitted_female"], got["admitted_35_and_under"], got["admitted_college_or_above"],
            got["admitted_two_new"]) == (3, 2, 2, 2, 2)
    assert got["average_days_to_admission"] == round((731 + 731 + 365) / 3, 1)
    assert got["stage_counts"] == {"applicant": 2, "activist": 1, "development_target": 1, "admission": 3,
                                   "probation": 1}


def test_the_period_bounds_are_inclusive(county, files):
    assert block(None, D(2025, 3, 1), D(2025, 3, 1), D(2025, 3, 1))["admitted"] == 3
    assert block(None, D(2025, 3, 1), D(2025, 3, 2), D(2025, 12, 31))["admitted"] == 0
    assert block(None, D(2024, 12, 31), D(2024, 12, 31), D(2024, 12, 31))["admitted"] == 1


def test_it_counts_only_the_subtree(county, files):
    town = block(county["town_committee"], D(2025, 12, 31), D(2025, 1, 1), D(2025, 12, 31))
    assert town["admitted"] == 3 and town["stage_counts"]["admission"] == 2  # ⑫ and ⑱, not the community's ⑰
    street = block(county["street_committee"], D(2025, 12, 31), D(2024, 1, 1), D(2025, 12, 31))
    assert street["admitted"] == 1 and street["stage_counts"]["admission"] == 1 and street["admitted_two_new"] == 0


def test_party_stats_prints_the_block_for_the_period(county, files):
    out = io.StringIO()
    call_command("party_stats", "--json", "--as-of", "2025-12-31", "--from", "2025-01-01", "--to", "2025-12-31",
                 stdout=out)
    data = json.loads(out.getvalue())["recruitment"]
    assert data["admitted"] == 3 and data["admitted_two_new"] == 2 and data["stage_counts"]["applicant"] == 2


def test_the_statistics_page_shows_the_block(county, files, users, client_for):
    page = client_for(users["admin"]).get("/stats/", {"as_of": "2025-12-31"}).content.decode()
    assert "审批发展党员" in page and "平均用时" in page


def test_the_annual_tables_count_by_the_approving_committee(county, files):
    """党内统计 counts a new member where the committee that approved ⑰ (㉔ for full membership) stands; a
    file whose step names no committee (imported history) counts at its own branch."""
    from dangjian.recruitment.models import StepRecord

    period = (D(2025, 12, 31), D(2025, 1, 1), D(2025, 12, 31))
    village_file = Recruitment.objects.get(organization=county["village_branch"], approved_on=D(2025, 3, 1))
    # The village branch's file was approved by the 街道党工委 (say, after the village was re-attached).
    StepRecord.objects.create(recruitment=village_file, step=17, date=D(2025, 3, 1),
                              committee=county["street_committee"])
    town = block(county["town_committee"], *period)
    street = block(county["street_committee"], *period)
    branch = block(county["village_branch"], *period)
    assert (town["admitted"], town["admitted_by_approving_body"]) == (3, 2)  # the two firm files have no ⑰ row
    assert (street["admitted"], street["admitted_by_approving_body"]) == (0, 1)
    assert branch["admitted_by_approving_body"] == 0  # a branch approves nobody
    assert block(None, *period)["admitted_by_approving_body"] == 3
    # ㉔: full membership counted by its approving committee, on the day before / of the period's end.
    village_file.full_on = D(2025, 12, 31)
    village_file.save()
    StepRecord.objects.create(recruitment=village_file, step=24, date=D(2025, 12, 31),
                              committee=county["town_committee"])
    assert block(county["town_committee"], *period)["full_by_approving_body"] == 1
    assert block(county["street_committee"], *period)["full_by_approving_body"] == 0
    assert block(county["town_committee"], D(2026, 1, 1), D(2026, 1, 1), D(2026, 12, 31))["full_by_approving_body"] == 0
