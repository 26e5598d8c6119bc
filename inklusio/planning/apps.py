from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "inklusio.planning"
