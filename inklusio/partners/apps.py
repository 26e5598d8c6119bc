from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "inklusio.partners"
    verbose_name = "Samarbejdspartnere"
