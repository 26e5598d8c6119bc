from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "inklusio.plans"
    verbose_name = "Handleplaner"
