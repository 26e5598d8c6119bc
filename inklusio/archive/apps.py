from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "inklusio.archive"
    verbose_name = _("Arkiv til at forlade Inklusio")
