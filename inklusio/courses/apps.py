from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "inklusio.courses"
    verbose_name = "Ressourceforløb"
