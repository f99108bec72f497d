"""The organisation filter's option search (issue 15): JSON of the organisations in scope whose name
contains the typed text, for the searchable select of the member list."""
from django.urls import reverse

URL = reverse("register:org_options")


def names(response):
    return [r["text"] for r in response.json()["results"]]


def test_it_answers_the_organisations_in_scope_whose_name_contains_the_text(users, county, client_for):
    response = client_for(users["organiser"]).get(URL, {"q": "支部"})
    assert response.status_code == 200
    assert set(names(response)) == {county["village_branch"].name, county["firm_branch"].name}
    assert {r["value"] for r in response.json()["results"]} == {str(county["village_branch"].pk),
                                                                 str(county["firm_branch"].pk)}


def test_it_never_names_an_organisation_outside_the_scope(users, county, client_for):
    response = client_for(users["organiser"]).get(URL, {"q": "社区"})
    assert names(response) == []
    assert county["community_branch"].name in names(client_for(users["admin"]).get(URL, {"q": "社区"}))


def test_without_text_it_answers_the_first_of_the_scope_in_tree_order(users, county, client_for):
    assert names(client_for(users["organiser"]).get(URL)) == [
        county["town_committee"].name, county["village_branch"].name, county["firm_branch"].name]


def test_a_member_is_refused(users, client_for):
    assert client_for(users["member"]).get(URL, {"q": "支部"}).status_code == 403


def test_the_member_lists_filter_asks_it(users, client_for):
    page = client_for(users["admin"]).get(reverse("register:member_list")).content.decode()
    assert f'data-options-url="{URL}"' in page


def test_letters_find_names_by_their_pinyin_initials_within_the_scope(users, county, client_for):
    """The e2e check found "sxdy" finding nothing in the member list's filter above 1,000 organisations
    (the options come from here, and only names containing the text were answered)."""
    from dangjian.core.forms import pinyin_initials

    branch = county["village_branch"]
    letters = pinyin_initials(branch.name)[1:5]
    found = client_for(users["organiser"]).get(URL, {"q": letters.upper()}).json()["results"]
    assert branch.name in [r["text"] for r in found]
    assert all(letters in r["initials"] for r in found)  # the box's own filter keeps what was answered
    outside = pinyin_initials(county["community_branch"].name)
    assert county["community_branch"].name not in [
        r["text"] for r in client_for(users["organiser"]).get(URL, {"q": outside}).json()["results"]]
