"""Contributions an app makes to shared pages, found by module name in every Inklusio app.

An app adds to the child page with `child_page.py`, to start pages with `start_page.py` and to
the data-subject export with `data_export.py`; the shared page never imports the app itself, so
the foundation does not depend on the parts built on it.
"""

import importlib
from collections.abc import Iterator
from types import ModuleType

from django.apps import apps


def app_modules(module_name: str) -> Iterator[tuple[str, ModuleType]]:
    """(app label, module) for every Inklusio app that has `<app>/<module_name>.py`."""
    for app in apps.get_app_configs():
        if not app.name.startswith("inklusio."):
            continue
        try:
            module = importlib.import_module(f"{app.name}.{module_name}")
        except ModuleNotFoundError as missing:
            if missing.name != f"{app.name}.{module_name}":
                raise
            continue
        yield app.label, module


def page_sections(module_name: str, *args) -> list[dict]:
    """Sections from each app's `section(*args)`; an app returns None when it has nothing."""
    sections = (module.section(*args) for _label, module in app_modules(module_name))
    return [section for section in sections if section]
