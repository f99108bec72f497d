"""The statistics page, as each role: its scope, its figures (the same as party_stats), its states."""
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dangjian.core.extensions import StatsBlock, stats_blocks
from dangjian.stats.services import compute_party_stats

from .conftest import AS_OF

INDEX = reverse("stats:index")


def command_json(*args) -> dict:
    out = io.StringIO()
    call_command("party_stats", *args, "--as-of", "2026-06-30", "--json", stdout=out)
    return json.loads(out.getvalue())


def page(client, **params):
    return client.get(INDEX, {"as_of": "2026-06-30", **params})


def chart_data(response) -> list[dict]:
    found = re.search(r'<script id="stats-chart-data" type="application/json">(.*?)</script>',
                      response.content.decode(), re.S)
    assert found, "the page carries its chart data in a json_script"
    return json.loads(found.group(1))


def test_it_shows_the_county_admin_the_whole_county_with_the_commands_figures(world, users, client_for):
    response = page(client_for(users["admin"]))

    assert response.status_code == 200
    report = response.context["report"]
    assert report.scope_org == world["root"]
    page_stats = json.loads(json.dumps(report.stats, default=str))
    assert page_stats == command_json("--org", "中共测试县委员会")
    whole = command_json()
    for key in ("divisions", "organizations", "members"):
        assert page_stats[key] == whole[key]
    assert page_stats["members"]["total"] == 17  # the world's 16, and the users fixture's 李党员


def test_it_fills_in_the_reports_first_paragraph(world, users, client_for):
    response = page(client_for(users["admin"]))

    assert ("测试县辖1个乡、1个镇、1个街道，2个村、2个社区（其中城市社区1个，村改居社区1个）。"
            "全县共设基层党组织10个，其中党（工）委3个、党总支1个、联合党支部1个，党支部5个，党员17名。"
            ) in response.content.decode()


def test_it_shows_the_organiser_their_committees_subtree(world, users, client_for):
    response = page(client_for(users["organiser"]))

    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["report"].scope_org == world["town_committee"]
    assert response.context["report"].stats["members"]["total"] == 15
    assert "甲镇某公司党支部" in content  # a sub-organisation they may pick
    assert "乙街道" not in content and "丙乡" not in content
    assert "甲镇辖1个村、0个社区（其中城市社区0个，村改居社区0个）。中共甲镇委员会共设基层党组织3个" in content


def test_it_links_the_export_to_the_scope_and_day_shown(world, users, client_for):
    content = client_for(users["organiser"]).get(INDEX).content.decode()

    today = timezone.localdate().isoformat()
    assert f'href="{reverse("stats:export")}?org={world["town_committee"].pk}&amp;as_of={today}"' in content


def test_it_lets_the_organiser_pick_a_sub_organisation(world, users, client_for):
    response = page(client_for(users["organiser"]), org=world["firm_branch"].pk)

    assert response.status_code == 200
    assert response.context["report"].scope_org == world["firm_branch"]
    assert json.loads(json.dumps(response.context["report"].stats, default=str)) == command_json("--org", "甲镇某公司党支部")


@pytest.mark.parametrize("role, org_key", [
    ("organiser", "community_branch"), ("organiser", "root"), ("secretary", "town_committee"),
    ("secretary", "firm_branch"), ("outsider", "village_branch"),
])
def test_it_hides_organisations_outside_the_users_scope(world, users, client_for, role, org_key):
    response = page(client_for(users[role]), org=world[org_key].pk)

    assert response.status_code == 404


def test_it_answers_404_for_a_malformed_organisation(world, users, client_for):
    assert page(client_for(users["admin"]), org="abc").status_code == 404


def test_it_shows_the_secretary_their_branch(world, users, client_for):
    response = page(client_for(users["secretary"]))

    report = response.context["report"]
    assert report.scope_org == world["village_branch"]
    assert report.stats["members"]["total"] == 14  # 13 of the world's, and 李党员
    assert report.stats["organizations"]["total"] == 1
    assert [label for _pk, label in response.context["scope_choices"]] == ["中共一村支部委员会"]


def test_it_forbids_members(world, users, client_for):
    assert page(client_for(users["member"])).status_code == 403
    assert client_for(users["member"]).get(reverse("stats:export")).status_code == 403


def test_it_sends_anonymous_visitors_to_the_login_page(world, client):
    response = client.get(INDEX)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_forbids_a_user_without_an_organisation(world, client_for, django_user_model):
    lost = django_user_model.objects.create_user(username="lost", password="x", role="organiser")

    assert page(client_for(lost)).status_code == 403


def test_it_shows_an_empty_state_when_the_scope_has_no_members(world, users, client_for, django_user_model):
    secretary = django_user_model.objects.create_user(username="sec2", password="x", role="secretary",
                                                      organization=world["village2_branch"])

    response = page(client_for(secretary))

    content = response.content.decode()
    assert "该范围内暂无党员数据" in content
    assert [c["id"] for c in chart_data(response)] == ["org-types"]
    assert "党员年龄结构" not in content


def test_it_draws_charts_from_the_same_rows_as_its_tables(world, users, client_for):
    response = page(client_for(users["admin"]))

    charts = {c["id"]: c for c in chart_data(response)}
    members = response.context["report"].stats["members"]
    assert set(charts) == {"org-types", "full-probationary", "age", "education", "sex", "occupation"}
    assert charts["age"]["values"] == list(members["age_bands"].values())
    assert charts["full-probationary"]["values"] == [members["full"], members["probationary"]]
    assert charts["sex"]["labels"] == ["男", "女"] and charts["sex"]["values"] == [members["male"], members["female"]]
    assert "该范围内暂无党员数据" not in response.content.decode()
    for chart_id in charts:
        assert f'id="chart-{chart_id}"' in response.content.decode()


def test_it_loads_echarts_and_its_script_from_our_own_static_files(world, users, client_for):
    content = page(client_for(users["admin"])).content.decode()

    scripts = re.findall(r'<script[^>]+src="([^"]+)"', content)
    assert "/static/vendor/echarts/echarts.min.js" in scripts and "/static/stats/charts.js" in scripts
    assert all(src.startswith("/static/") for src in scripts)
    assert Path(__file__).resolve().parents[1].joinpath("static/stats/charts.js").exists()


def test_it_reports_a_bad_date_and_counts_as_of_today(world, users, client_for):
    response = client_for(users["admin"]).get(INDEX, {"as_of": "2026-02-30"})

    assert response.status_code == 200
    assert "统计日期“2026-02-30”不是有效日期" in response.content.decode()


def test_it_counts_on_the_chosen_day(world, users, client_for):
    response = client_for(users["admin"]).get(INDEX, {"as_of": "2026-07-01"})

    assert response.context["report"].stats["members"]["full"] == compute_party_stats(
        world["root"], as_of=AS_OF.replace(day=1, month=7))["members"]["full"]
    assert response.context["report"].stats["as_of"] == "2026-07-01"


def test_it_renders_only_the_body_for_htmx(world, users, client_for):
    response = client_for(users["admin"]).get(INDEX, {"as_of": "2026-06-30"}, HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert "<html" not in content and 'id="stats-chart-data"' in content


def test_it_renders_other_apps_blocks_that_bring_a_template(world, users, client_for, settings, monkeypatch):
    settings.TEMPLATES = [{**settings.TEMPLATES[0],
                           "DIRS": [*settings.TEMPLATES[0]["DIRS"], Path(__file__).parent / "templates"]}]
    probe = StatsBlock(key="probe", label="探针", compute=lambda org, *a: {"applicants": 7}, order=99,
                       template="stats_test/probe_block.html")
    silent = StatsBlock(key="silent", label="无模板", compute=lambda *a: {"n": 1}, order=98)
    monkeypatch.setattr("dangjian.stats.views.stats_blocks", lambda: [*stats_blocks(), silent, probe])

    content = page(client_for(users["organiser"])).content.decode()

    assert "探针块：7名（中共甲镇委员会）" in content


def test_it_appears_in_the_menu_for_the_roles_that_use_it(world, users, client_for):
    from dangjian.core.extensions import nav_items_for

    for role in ("admin", "organiser", "secretary"):
        assert "stats:index" in [item.url_name for item in nav_items_for(users[role])]
    assert "stats:index" not in [item.url_name for item in nav_items_for(users["member"])]
    content = page(client_for(users["secretary"])).content.decode()
    assert f'<a class="dropdown-item active" href="{INDEX}" aria-current="page">统计分析</a>' in content


def test_it_shows_a_superuser_without_an_organisation_the_whole_database(world, users, client_for, django_user_model):
    root_user = django_user_model.objects.create_superuser(username="root", password="x", email="")

    response = page(client_for(root_user))

    assert response.context["report"].scope_org is None
    assert response.context["scope_choices"][0] == ("", "全部组织")
    assert json.loads(json.dumps(response.context["report"].stats, default=str)) == command_json()
