"""Glue between invoke and the release tool: user errors become one line and an exit code."""

from __future__ import annotations

import functools
import importlib
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import invoke

from glue_release.errors import UserError


def task(*args: Any, **kwargs: Any) -> Any:
    """``invoke.task`` whose body's ``UserError`` ends the run as ``error: <message>``, exit 1, no traceback."""

    def decorate(body: Callable[..., Any]) -> Any:
        @functools.wraps(body)
        def wrapper(*a: Any, **kw: Any) -> Any:
            try:
                return body(*a, **kw)
            except UserError as exc:
                raise invoke.Exit(f"error: {exc}", code=1) from None

        return invoke.task(*args, **kwargs)(wrapper)

    if len(args) == 1 and callable(args[0]) and not kwargs:
        body, args = args[0], ()
        return decorate(body)
    return decorate


def check_project_config(path: Path) -> None:
    """Stop with one line when ``invoke.yaml`` is invalid, before invoke reads it (and prints a traceback)."""
    from glue_release.settings import check_config_file

    try:
        check_config_file(path)
    except UserError as exc:
        raise SystemExit(f"error: {exc}") from None


def lazy_module(name: str) -> types.ModuleType:
    """A stand-in for module ``name`` that imports it on first attribute access (keeps `invoke` start-up light)."""

    class Lazy(types.ModuleType):
        def __getattr__(self, attr: str) -> Any:
            return getattr(importlib.import_module(name), attr)

    return Lazy(name)
