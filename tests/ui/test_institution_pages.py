"""An institution's and a resource group's page list their children as the child list does."""

import re

from inklusio.organisation.models import ResourceGroup


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
