from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "inklusio.audit"

    def ready(self) -> None:
        from inklusio.audit import (  # noqa: F401 - registers the check and the receivers
            checks,
            signals,
        )
