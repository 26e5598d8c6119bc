"""Domain errors: raised by services, turned into clear Danish messages by views."""


class DomainError(Exception):
    """Base for rule violations a user can understand and correct."""


class EditConflict(DomainError):
    """Someone else saved the object after this form was opened (optimistic locking)."""

    def __init__(self, *, current, changed_fields: dict):
        self.current = current
        self.changed_fields = changed_fields
        super().__init__(f"Edit conflict on {current!r}: {sorted(changed_fields)}")
