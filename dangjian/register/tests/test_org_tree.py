"""The organisation tree: each role's scope, counts, warning badges, search, lazy children."""
import pytest
from django.urls import reverse

TREE = reverse("register:org_tree")


def test_it_shows_the_county_admin_the_whole_tree_with_counts_and_warnings(users, county, make_member, client_for):
    for i in range(3):
        make_member(county["firm_branch"], name=f"企业党员{i}")

    response = client_for(users["admin"]).get(TREE)

    assert response.status_code == 200
    content = response.content.decode()
    for name in ("中共测试县委员会", "中共甲镇委员会", "中共一村支部委员会", "甲镇某公司党支部", "中共幸福社区支部委员会"):
        assert name in content
    roots = response.context["roots"]
    assert roots[0].org == county["root"] and roots[0].subtree_total == 4
    town = next(n for n in roots[0].children if n.org == county["town_committee"])
    assert town.subtree_total == 4
    village = next(n for n in town.children if n.org == county["village_branch"])
    firm = next(n for n in town.children if n.org == county["firm_branch"])
    assert village.warnings and "不足3名" in village.warnings[0]  # one full member
    assert firm.warnings == []  # three full members


def test_it_shows_the_organiser_only_their_committees_subtree(users, client_for):
    response = client_for(users["organiser"]).get(TREE)

    content = response.content.decode()
    assert response.status_code == 200
    assert "中共甲镇委员会" in content and "中共一村支部委员会" in content
    assert "乙街道" not in content and "幸福社区" not in content and "中共测试县委员会" not in content


def test_it_refuses_the_tree_to_a_member(users, client_for):
    assert client_for(users["member"]).get(TREE).status_code == 403


def test_it_searches_organisations_by_name_within_scope(users, client_for):
    response = client_for(users["organiser"]).get(TREE, {"q": "支部"})

    names = [n.org.name for n in response.context["matches"]]
    assert names == ["中共一村支部委员会", "甲镇某公司党支部"]  # not 幸福社区 (another township)


def test_it_expands_a_node_lazily_with_htmx(users, county, client_for):
    response = client_for(users["organiser"]).get(reverse("register:org_children", args=[county["town_committee"].pk]),
                                                  HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert [n.org for n in response.context["nodes"]] == [county["village_branch"], county["firm_branch"]]
    assert "<html" not in response.content.decode()


def test_it_lazily_loads_deeper_levels_when_the_tree_is_large(users, county, client_for, monkeypatch):
    monkeypatch.setattr("dangjian.register.views.FULL_TREE_LIMIT", 2)
    response = client_for(users["admin"]).get(TREE)

    root = response.context["roots"][0]
    assert response.context["whole"] is False
    assert root.children and all(child.children == [] for child in root.children)
    assert reverse("register:org_children", args=[county["town_committee"].pk]) in response.content.decode()


def test_it_answers_404_for_children_of_an_organisation_outside_the_scope(users, county, client_for):
    url = reverse("register:org_children", args=[county["street_committee"].pk])
    assert client_for(users["organiser"]).get(url).status_code == 404


def test_it_refuses_post_on_the_tree(users, client_for):
    assert client_for(users["admin"]).post(TREE).status_code == 405


def test_it_exports_the_organisations_of_the_scope(users, client_for):
    import io

    from openpyxl import load_workbook

    response = client_for(users["organiser"]).get(reverse("register:org_export"))

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "组织名称"
    assert sorted(r[0] for r in rows[1:]) == sorted(["中共甲镇委员会", "中共一村支部委员会", "甲镇某公司党支部"])


@pytest.mark.parametrize("queries_for", [1, 8])
def test_it_counts_with_a_fixed_number_of_queries(users, county, make_member, client_for, django_assert_max_num_queries,
                                                  queries_for):
    for i in range(queries_for):
        make_member(county["village_branch"], name=f"计数党员{i}")
    client = client_for(users["admin"])
    with django_assert_max_num_queries(12):
        client.get(TREE)


def test_it_shows_a_small_tree_whole_without_expand_buttons(users, county, client_for):
    response = client_for(users["admin"]).get(TREE)
    assert response.context["whole"] is True
    assert "展开 ▸" not in response.content.decode()
