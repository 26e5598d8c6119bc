from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "inklusio.screening"
    verbose_name = "Tidlig opsporing"
