"""The global search (issue 16, point 7): one field in the header, results grouped, strictly
within what the user may see, each child shown logged once, a CPR number only ever posted."""

import pytest
from django.urls import reverse

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.core.global_search import LIMIT
from inklusio.people.models import Role
from tests.conftest import make_child

pytestmark = pytest.mark.django_db


def search(client, text):
    """Post the header's search and follow to the results; returns (answer, its address)."""
    posted = client.post(reverse("search"), {"q": text})
    assert posted.status_code == 302
    answer = client.get(posted["Location"])
    assert answer.status_code == 200
    return answer.content.decode(), posted["Location"]


def group(page, key):
    """The text of one result group, or "" when the page has no such group."""
    marker = f'data-testid="search-group-{key}"'
    if marker not in page:
        return ""
    return page.split(marker, 1)[1].split("</section>", 1)[0]


def search_entries(user):
    return AuditEntry.objects.filter(
        actor=user, action=AuditAction.SEARCH, object_type="globalsearch"
    )


class TestWhatIsFound:
    def test_a_name_finds_the_child_and_the_case_grouped(self, cast, client_for):
        page, _ = search(client_for(cast.alice), "mia")  # any case
        assert "Mia" in group(page, "children")
        assert "Mia" in group(page, "referrals")
        assert "28.09.08-G01-0001-2026" in group(page, "decisions")
        assert "Mias handleplan" in group(page, "plans")
        assert "Emil" not in page

    def test_a_case_number_finds_the_decision(self, cast, client_for):
        page, _ = search(client_for(cast.alice), "G01-0001")
        assert "28.09.08-G01-0001-2026" in group(page, "decisions")
        assert group(page, "children") == ""

    def test_an_institution_finds_it_its_courses_and_meetings(self, cast, client_for):
        page, _ = search(client_for(cast.alice), "bøgely")
        assert "Bøgely" in group(page, "institutions")
        assert cast.course_boegely.title in group(page, "courses")
        assert "Bøgely" in group(page, "meetings")

    def test_nothing_found_says_so_in_danish(self, cast, client_for):
        page, _ = search(client_for(cast.alice), "Zacharias")
        assert "Intet matcher “Zacharias”, som du har adgang til." in page

    def test_an_empty_search_is_refused_in_danish(self, cast, client_for):
        answer = client_for(cast.alice).post(reverse("search"), {"q": "  "})
        assert answer.status_code == 200
        assert "Skriv et navn, et CPR-nummer, et sagsnummer eller en institution." in (
            answer.content.decode()
        )

    def test_many_matches_are_capped_with_a_request_to_narrow(self, cast, client_for):
        for number in range(LIMIT + 3):
            make_child(
                cast.ishoj,
                cast.boegely,
                f"Testbarn{number:02d}",
                f"0101{22 + number % 2}4{number:03d}",
            )
        page, _ = search(client_for(cast.alice), "Testbarn")
        assert group(page, "children").count("<li>") == LIMIT
        assert f"Viser de første {LIMIT}. Gør søgningen mere præcis" in page


class TestCprNumber:
    def test_a_cpr_number_is_posted_found_by_its_hash_and_never_in_an_address(
        self, cast, client_for
    ):
        page, address = search(client_for(cast.alice), "150322-4123")
        assert "Mia" in group(page, "children")
        assert "1503224123" not in address and "150322" not in address
        assert "150322-xxxx" in page  # shown back masked
        entry = search_entries(cast.alice).get()
        assert "1503224123" not in entry.search_term and "4123" not in entry.search_term

    def test_a_get_with_the_number_finds_nothing(self, cast, client_for):
        """Only a posted search is run: a number typed into the address is ignored."""
        answer = client_for(cast.alice).get(reverse("search"), {"q": "1503224123"})
        assert "Mia" not in answer.content.decode()
        assert not search_entries(cast.alice).exists()

    def test_another_municipalitys_cpr_number_finds_nothing(self, cast, client_for):
        page, _ = search(client_for(cast.dora), "1503224123")
        assert "Mia" not in page
        assert "Intet matcher" in page


class TestAccess:
    def test_another_municipality_sees_only_its_own(self, cast, client_for):
        page, _ = search(client_for(cast.dora), "mia")
        assert "Mia" not in page
        page, _ = search(client_for(cast.dora), "xenia")
        assert "Xenia" in group(page, "children")

    def test_another_institutions_leader_does_not_find_the_child(self, cast, client_for):
        page, _ = search(client_for(cast.carl), "mia")
        assert "Mia" not in page
        page, _ = search(client_for(cast.carl), "emil")
        assert "Emil" in group(page, "children")

    def test_a_family_has_its_own_page_not_the_search(self, cast, client_for):
        """A search over children serves those who work with many; a guardian's children are
        on Mit barn, and the search is neither offered nor answered."""
        client = client_for(cast.gert)
        start = client.get(reverse("start")).content.decode()
        assert 'data-testid="header-search"' not in start
        assert client.post(reverse("search"), {"q": "i"}).status_code == 404
        assert client.get(reverse("search")).status_code == 404
        assert not search_entries(cast.gert).exists()

    def test_ended_and_moved_users_no_longer_find_the_child(self, cast, ended, client_for):
        for user in ended.users:
            if user.role == Role.GUARDIAN:
                continue  # a family has no search (above)
            page, _ = search(client_for(user), "mia")
            assert "Mia" not in page, user.username
            assert "Mias handleplan" not in page, user.username


class TestLog:
    def test_each_child_shown_is_logged_once_in_one_entry(self, cast, client_for):
        search(client_for(cast.alice), "mia")
        entry = search_entries(cast.alice).get()
        # Mia is in four groups (child, referral, decision, plan) but logged once.
        assert list(entry.children.values_list("child_name", flat=True)) == [cast.mia.full_name]
        assert entry.search_term == "mia"

    def test_reloading_the_results_logs_the_read_again(self, cast, client_for):
        client = client_for(cast.alice)
        _, address = search(client, "emil")
        client.get(address)
        assert search_entries(cast.alice).count() == 2

    def test_a_search_that_shows_no_child_names_none(self, cast, client_for):
        search(client_for(cast.alice), "bøgely")
        assert not search_entries(cast.alice).get().children.exists()


def test_every_page_has_the_search_field_in_its_header(cast, client_for):
    page = client_for(cast.sara).get(reverse("start")).content.decode()
    assert 'data-testid="header-search"' in page
    assert f'action="{reverse("search")}"' in page
