from django.apps import AppConfig


class TransitionsConfig(AppConfig):
    name = "inklusio.transitions"
    verbose_name = "Overgange"
