"""The member list: scope, every filter (both sides of each boundary), paging, masking."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.register.rules import add_years

LIST = reverse("register:member_list")


def names(response):
    return sorted(m.name for m in response.context["page"].object_list)


@pytest.fixture
def crowd(county, make_member):
    today = timezone.localdate()
    village, firm, community = county["village_branch"], county["firm_branch"], county["community_branch"]
    return {
        "full": make_member(village, name="正式男", sex="男", education="大学本科"),
        "woman": make_member(village, name="女党员", sex="女", education="高中"),
        "probationary": make_member(firm, name="预备党员", joined=today - datetime.timedelta(days=100), full=None,
                                    birth=datetime.date(1996, 1, 1)),
        "floating": make_member(firm, name="流动党员", is_floating=True, education="大学专科"),
        "suspended": make_member(firm, name="停籍党员", status="停止党籍"),
        # Exactly 30 today, and 31 today: the two sides of the "30岁及以下" band.
        "age30": make_member(village, name="三十岁", birth=add_years(today, -30), joined=add_years(today, -5),
                             full=add_years(today, -4)),
        "age31": make_member(village, name="三十一岁", birth=add_years(today, -31), joined=add_years(today, -5),
                             full=add_years(today, -4)),
        "outside": make_member(community, name="外镇党员"),
    }


def test_it_lists_the_organisers_members_in_good_standing(users, crowd, client_for):
    response = client_for(users["organiser"]).get(LIST)

    assert response.status_code == 200
    assert response.context["total"] == 7  # 李党员 and six of the crowd, not 停籍党员 nor 外镇党员
    assert "外镇党员" not in names(response) and "停籍党员" not in names(response)
    assert "共 <strong>7</strong> 名党员" in response.content.decode()


def test_it_masks_numbers_in_the_list_even_for_the_county_admin(users, crowd, client_for):
    response = client_for(users["admin"]).get(LIST, {"q": "正式男"})
    content = response.content.decode()
    member = crowd["full"]
    assert member.id_number_masked in content and member.id_number not in content
    assert member.phone_masked in content and member.phone not in content


@pytest.mark.parametrize("params, expected", [
    ({"org": "firm"}, ["流动党员", "预备党员"]),
    ({"q": "党员", "org": "village"}, ["女党员", "李党员"]),
    ({"status": "停止党籍"}, ["停籍党员"]),
    ({"sex": "女"}, ["女党员"]),
    ({"age": "30_and_under"}, ["三十岁", "预备党员"]),
    ({"age": "31_35"}, ["三十一岁"]),
    ({"education": "college", "org": "firm"}, ["流动党员", "预备党员"]),
    ({"education": "高中"}, ["女党员"]),
    ({"kind": "probationary"}, ["预备党员"]),
    ({"floating": "yes"}, ["流动党员"]),
])
def test_it_filters(users, county, crowd, client_for, params, expected):
    params = dict(params)
    if "org" in params:
        params["org"] = county[{"firm": "firm_branch", "village": "village_branch"}[params["org"]]].pk
    response = client_for(users["organiser"]).get(LIST, params)
    assert names(response) == sorted(expected)
    assert response.context["total"] == len(expected)


def test_it_lists_every_status_when_asked(users, crowd, client_for):
    response = client_for(users["organiser"]).get(LIST, {"status": "all"})
    assert "停籍党员" in names(response) and response.context["total"] == 8


def test_it_answers_404_for_an_organisation_filter_outside_the_scope(users, county, crowd, client_for):
    response = client_for(users["organiser"]).get(LIST, {"org": county["community_branch"].pk})
    assert response.status_code == 404


def test_it_shows_the_secretary_only_their_branch(users, crowd, client_for):
    response = client_for(users["secretary"]).get(LIST)
    assert names(response) == sorted(["李党员", "正式男", "女党员", "三十岁", "三十一岁"])


def test_it_refuses_the_list_to_a_member(users, client_for):
    assert client_for(users["member"]).get(LIST).status_code == 403


def test_it_pages_by_fifty_with_page_numbers(users, county, make_member, client_for):
    for i in range(120):
        make_member(county["firm_branch"], name=f"成员{i:03d}")
    client = client_for(users["organiser"])

    first = client.get(LIST, {"org": county["firm_branch"].pk, "order": "name"})
    third = client.get(LIST, {"org": county["firm_branch"].pk, "order": "name", "page": 3})

    assert len(first.context["page"].object_list) == 50 and first.context["total"] == 120
    assert first.context["page_numbers"] == [1, 2, 3]
    assert len(third.context["page"].object_list) == 20
    assert third.context["page"].object_list[0].name == "成员100"
    assert f"org={county['firm_branch'].pk}" in third.context["query"] and "page" not in third.context["query"]


def test_it_orders_by_joining_date(users, crowd, client_for):
    response = client_for(users["organiser"]).get(LIST, {"order": "-joined_on"})
    assert response.context["page"].object_list[0].name == "预备党员"


def test_it_renders_only_the_results_for_htmx(users, crowd, client_for):
    response = client_for(users["organiser"]).get(LIST, {"sex": "女"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "女党员" in content and "<html" not in content


def test_it_lists_a_page_in_a_fixed_number_of_queries(users, county, make_member, client_for,
                                                      django_assert_max_num_queries):
    for i in range(60):
        make_member(county["firm_branch"], name=f"查询党员{i}")
    client = client_for(users["organiser"])
    with django_assert_max_num_queries(10):
        response = client.get(LIST, {"page": 2})
    assert len(response.context["page"].object_list) == 11


def test_it_shows_the_default_status_it_filters_by(users, county, crowd, client_for):
    response = client_for(users["organiser"]).get(LIST, {"sex": "男"})
    assert response.context["form"]["status"].value() == "正常"
    assert "停籍党员" not in names(response)


def test_its_rows_escape_what_was_entered_and_badge_status_and_floating(users, county, make_member, client_for):
    member = make_member(county["firm_branch"], name="<b>王</b>", status="停止党籍", is_floating=True, full=None,
                         joined=timezone.localdate() - datetime.timedelta(days=30))
    content = client_for(users["organiser"]).get(LIST, {"status": "all", "q": "王"}).content.decode()
    row = content[content.index(f'href="{reverse("register:member_detail", args=[member.pk])}"'):]
    row = row[:row.index("</tr>")]
    assert "&lt;b&gt;王&lt;/b&gt;</a>" in row and "<b>王</b>" not in content
    assert "停止党籍</span>" in row and "流动</span>" in row and "预备</span>" in row
    assert member.id_number_masked in row and member.phone_masked in row


def test_a_row_in_good_standing_has_no_badges_and_says_正式(users, county, make_member, client_for):
    member = make_member(county["firm_branch"], name="正式无标记", full=timezone.localdate())
    content = client_for(users["organiser"]).get(LIST, {"q": "正式无标记"}).content.decode()
    row = content[content.index(f'href="{reverse("register:member_detail", args=[member.pk])}"'):]
    row = row[:row.index("</tr>")]
    assert "badge" not in row and "<td>正式</td>" in row and "预备" not in row
    assert f"<td>{member.birth_date:%Y-%m-%d}</td>" in row and f"<td>{member.joined_on:%Y-%m-%d}</td>" in row


@pytest.mark.parametrize("q, expected", [("%", ["百分%号"]), ("_", ["下_划线"]), ("号", ["百分%号"]), ("百分%号", ["百分%号"])])
def test_the_name_filter_takes_wildcard_characters_literally(users, county, make_member, client_for, q, expected):
    make_member(county["firm_branch"], name="百分%号")
    make_member(county["firm_branch"], name="下_划线")
    make_member(county["firm_branch"], name="普通党员")
    response = client_for(users["organiser"]).get(LIST, {"q": q})
    assert names(response) == expected and response.context["total"] == len(expected)


def test_on_postgresql_the_name_filter_has_its_trigram_index(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the trigram index is PostgreSQL's (migration register 0006); SQLite scans")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'member_name_trigram'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "gin_trgm_ops" in definition and "(name " in definition


def test_the_add_button_shows_only_where_the_user_may_place_a_member(users, county, client_for):
    from dangjian.register.models import Organization

    add = reverse("register:member_create")
    assert f'href="{add}' in client_for(users["secretary"]).get(LIST).content.decode()
    Organization.objects.filter(pk=county["village_branch"].pk).update(is_active=False)  # nowhere left to place one
    assert f'href="{add}' not in client_for(users["secretary"]).get(LIST).content.decode()
    assert f'href="{add}' not in client_for(users["organiser"]).get(LIST, HTTP_HX_REQUEST="true").content.decode()
