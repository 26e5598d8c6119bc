"""One form of a rendered page as a person sees it: what each field shows and the error printed
by each field, so a test of a refused inline form asserts that the typed value is still in the
input and the Danish message sits by that input (not only somewhere on the page)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class ShownForm:
    values: dict[str, list[str]] = field(default_factory=dict)  # by field name
    errors: dict[str, str] = field(default_factory=dict)  # by field name
    alerts: list[str] = field(default_factory=list)  # the errors above the fields
    focused: set[str] = field(default_factory=set)  # fields the page focuses as it loads

    def value(self, name: str) -> str:
        (only,) = self.values.get(name, [""]) or [""]
        return only


class _FormParser(HTMLParser):
    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.form: ShownForm | None = None
        self._inside = False
        self._names: dict[str, str] = {}  # input id -> name
        self._error_of: dict[str, str] = {}  # input id -> message
        self._text_for: tuple[str, str] | None = None  # ("error", id) | ("alert", "") | …
        self._depth = 0
        self._text = ""
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("action") == self.action and self.form is None:
            self._inside = True
            self.form = ShownForm()
            return
        if not self._inside or self.form is None:
            return
        if self._text_for is not None:
            self._depth += tag not in {"input", "br"}
            return
        classes = a.get("class", "").split()
        if tag == "span" and "form-error-message" in classes:
            self._text_for, self._depth, self._text = ("error", a.get("id", "")), 1, ""
        elif tag == "p" and "alert-text" in classes:
            self._text_for, self._depth, self._text = ("alert", ""), 1, ""
        elif tag in {"input", "textarea", "select"} and a.get("name"):
            self._names[a.get("id", "")] = a["name"]
            if "autofocus" in a:
                self.form.focused.add(a["name"])
            if tag == "input":
                kind = a.get("type", "text")
                if kind in {"checkbox", "radio"} and "checked" not in a:
                    self.form.values.setdefault(a["name"], [])
                elif a["name"] != "csrfmiddlewaretoken":
                    self.form.values.setdefault(a["name"], []).append(a.get("value", ""))
            elif tag == "textarea":
                self._text_for, self._depth, self._text = ("textarea", a["name"]), 1, ""
            else:
                self._select = a["name"]
                self.form.values.setdefault(a["name"], [])
        elif tag == "option" and self._select is not None and "selected" in a:
            self.form.values[self._select].append(a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._text_for is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if not self._inside or self.form is None:
            return
        if self._text_for is not None:
            self._depth -= 1
            if self._depth:
                return
            kind, key = self._text_for
            text = " ".join(self._text.split())
            if kind == "error":
                self._error_of[key.removesuffix("_error")] = text.removeprefix("Fejl: ")
            elif kind == "alert":
                self.form.alerts.append(text)
            else:
                self.form.values.setdefault(key, []).append(self._text.removeprefix("\n"))
            self._text_for = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._inside = False
            # A list of checkboxes or radios has its inputs' ids numbered from the field's.
            self.form.errors = {
                self._names.get(input_id) or self._names.get(f"{input_id}_0", input_id): message
                for input_id, message in self._error_of.items()
            }


def shown_form(html: str, action: str) -> ShownForm:
    """The form posting to `action` on the page (the first, if several do)."""
    parser = _FormParser(action)
    parser.feed(html)
    assert parser.form is not None, f"no form posting to {action} on the page"
    return parser.form
