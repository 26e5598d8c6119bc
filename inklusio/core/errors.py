"""Domain errors: raised by services, turned into clear Danish messages by views."""

from django.utils.translation import gettext_lazy

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


class EditConflict(DomainError):
    """Someone else saved the object after this form was opened (optimistic locking)."""

    def __init__(self, *, current, changed_fields: dict):
        self.current = current
        self.changed_fields = changed_fields
        super().__init__(f"Edit conflict on {current!r}: {sorted(changed_fields)}")
