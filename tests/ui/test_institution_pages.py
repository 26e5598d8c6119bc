"""An institution's and a resource group's page list their children as the child list does."""

import re

from inklusio.organisation.models import Institution, ResourceGroup


def _children_table(page: str) -> str:
    return re.search(r"<h2>Børn[^<]*</h2>(.*?)(</table>|</p>)", page, re.S).group(1)


def test_the_institutions_children_have_column_headings(cast, client_for):
    page = client_for(cast.alice).get(cast.boegely.get_absolute_url()).content.decode()
    table = _children_table(page)
    headings = [
        re.sub(r"<[^>]+>", "", th).strip() for th in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)
    ]
    assert headings == ["Navn", "CPR-nummer", "Daginstitution", "Stue", "Vanskelighed"]
    assert "Mia" in table


def test_a_resource_groups_children_have_column_headings(cast, client_for):
    group = cast.mia.resource_group
    page = client_for(cast.alice).get(group.get_absolute_url()).content.decode()
    assert re.findall(r'<th scope="col">([^<]*)</th>', _children_table(page))[:2] == [
        "Navn",
        "CPR-nummer",
    ]


def test_an_empty_resource_group_does_not_say_the_user_may_see_no_children(cast, client_for):
    """Alice may see every child of the municipality: the group is empty, her access is not."""
    group = ResourceGroup.objects.create(
        municipality=cast.ishoj,
        institution=cast.elverhoej,
        name="Minigruppen Elverhøj",
        kind=ResourceGroup.Kind.MINI_GROUP,
        places=4,
    )
    page = client_for(cast.alice).get(group.get_absolute_url()).content.decode()
    assert "Du har ikke adgang til nogen børn" not in page
    assert "Der er ingen børn i gruppen, som du har adgang til." in page


def test_an_institution_without_children_does_not_say_the_user_may_see_no_children(
    cast, client_for
):
    institution = Institution.objects.create(
        municipality=cast.ishoj, name="Regnbuen", kind=Institution.Kind.NURSERY, size=30
    )
    page = client_for(cast.alice).get(institution.get_absolute_url()).content.decode()
    assert "Du har ikke adgang til nogen børn" not in page
    assert "Der er ingen børn i institutionen, som du har adgang til." in page
