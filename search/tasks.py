"""Background work of this package (arq tasks take ids and re-read rows)."""

from __future__ import annotations

from typing import Any

TASKS: list[Any] = []
CRON_JOBS: list[Any] = []
