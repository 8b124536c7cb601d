"""The process's search backend, chosen by settings at start-up."""

from __future__ import annotations

from search.port import SearchBackend

_backend: SearchBackend | None = None


def set_backend(backend: SearchBackend | None) -> None:
    global _backend
    _backend = backend


def get_backend() -> SearchBackend:
    if _backend is None:
        raise RuntimeError("the search backend is not started")
    return _backend


def create_backend(
    *, meili_url: str | None, meili_key: str | None, index_prefix: str
) -> SearchBackend:
    """Meilisearch when `meili_url` is set, else the database backend."""
    if meili_url:
        from search.meili import MeiliBackend

        return MeiliBackend(meili_url, meili_key, index_prefix)
    from search.database import DatabaseBackend

    return DatabaseBackend()
