"""Two people edit the same thing: every editing page answers the outdated save the same way.

The second save is refused with the one wording, lists what the other person changed (their
values, except free text), keeps what this person typed, and moves the form's version on, so
pressing Gem again on that page deliberately saves this person's version.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import capfirst

from inklusio.audit.models import AuditEntry
from inklusio.children.models import Child
from inklusio.core.forms import EDIT_CONFLICT_MESSAGE
from inklusio.courses.models import Course
from inklusio.people.models import User
from inklusio.planning.models import Contract
from inklusio.plans.models import ActionPlan
from inklusio.referrals.models import Referral


class _PostForm(HTMLParser):
    """What a browser would send from the page's form that carries a `version`: every field
    with the value the page shows (typed text, ticked boxes, chosen options)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._in_form = False
        self._textarea: str | None = None
        self._text = ""
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
            self.forms.append([])
        elif not self._in_form:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind not in {"file", "submit", "button"}:
                self.forms[-1].append(
                    (a["name"], a.get("value", "on" if kind == "checkbox" else ""))
                )
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""
        elif tag == "select":
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the one newline Django writes after <textarea>.
            self.forms[-1].append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            for value in chosen or [value for value, _ in self._options[:1]]:
                self.forms[-1].append((self._select, value))
            self._select = None


def form_on(page: str) -> dict[str, str | list[str]]:
    parser = _PostForm()
    parser.feed(page)
    fields = next(form for form in parser.forms if any(name == "version" for name, _ in form))
    data: dict[str, str | list[str]] = {}
    for name, value in fields:
        if name in data:
            previous = data[name]
            data[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            data[name] = value
    return data


def conflict_summary(page: str) -> str:
    """The box listing what the other person changed."""
    start = page.index('class="alert alert-warning conflict"')
    return page[start : page.index("</table>", start)]


def label(model, name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass
class Case:
    """One editing page: `first` and `second` open it at the same time; `first` saves a change
    of `their_field` (shown back as `their_shown`), then `second` saves `typed` in `my_field`."""

    url: str
    first: User
    second: User
    their_change: dict[str, str]
    their_label: str
    their_shown: str
    my_field: str
    typed: str
    load: object  # () -> the edited object, fresh from the database


def _child(cast) -> Case:
    return Case(
        url=reverse("child-edit", args=[cast.emil.public_id]),
        first=cast.alice,
        second=cast.carl,
        their_change={"languages": "dansk, arabisk"},
        their_label=label(Child, "languages"),
        their_shown="dansk, arabisk",
        my_field="last_name",
        typed="Testesen-Holm",
        load=lambda: Child.objects.get(pk=cast.emil.pk),
    )


def _plan(cast) -> Case:
    return Case(
        url=reverse("plan-edit", args=[cast.plan_mia.public_id]),
        first=cast.alice,
        second=cast.bob,
        their_change={"duration": "Et helt år"},
        their_label=label(ActionPlan, "duration"),
        their_shown="Et helt år",
        my_field="strategies",
        typed="Billedstøtte og faste pladser i samlingen",
        load=lambda: ActionPlan.objects.get(pk=cast.plan_mia.pk),
    )


def _referral(cast) -> Case:
    return Case(
        url=reverse("referral-edit", args=[cast.draft_emil.public_id]),
        first=cast.alice,
        second=cast.carl,
        their_change={"category": "contact_behaviour"},
        their_label=label(Referral, "category"),
        their_shown=str(Referral(category="contact_behaviour").get_category_display()),
        my_field="description",
        typed="Taler kun få ord og trækker sig fra legen.",
        load=lambda: Referral.objects.get(pk=cast.draft_emil.pk),
    )


def _contract(cast) -> Case:
    return Case(
        url=reverse("planning-contract", args=[cast.contract_bob.public_id]),
        first=cast.cora,
        second=cast.cora,  # the corps leader in two browser tabs
        their_change={"institution_hours": "31.0", "other_hours": "2.5"},
        their_label=label(Contract, "institution_hours"),
        their_shown="31,0",
        my_field="support_share_percent",
        typed="40",
        load=lambda: Contract.objects.get(pk=cast.contract_bob.pk),
    )


def _course(cast) -> Case:
    return Case(
        url=reverse("course-edit", args=[cast.course_boegely.public_id]),
        first=cast.alice,
        second=cast.bob,
        their_change={"title": "Legegruppen i frilegen"},
        their_label=label(Course, "title"),
        their_shown="Legegruppen i frilegen",
        my_field="goals",
        typed="Flere børn med i legen, også i frilegen",
        load=lambda: Course.objects.get(pk=cast.course_boegely.pk),
    )


PAGES = {
    "child": _child,
    "plan": _plan,
    "referral": _referral,
    "contract": _contract,
    "course": _course,
}


@pytest.mark.parametrize("page", PAGES)
def test_an_outdated_save_is_refused_explained_and_can_then_be_saved_deliberately(cast, page):
    case = PAGES[page](cast)
    first, second = signed_in(case.first), signed_in(case.second)
    their_form = form_on(first.get(case.url).content.decode())
    my_form = form_on(second.get(case.url).content.decode())
    untouched = str(getattr(case.load(), case.my_field))

    assert first.post(case.url, {**their_form, **case.their_change}).status_code == 302
    saved = case.load()

    refused = second.post(case.url, {**my_form, case.my_field: case.typed})
    assert refused.status_code == 200
    page_html = refused.content.decode()
    assert escape(str(EDIT_CONFLICT_MESSAGE)) in page_html
    summary = conflict_summary(page_html)
    assert escape(case.their_label) in summary  # what the other person changed …
    assert escape(case.their_shown) in summary  # … to what …
    assert escape(case.first.get_full_name() or case.first.username) in summary  # … and who
    assert form_on(page_html)[case.my_field] == case.typed  # what this person typed is kept
    now = case.load()
    assert str(getattr(now, case.my_field)) == untouched  # nothing was overwritten
    assert now.version == saved.version

    # Pressing Gem again on the refused page saves this person's version on purpose.
    assert second.post(case.url, form_on(page_html)).status_code == 302
    now = case.load()
    assert str(getattr(now, case.my_field)) == case.typed
    assert now.version == saved.version + 1


def test_free_text_the_other_person_changed_is_named_but_not_repeated(cast):
    url = reverse("referral-edit", args=[cast.draft_emil.public_id])
    first, second = signed_in(cast.alice), signed_in(cast.carl)
    their_form, my_form = (
        form_on(first.get(url).content.decode()),
        form_on(second.get(url).content.decode()),
    )
    first.post(url, {**their_form, "description": "Udredt af talepædagogen i november."})

    page_html = second.post(url, {**my_form, "tried": "Billedstøtte"}).content.decode()
    summary = conflict_summary(page_html)
    assert escape(label(Referral, "description")) in summary
    assert "Udredt af talepædagogen" not in page_html
    assert "Teksten er ændret (vises ikke her)" in summary


def test_the_refused_save_writes_nothing_to_the_audit_trail_but_the_deliberate_one_does(cast):
    url = reverse("child-edit", args=[cast.emil.public_id])
    first, second = signed_in(cast.alice), signed_in(cast.carl)
    their_form, my_form = (
        form_on(first.get(url).content.decode()),
        form_on(second.get(url).content.decode()),
    )
    first.post(url, {**their_form, "languages": "dansk, arabisk"})
    changes = AuditEntry.objects.filter(object_type="child", action="change")
    assert changes.count() == 1

    page_html = second.post(url, {**my_form, "last_name": "Holm"}).content.decode()
    assert changes.count() == 1
    second.post(url, form_on(page_html))
    assert changes.count() == 2
    assert changes.order_by("-id").first().actor == cast.carl
