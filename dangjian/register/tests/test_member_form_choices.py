"""The member form's organisation choice: chosen for a secretary with one branch, left open otherwise."""
import re

from django.urls import reverse

CREATE = reverse("register:member_create")


def test_it_chooses_the_branch_for_a_secretary_with_one_branch(users, county, client_for):
    response = client_for(users["secretary"]).get(CREATE)
    assert response.context["form"].initial["organization"] == county["village_branch"].pk
    # (the select also carries its options' pinyin initials: data-initials-map="…")
    assert re.search(r'<option value="%d"[^>]* selected[ >]' % county["village_branch"].pk, response.content.decode())


def test_it_leaves_the_choice_to_an_organiser_with_several_organisations(users, client_for):
    response = client_for(users["organiser"]).get(CREATE)
    assert "organization" not in response.context["form"].initial
    assert '<option value="" selected>请选择</option>' in response.content.decode()
