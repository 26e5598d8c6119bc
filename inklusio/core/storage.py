"""Uploaded files and generated letters live outside the web root and are served only by views
that have checked access (see inklusio.access)."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject


class _PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_STORAGE_ROOT, base_url=None)


private_storage = _PrivateStorage()
