"""The search port: what the rest of the code may ask of a search engine.

Two backends implement it: Meilisearch (production) and the database's own full-text
search (embedded default and tests). Documents are plain dicts built by the packages that
own the data; the port knows nothing of ideas or contests.
"""

from __future__ import annotations

from typing import Any, Protocol

Document = dict[str, Any]


class SearchBackend(Protocol):
    name: str

    async def start(self) -> None:
        """Create indexes and apply their settings (kept in code)."""

    async def close(self) -> None: ...

    async def health(self) -> bool:
        """True when the engine answers."""
