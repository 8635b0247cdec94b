"""Glue between invoke and the release tool: user errors become one line and an exit code."""

from __future__ import annotations

import functools
import importlib
import inspect
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import invoke

from glue_release.errors import UserError

HELP_FLAGS = ("--help", "-h")


def task(*args: Any, **kwargs: Any) -> Any:
    """``invoke.task`` whose body's ``UserError`` ends the run as ``error: <message>``, exit 1, no traceback.

    It also makes ``TASK --help`` work for tasks with a required (positional) argument: invoke's
    parser hands ``--help`` to that argument as its value (``run-local --help`` ran the job
    called "--help"), so the body is never called with it; the task's help is printed instead.
    """

    def decorate(body: Callable[..., Any]) -> Any:
        made: list[invoke.Task] = []  # the Task built below; the wrapper needs it to print its help

        @functools.wraps(body)
        def wrapper(*a: Any, **kw: Any) -> Any:
            given = inspect.signature(body).bind_partial(*a, **kw).arguments
            if any(given.get(name) in HELP_FLAGS for name in made[0].positional):
                print_help(made[0])
                return None
            try:
                return body(*a, **kw)
            except UserError as exc:
                raise invoke.Exit(f"error: {exc}", code=1) from None

        made.append(invoke.task(*args, **kwargs)(wrapper))
        return made[0]

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


def print_help(one: invoke.Task) -> None:
    """Invoke's own ``--help TASK`` output for ``one`` (what ``invoke --help TASK`` prints)."""
    collection = invoke.Collection(one)
    name = next(iter(collection.task_names))
    invoke.Program(namespace=collection).run(["invoke", "--help", name], exit=False)
