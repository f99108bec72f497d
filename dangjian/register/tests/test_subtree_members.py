"""Members of a subtree: the root's ``IN (subquery)`` and, below a root, ``= ANY(ARRAY(subquery))``
(PostgreSQL; ``IN`` elsewhere) select exactly the members whose organisation path starts with the
subtree's (issue 15), at every edge: the root, a committee, a branch, a node and its path string."""
import pytest

from dangjian.register.models import Member


@pytest.fixture
def spread(county, make_member):
    for key in ("village_branch", "firm_branch", "community_branch", "town_committee", "root"):
        make_member(county[key], name=f"{key}党员")
    return county


@pytest.mark.parametrize("key", ["root", "town_committee", "street_committee", "village_branch", "community_branch"])
def test_in_subtree_is_the_path_prefix(spread, key):
    node = spread[key]
    expected = set(Member.objects.filter(organization__path__startswith=node.path).values_list("pk", flat=True))
    assert expected
    assert set(Member.objects.in_subtree(node).values_list("pk", flat=True)) == expected
    assert set(Member.objects.in_subtree(node.path).values_list("pk", flat=True)) == expected
    assert Member.objects.in_subtree(node).filter(status="正常").count() == len(expected)


def test_a_sibling_with_a_longer_path_is_not_in_the_subtree(spread):
    town, street = spread["town_committee"], spread["street_committee"]
    town_members = set(Member.objects.in_subtree(town).values_list("name", flat=True))
    assert "community_branch党员" not in town_members and "village_branch党员" in town_members
    assert not Member.objects.in_subtree(street).filter(pk__in=Member.objects.in_subtree(town)).exists()
