"""Folding text for matching, written once for every package (search, member lookup).

Folding: lower case, tone marks and other diacritics removed, and đ/Đ → d (Unicode does
not decompose đ, so SQLite's `remove_diacritics` and PostgreSQL's `unaccent` both miss
it). So "Đà Nẵng" and "da nang" fold to the same text.
"""

from __future__ import annotations

import unicodedata

_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})


def fold(text: str) -> str:
    """Lower case, no diacritics, đ → d."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_TABLE))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.lower()
