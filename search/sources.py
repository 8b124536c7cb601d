"""Where the documents come from: packages that own data register a source per topic.

`search` never imports `ideas` or `contests`; they call `register_source` when their
`documents` module is imported (by their route modules and their `tasks` module).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from search.port import Document

Loader = Callable[[list[int]], Awaitable[dict[int, Document | None]]]
IdBatches = Callable[[], AsyncIterator[list[int]]]


@dataclass(frozen=True)
class Source:
    topic: str  # the outbox topic, e.g. "idea"
    index: str  # the index its documents go to, e.g. "ideas"
    load: Loader  # current documents by id; None: must not be in the index
    all_ids: IdBatches  # batches of every id that should be in the index


_sources: dict[str, Source] = {}


def register_source(topic: str, index: str, load: Loader, all_ids: IdBatches) -> None:
    """Register (or replace: re-imports and tests) the source of `topic`."""
    _sources[topic] = Source(topic=topic, index=index, load=load, all_ids=all_ids)


def unregister_source(topic: str) -> None:
    _sources.pop(topic, None)


def sources() -> list[Source]:
    return list(_sources.values())


def source_for_topic(topic: str) -> Source | None:
    return _sources.get(topic)


def source_for_index(index: str) -> Source | None:
    for source in _sources.values():
        if source.index == index:
            return source
    return None


def topics() -> list[str]:
    return list(_sources)
