"""One way for every list page to filter, sort and page (issue 16, point 7).

A list page declares a `ListFilterForm` (its filters, sent by GET: they hold no CPR number) and
its columns, the sortable ones with the fields they order by. `Listing` reads `?sort=` against
that whitelist (anything else falls back to the page's default), applies the valid filters to
the page's queryset — already scoped to the user by a selector — and pages it; every link it
makes (a column heading, the next page) keeps the rest of the query string, so a filter, a sort
and a saved search token survive paging. The templates `core/_list_filter.html`,
`core/_list_head.html` and `core/_pagination.html` render it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from inklusio.core.forms import DkfdsForm

M = TypeVar("M", bound=Model)

SORT_PARAMETER = "sort"
PAGE_PARAMETER = "side"
PER_PAGE = 50


class ListFilterForm(DkfdsForm):
    """A list page's filters. Each field filters by its `lookups` entry (an ORM lookup) or, for
    a filter that is not one lookup, by the form's method `filter_<field>(queryset, value)`.
    An empty field does not
    filter; an invalid one is shown with its error and left out. `defaults` are the values a
    page opened without a query uses (the open cases, say). An `institution` field is offered
    only to users who see more than one institution (the administration, the corps); the
    `own_field` (the user's own rows: "Mine") only where the caller says the user can have any
    (`offers_own`), as a parent owns no plan."""

    lookups: ClassVar[dict[str, str]] = {}
    defaults: ClassVar[dict[str, str]] = {}
    own_field: ClassVar[str | None] = None

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        institutions: QuerySet[Any] | None = None,
        user: Any = None,
        offers_own: bool = True,
        **kwargs: Any,
    ) -> None:
        self.user = user
        if data is not None:
            data = data.copy()
            for name, value in self.defaults.items():
                data.setdefault(name, value)
        super().__init__(data, **kwargs)
        if not offers_own and self.own_field is not None:
            del self.fields[self.own_field]
        field = self.fields.get("institution")
        if isinstance(field, forms.ModelChoiceField):
            choices = list(institutions) if institutions is not None else []
            if len(choices) < 2:
                del self.fields["institution"]
            else:
                field.queryset = institutions
                # The rows just read: rendering the choices asks the database nothing more.
                field.choices = [("", _("Alle"))] + [(i.pk, str(i)) for i in choices]

    def apply(self, queryset: QuerySet[M]) -> QuerySet[M]:
        if not self.is_bound:
            return queryset
        self.is_valid()
        for name in self.fields:
            value = self.cleaned_data.get(name)
            if value in (None, "", [], (), False):
                continue
            method: Callable[[QuerySet[M], Any], QuerySet[M]] | None = getattr(
                self, f"filter_{name}", None
            )
            if method is not None:
                queryset = method(queryset, value)
            elif name in self.lookups:
                queryset = queryset.filter(**{self.lookups[name]: value})
        return queryset


def institution_field() -> forms.ModelChoiceField:
    """The administration's institution filter (its choices are set per user)."""
    return forms.ModelChoiceField(label=_("Institution"), queryset=None, required=False)


def period_fields(
    label_from: Promise | str, label_to: Promise | str
) -> tuple[forms.DateField, forms.DateField]:
    widget = {"type": "date"}
    return (
        forms.DateField(label=label_from, required=False, widget=forms.DateInput(attrs=widget)),
        forms.DateField(label=label_to, required=False, widget=forms.DateInput(attrs=widget)),
    )


@dataclass(frozen=True)
class Column:
    """A column of a list's table; `sort` names the fields it orders by (none: not sortable)."""

    key: str
    label: Promise | str
    sort: tuple[str, ...] = ()
    numeric: bool = False


@dataclass(frozen=True)
class Heading:
    label: Promise | str
    url: str  # empty for a column that cannot be sorted
    state: str  # "ascending", "descending" or "" (the value of aria-sort)
    numeric: bool


class Listing:
    """The filter, the sort and the page of one list page, read from the request's GET."""

    def __init__(
        self,
        request: HttpRequest,
        *,
        form: ListFilterForm,
        columns: Sequence[Column],
        default_sort: str,
        per_page: int = PER_PAGE,
    ) -> None:
        self.params = request.GET.copy()
        self.form = form
        self.columns = list(columns)
        self.per_page = per_page
        sortable = {column.key: column for column in self.columns if column.sort}
        asked = self.params.get(SORT_PARAMETER, default_sort)
        if asked.lstrip("-") not in sortable:
            asked = default_sort
        self.sort = asked
        self._ordering = _ordering(sortable[asked.lstrip("-")].sort, asked.startswith("-"))
        self.page: Page | None = None

    def apply(self, queryset: QuerySet[M]) -> QuerySet[M]:
        """The queryset filtered by the valid filters, in the chosen order (then by id, so the
        pages never overlap)."""
        return self.form.apply(queryset).order_by(*self._ordering, "pk")

    def paginate(self, queryset: QuerySet[M]) -> list[M]:
        """The rows of the asked page of the filtered, sorted queryset."""
        self.page = Paginator(self.apply(queryset), self.per_page).get_page(
            self.params.get(PAGE_PARAMETER)
        )
        rows = list(self.page.object_list)
        self.page.object_list = rows
        return rows

    def url(self, **changes: Any) -> str:
        """This list's query string with some parameters changed (None removes one)."""
        params = self.params.copy()
        for name, value in changes.items():
            params.pop(name, None)
            if value is not None:
                params[name] = str(value)
        return f"?{params.urlencode()}" if params else "?"

    @property
    def headings(self) -> list[Heading]:
        current, descending = self.sort.lstrip("-"), self.sort.startswith("-")
        headings = []
        for column in self.columns:
            if not column.sort:
                headings.append(Heading(column.label, "", "", column.numeric))
                continue
            is_current = column.key == current
            next_sort = f"-{column.key}" if is_current and not descending else column.key
            # The arrow shows the order the rows are in: a column whose first field sorts
            # newest first ("-start") is descending unreversed, and ascending reversed.
            reversed_first = column.sort[0].startswith("-")
            state = (
                ("descending" if descending != reversed_first else "ascending")
                if is_current
                else ""
            )
            url = self.url(**{SORT_PARAMETER: next_sort, PAGE_PARAMETER: None})
            headings.append(Heading(column.label, url, state, column.numeric))
        return headings

    @property
    def kept(self) -> list[tuple[str, str]]:
        """Parameters the filter form does not hold (a saved search token, the sort), sent
        again as hidden fields when the filter is changed."""
        own = set(self.form.fields) | {PAGE_PARAMETER}
        return [(name, value) for name, value in self.params.items() if name not in own]

    @property
    def previous_url(self) -> str:
        if self.page is None or not self.page.has_previous():
            return ""
        return self.url(**{PAGE_PARAMETER: self.page.previous_page_number()})

    @property
    def next_url(self) -> str:
        if self.page is None or not self.page.has_next():
            return ""
        return self.url(**{PAGE_PARAMETER: self.page.next_page_number()})

    @property
    def filtered(self) -> bool:
        return any(name in self.params for name in self.form.fields)

    @property
    def logged(self) -> str:
        """What the access log says of the list asked for: its query string, or "(alle)" for
        the list as it opens (not a bare "?")."""
        return self.url() if self.params else "(alle)"


def _ordering(fields: tuple[str, ...], descending: bool) -> list[str]:
    if not descending:
        return list(fields)
    return [name[1:] if name.startswith("-") else f"-{name}" for name in fields]
