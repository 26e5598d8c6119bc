from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "inklusio.core"
    verbose_name = "Kerne"

    def ready(self) -> None:
        from inklusio.core import lookups  # noqa: F401 - registers `one_of`
