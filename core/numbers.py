"""Whole numbers typed by people (a page's query string, a form, a CSV cell).

`str.isdigit` holds for "²" and other Unicode digits, which `int()` refuses, and for 5,000
digits, which `int()` takes but no column holds: reading such text with `isdigit` and
`int` answered 500. The rule, once: ASCII digits only, within the caller's bounds.
"""

from __future__ import annotations


def number_between(raw: object, low: int, high: int) -> int | None:
    """A whole number in ASCII digits from `low` to `high`, else None (the caller ignores
    or refuses it; an id past its key column fails the query, so ids pass their key's
    bounds from `core.keys`)."""
    if not isinstance(raw, str) or not (raw.isascii() and raw.isdigit()):
        return None
    if len(raw.lstrip("0")) > len(str(high)):
        return None
    value = int(raw)
    return value if low <= value <= high else None
