"""The database full-text backend (SQLite FTS5 / PostgreSQL)."""

from __future__ import annotations

from tortoise import connections


class DatabaseBackend:
    name = "database"

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def health(self) -> bool:
        await connections.get("default").execute_query("SELECT 1")
        return True
