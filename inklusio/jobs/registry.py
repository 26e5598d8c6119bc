"""Kinds of background job. An app declares its kinds in `job_kinds.py` with `@job_kind(...)`;
the jobs app finds them through the plugin lookup, so it imports no app built on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from inklusio.core.plugins import app_modules


@dataclass(frozen=True)
class JobOutput:
    data: bytes
    file_name: str
    content_type: str


@dataclass(frozen=True)
class JobKind:
    name: str
    title: str | Promise
    run: Callable[[Any, dict[str, Any]], JobOutput]  # (requesting user, params) -> file
    may_request: Callable[[Any], bool]  # asked when the job is requested and again when it runs
    # The children a kind's file shows, given (user, params): its download is logged for them.
    children: Callable[[Any, dict[str, Any]], list[Any]] | None = None
    # Shown on the file's page, e.g. that the file holds CPR numbers in clear.
    notice: str | Promise = ""


_KINDS: dict[str, JobKind] = {}
_apps_loaded = False


def job_kind(
    name: str,
    *,
    title: str | Promise,
    may_request: Callable[[Any], bool],
    children: Callable[[Any, dict[str, Any]], list[Any]] | None = None,
    notice: str | Promise = "",
) -> Callable[[Callable[[Any, dict[str, Any]], JobOutput]], Callable[..., JobOutput]]:
    def register(run: Callable[[Any, dict[str, Any]], JobOutput]) -> Callable[..., JobOutput]:
        _KINDS[name] = JobKind(
            name=name,
            title=title,
            run=run,
            may_request=may_request,
            children=children,
            notice=notice,
        )
        return run

    return register


def kinds() -> dict[str, JobKind]:
    global _apps_loaded
    if not _apps_loaded:
        for _label, _module in app_modules("job_kinds"):
            pass  # importing the module registers its kinds
        _apps_loaded = True
    return _KINDS


def get_kind(name: str) -> JobKind:
    return kinds()[name]
