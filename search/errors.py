"""Errors of the search package."""

from __future__ import annotations

from core.errors import DomainError


class SearchError(DomainError):
    status = 503
    code = "search_unavailable"
    message = "Search is not available right now. Please try again in a moment."


class SearchUnavailable(SearchError):
    pass


class IndexTaskFailed(SearchError):
    code = "search_task_failed"
    message = "The search engine refused a change."
