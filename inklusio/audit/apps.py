from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "inklusio.audit"

    def ready(self) -> None:
        from inklusio.audit import signals  # noqa: F401 - connects the sign-in receivers
