from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "inklusio.meetings"
    verbose_name = "Konsultative møder"
