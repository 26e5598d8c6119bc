import pytest
from django.urls import reverse

from inklusio.children.models import Child, Guardianship, PartnerInvitation
from tests.conftest import login, make_child


def child_form_data(**overrides):
    data = {
        "cpr": "010523-4000",
        "first_name": "Nora",
        "last_name": "Nielsen",
        "institution": "",
        "room": "",
        "resource_group": "",
        "languages": "dansk",
        "category": "attention",
    }
    data.update(overrides)
    return data


class TestCreateChild:
    def test_leader_registers_a_child_and_birth_date_comes_from_the_cpr(self, cast, client_for):
        client = client_for(cast.carl)
        response = client.post(
            reverse("child-create"), child_form_data(institution=cast.elverhoej.pk)
        )
        child = Child.objects.get(first_name="Nora")
        assert response.status_code == 302 and response["Location"] == child.get_absolute_url()
        assert child.birth_date.isoformat() == "2023-05-01"
        assert child.cpr == "0105234000"
        assert child.municipality == cast.ishoj

    def test_a_leader_finds_their_own_institution_chosen(self, cast, client_for):
        html = client_for(cast.carl).get(reverse("child-create")).content.decode()
        assert f'<option value="{cast.elverhoej.pk}" selected>Elverhøj</option>' in html
        assert "---------" not in html.split('name="institution"')[1].split("</select>")[0]
        administration = client_for(cast.alice).get(reverse("child-create")).content.decode()
        assert "selected>Bøgely" not in administration and "selected>Elverhøj" not in administration

    def test_a_modern_cpr_number_without_checksum_is_accepted(self, cast, client_for):
        # 0105234000 fails the old modulus-11 check; such numbers are issued since 2007.
        client = client_for(cast.alice)
        client.post(reverse("child-create"), child_form_data(institution=cast.boegely.pk))
        assert Child.objects.with_cpr("0105234000").exists()

    @pytest.mark.parametrize(
        ("cpr", "message"),
        [
            ("3102234000", "gyldig fødselsdato"),
            ("12345", "10 cifre"),
            ("01O5234000", "kun indeholde cifre"),
            ("0101364000", "gyldig fødselsdato"),  # 2036: not born yet
        ],
    )
    def test_bad_cpr_is_refused_next_to_the_field_and_the_rest_is_kept(
        self, cast, client_for, cpr, message
    ):
        client = client_for(cast.alice)
        response = client.post(
            reverse("child-create"), child_form_data(cpr=cpr, institution=cast.boegely.pk)
        )
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors["cpr"])
        html = response.content.decode()
        assert 'value="Nora"' in html and 'value="Nielsen"' in html
        assert 'class="form-group form-error"' in html
        assert not Child.objects.filter(first_name="Nora").exists()

    def test_a_leader_cannot_register_a_child_in_another_institution(self, cast, client_for):
        client = client_for(cast.carl)
        response = client.post(
            reverse("child-create"), child_form_data(institution=cast.boegely.pk)
        )
        assert response.status_code == 200
        assert "institution" in response.context["form"].errors
        assert not Child.objects.filter(first_name="Nora").exists()

    def test_duplicate_cpr_points_at_the_existing_child_when_visible(self, cast, client_for):
        client = client_for(cast.alice)
        response = client.post(
            reverse("child-create"),
            child_form_data(cpr=cast.emil.cpr, institution=cast.elverhoej.pk),
        )
        error = " ".join(response.context["form"].errors["cpr"])
        assert "allerede registreret" in error
        assert cast.emil.get_absolute_url() in error

    def test_duplicate_cpr_does_not_reveal_a_child_the_user_may_not_see(self, cast, client_for):
        client = client_for(cast.carl)
        response = client.post(
            reverse("child-create"),
            child_form_data(cpr=cast.mia.cpr, institution=cast.elverhoej.pk),
        )
        error = " ".join(response.context["form"].errors["cpr"])
        assert "allerede registreret i kommunen" in error
        assert cast.mia.get_absolute_url() not in error and "Mia" not in error

    def test_the_same_cpr_may_exist_in_another_municipality(self, cast, client_for):
        client = client_for(cast.alice)
        client.post(
            reverse("child-create"),
            child_form_data(cpr=cast.xenia.cpr, institution=cast.boegely.pk),
        )
        assert Child.objects.with_cpr(cast.xenia.cpr).count() == 2


class TestEditConflict:
    def test_the_second_save_is_refused_with_what_changed_and_the_typed_text_kept(
        self, cast, client_for, client
    ):
        from django.test import Client

        url = reverse("child-edit", args=[cast.emil.public_id])
        first, second = Client(), Client()
        first.force_login(cast.alice)
        second.force_login(cast.carl)
        form_a = first.get(url).context["form"]
        form_b = second.get(url).context["form"]
        data_a = {name: form_a[name].value() or "" for name in form_a.fields}
        data_b = {name: form_b[name].value() or "" for name in form_b.fields}

        data_a["languages"] = "dansk, arabisk"
        assert first.post(url, data_a).status_code == 302

        data_b["languages"] = "dansk, tyrkisk"
        response = second.post(url, data_b)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Nogen har gemt ændringer, mens du redigerede" in html
        assert "dansk, arabisk" in html  # what the other person saved
        assert 'value="dansk, tyrkisk"' in html  # what this person typed, kept
        cast.emil.refresh_from_db()
        assert cast.emil.languages == "dansk, arabisk"

        # Saving again after seeing the conflict goes through.
        resubmit = {**data_b, "version": response.context["form"].data["version"]}
        assert second.post(url, resubmit).status_code == 302
        cast.emil.refresh_from_db()
        assert cast.emil.languages == "dansk, tyrkisk"


class TestGuardians:
    def test_a_guardian_needs_a_way_to_be_contacted(self, cast, client_for):
        client = client_for(cast.carl)
        url = reverse("guardian-add", args=[cast.emil.public_id])
        response = client.post(url, {"name": "Hanne Testesen", "relation": "mor"})
        assert "e-mail eller telefon" in response.content.decode()
        client.post(url, {"name": "Hanne Testesen", "phone": "12345678", "has_custody": "on"})
        guardianship = Guardianship.objects.get(child=cast.emil)
        assert guardianship.guardian.name == "Hanne Testesen" and guardianship.has_custody

    def test_a_wrong_email_is_told_at_its_field_only(self, cast, client_for):
        url = reverse("guardian-add", args=[cast.emil.public_id])
        response = client_for(cast.carl).post(url, {"name": "Hanne Testesen", "email": "hanne@"})
        assert response.context["form"].errors == {"email": ["Indtast en gyldig e-mail-adresse."]}

    def test_the_address_protection_box_explains_itself(self, cast, client_for):
        """The hint a screen reader is pointed to (aria-describedby) is on the page too."""
        url = reverse("guardian-add", args=[cast.emil.public_id])
        text = client_for(cast.carl).get(url).content.decode()
        box = text.split('name="address_protected"')[0].rsplit("<input", 1)[1]
        box += text.split('name="address_protected"')[1].split(">", 1)[0]
        hint_id = box.split('aria-describedby="')[1].split('"')[0]
        hint = text.split(f'id="{hint_id}"')[1].split("</span>")[0]
        assert "Adressen vises ikke på breve, i udtræk eller for den anden forælder." in hint

    def test_a_family_finds_its_child_on_its_own_page_not_in_the_list(self, cast, client_for):
        """The list of children (with CPR numbers, difficulties and filters) is for those who
        work with many; a guardian's menu and start page lead to Mit barn."""
        client = client_for(cast.gert)
        assert client.get(reverse("child-list")).status_code == 404
        start = client.get(reverse("start"))
        menu = [item["url"] for item in start.context["nav_items"]]
        assert reverse("family-home") in menu and reverse("child-list") not in menu
        page = start.content.decode()
        card = page.split('data-testid="child-count"', 1)[1].split("</div>", 1)[0]
        assert f'href="{reverse("family-home")}"' in card and "Mit barn" in card
        family = client.get(reverse("family-home"), follow=True).content.decode()
        assert cast.mia.full_name in family and cast.emil.full_name not in family


class TestChildPageWords:
    """Found in a QA pass of the demo: a child without a category or any visitation history."""

    def test_a_child_without_a_category_says_so_in_english_too(self, cast, client):
        nora = make_child(cast.ishoj, cast.boegely, "Nora", "0105234000")
        client.force_login(cast.alice)
        client.cookies["django_language"] = "en"
        page = client.get(nora.get_absolute_url()).content.decode()
        assert "Not specified" in page
        assert "Ikke angivet" not in page

    def test_the_visitation_section_says_when_there_is_nothing_yet(self, cast, client_for):
        nora = make_child(cast.ishoj, cast.boegely, "Nora", "0105234000")
        page = client_for(cast.alice).get(nora.get_absolute_url()).content.decode()
        assert "Ny indstilling for barnet" in page
        assert "Ingen indstillinger eller afgørelser." in page
        # A child with a referral lists it instead.
        page = client_for(cast.alice).get(cast.emil.get_absolute_url()).content.decode()
        assert "Ingen indstillinger eller afgørelser." not in page

    def test_a_partner_is_not_told_a_case_has_no_referrals_they_may_not_see(self, cast, client_for):
        """Found in a QA pass: a partner invited to Emil's case read "Ingen indstillinger eller
        afgørelser" although his institution had referred him; a partner sees their own only."""
        PartnerInvitation.objects.create(
            municipality=cast.ishoj, child=cast.emil, partner=cast.pia, invited_by=cast.alice
        )
        assert cast.emil.referrals.exclude(referred_by=cast.pia).exists()
        page = client_for(cast.pia).get(cast.emil.get_absolute_url()).content.decode()
        assert "Ny indstilling for barnet" in page
        assert "Ingen indstillinger eller afgørelser." not in page
        assert "Her vises kun indstillinger, du selv har lavet, og afgørelser om dem." in page


@pytest.mark.e2e
def test_pedagogue_logs_in_and_opens_a_child(cast, live_server, page, screenshot_dir):
    login(page, live_server, "bob")
    assert page.get_by_test_id("current-user").inner_text().startswith("Bob")
    page.get_by_role("link", name="Børn", exact=True).click()
    page.get_by_role("link", name="Mia Testesen").click()
    assert page.locator("h1").inner_text() == "Mia Testesen"
    # A pedagogue sees the birth-date part only, and no button to show the rest.
    assert "150322-xxxx" in page.content()
    assert "150322-4123" not in page.content()
    assert page.get_by_role("button", name="Vis fuldt CPR-nummer").count() == 0
    assert "Ressourcegruppen Bøgely" in page.content()
    page.screenshot(path=str(screenshot_dir / "child.png"), full_page=True)
    # Emil is at Elverhøj, where Bob is not attached: not listed, and 404 by URL.
    assert "Emil" not in page.content()
    response = page.goto(f"{live_server.url}/boern/{cast.emil.public_id}/")
    assert response.status == 404
