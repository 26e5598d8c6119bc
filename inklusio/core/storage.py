"""Uploaded files and generated letters live outside the web root and are served only by views
that have checked access (see inklusio.access). One store for every app server and worker: an
S3-compatible bucket when configured (settings.PRIVATE_STORAGE), else a private local folder."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import LazyObject


def _private_storage() -> Storage:
    if settings.PRIVATE_STORAGE is not None:
        return storages.create_storage(settings.PRIVATE_STORAGE)
    return FileSystemStorage(
        location=settings.PRIVATE_STORAGE_ROOT,
        base_url=None,
        file_permissions_mode=0o600,
        directory_permissions_mode=0o700,
    )


class _PrivateStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = _private_storage()


private_storage = _PrivateStorage()
