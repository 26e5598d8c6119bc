"""Danish words and numbers: singular for one, decimal comma, dates as 25.11.2026."""

import re

from django.urls import reverse


def _card(page: str, testid_or_link: str) -> str:
    """The text of the summary card holding the given link text, tags stripped."""
    cards = re.findall(r'<div class="card-content">(.*?)</div>', page, re.S)
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in cards]
    return next(t for t in text if testid_or_link in t)


def test_one_child_and_one_institution_are_singular(cast, client_for):
    page = client_for(cast.gert).get(reverse("start")).content.decode()
    assert _card(page, "barn") == "1 Mit barn"
    page = client_for(cast.carl).get(reverse("start")).content.decode()
    assert _card(page, "Institution") == "1 Institution"


def test_several_institutions_are_plural(cast, client_for):
    page = client_for(cast.alice).get(reverse("start")).content.decode()
    assert re.fullmatch(r"\d+ Institutioner", _card(page, "Institution"))
