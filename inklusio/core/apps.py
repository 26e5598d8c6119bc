from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "inklusio.core"
    verbose_name = "Kerne"
