"""Contributions an app makes to shared pages, found by module name in every Inklusio app.

An app adds to the child page with `child_page.py`, to start pages with `start_page.py` and to
the data-subject export with `data_export.py`; the shared page never imports the app itself, so
the foundation does not depend on the parts built on it.
"""

import functools
import importlib
from types import ModuleType

from django.apps import apps


@functools.cache
def app_modules(module_name: str) -> tuple[tuple[str, ModuleType], ...]:
    """(app label, module) for every Inklusio app that has `<app>/<module_name>.py`. Found once
    per process: the import system does not remember a module it did not find, so asking again
    would search the file system on every page that shows the sections."""
    found = []
    for app in apps.get_app_configs():
        if not app.name.startswith("inklusio."):
            continue
        try:
            module = importlib.import_module(f"{app.name}.{module_name}")
        except ModuleNotFoundError as missing:
            if missing.name != f"{app.name}.{module_name}":
                raise
            continue
        found.append((app.label, module))
    return tuple(found)


def page_sections(module_name: str, *args) -> list[dict]:
    """Sections from each app's `section(*args)`; an app returns None when it has nothing."""
    sections = (module.section(*args) for _label, module in app_modules(module_name))
    return [section for section in sections if section]
