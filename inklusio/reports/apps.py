from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class ReportsConfig(AppConfig):
    name = "inklusio.reports"

    def ready(self):
        # Each app contributes its tables in its own `statistics.py`.
        autodiscover_modules("statistics")
