"""Confirm pages for steps that cannot be undone (issue 16, point 4): the page says what will
happen and what cannot be undone, and only a POST with the "Bekræft" button does the step, so
it works without JavaScript. "Fortryd" is a link back; a POST without the button changes
nothing and shows the page again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

CONFIRM_FIELD = "confirm"
CONFIRM_VALUE = "yes"


def confirmed(request: HttpRequest) -> bool:
    """True only for a POST sent with the page's "Bekræft" button."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def not_confirmed_message() -> str:
    return _("Intet er sket endnu. Tryk på «Bekræft» for at gøre det, eller «Fortryd».")


def refuse_unconfirmed(request: HttpRequest, form: forms.BaseForm | None) -> bool:
    """A POST without the confirm button: the form keeps what was typed and says that nothing
    happened. True when the request was such a POST."""
    if request.method != "POST" or confirmed(request):
        return False
    if form is not None and form.is_bound:
        form.is_valid()
        form.add_error(None, not_confirmed_message())
    return True


def confirm_page(
    request: HttpRequest,
    *,
    title: str,
    button: str,
    consequences: Sequence[str],
    irreversible: str,
    back: str,
    form: forms.BaseForm | None = None,
    error: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The shared page: what happens, what cannot be undone, Bekræft/Fortryd."""
    unbound = form is None or not form.is_bound
    if not error and unbound and request.method == "POST" and not confirmed(request):
        # An empty POST leaves the form unbound: the message goes above it instead.
        error = not_confirmed_message()
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "button": button,
            "consequences": consequences,
            "irreversible": irreversible,
            "back": back,
            "form": form,
            "error": error,
            "confirm_field": CONFIRM_FIELD,
            "confirm_value": CONFIRM_VALUE,
            **(extra or {}),
        },
    )
