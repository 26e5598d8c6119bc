"""Domain errors: raised by services, turned into clear Danish messages by views."""

from django.utils.translation import gettext, gettext_lazy

# One wording for every edit conflict (optimistic locking), whatever is being edited.
EDIT_CONFLICT_MESSAGE = gettext_lazy(
    "Nogen har gemt ændringer, mens du redigerede. Det, du har skrevet, er bevaret herunder, "
    "og deres ændringer står over formularen. Gemmer du igen, erstatter din udgave deres."
)


class DomainError(Exception):
    """Base for rule violations a user can understand and correct.

    `field` names the form field the message belongs by (None: the form as a whole), so a view
    shows the service's own message where the user typed the value (`core.forms.show_refusal`)."""

    field: str | None = None

    def __init__(self, *args: object, field: str | None = None):
        super().__init__(*args)
        if field is not None:
            self.field = field


class OutdatedSave(DomainError):
    """A save started from an older version than the one saved meanwhile by someone else, for
    records versioned by a number of their own (minutes, session corrections) rather than by
    the audited `version` of EditConflict."""

    def __init__(self, current_version: int):
        self.current_version = current_version
        super().__init__(str(EDIT_CONFLICT_MESSAGE))


class UnknownVersion(DomainError):
    """An edit that says it started from a version the record has not reached (a hand-made
    request, a page from another copy of the database): there is nothing to compare it with,
    so it is refused on its own terms, not as an edit conflict in which nothing changed."""

    def __init__(self, *, sent: int, current: int):
        self.sent = sent
        self.current_version = current
        super().__init__(
            gettext(
                "Udgave %(sent)s findes ikke; den gemte er udgave %(current)s. Intet er gemt: "
                "hent den gemte udgave, og send dens nummer med ændringen."
            )
            % {"sent": sent, "current": current}
        )


def refuse_unknown_version(*, sent: int, current: int) -> None:
    """Refuse an edit started from a version the record has not reached (UnknownVersion);
    called beside each service's edit-conflict check, before it."""
    if sent > current:
        raise UnknownVersion(sent=sent, current=current)


class EditConflict(DomainError):
    """Someone else saved the object after this form was opened (optimistic locking)."""

    def __init__(self, *, current, changed_fields: dict):
        self.current = current
        self.changed_fields = changed_fields
        super().__init__(f"Edit conflict on {current!r}: {sorted(changed_fields)}")
