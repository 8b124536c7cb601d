"""Collects the tasks and cron jobs of every domain package."""

from __future__ import annotations

import importlib
from typing import Any

TASK_MODULES = (
    "accounts.tasks",
    "search.tasks",
    "ideas.tasks",
    "contests.tasks",
    "contests.judging.tasks",
)


def _collect(attr: str) -> list[Any]:
    out: list[Any] = []
    for name in TASK_MODULES:
        module = importlib.import_module(name)
        out.extend(getattr(module, attr, []))
    return out


def functions() -> list[Any]:
    return _collect("TASKS")


def cron_jobs() -> list[Any]:
    return _collect("CRON_JOBS")
