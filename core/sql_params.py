"""Values bound in raw SQL, the same way on PostgreSQL and SQLite.

Raw statements are written once, with PostgreSQL's numbered placeholders (`$1, $2…`);
SQLite takes `?`, bound in the order the placeholders appear. `in_dialect` turns such a
statement into the default connection's dialect; `Params` gives the values of a statement
being built their placeholders. `like_prefix` is the value for a prefix test, always
written `LIKE <placeholder> ESCAPE '\\'` (SQLite has no escape character unless the
statement names one; PostgreSQL's default is the same backslash).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from core.db import is_postgres

_NUMBERED = re.compile(r"\$\d+")


def in_dialect(sql: str) -> str:
    """`sql`, written with `$1, $2…`, as the default connection takes it: unchanged on
    PostgreSQL; on SQLite each `$n` becomes `?`, so each value's placeholder must appear
    once, in the order of the values."""
    return sql if is_postgres() else _NUMBERED.sub("?", sql)


class Params:
    """The values bound in a statement being built. `bind(value)` appends a value and
    returns its placeholder (`$n` on PostgreSQL, `?` on SQLite), to be written where the
    value goes: on SQLite the placeholders must then appear in the order of the `bind`s."""

    def __init__(self, *, postgres: bool, values: Iterable[Any] = ()) -> None:
        self.postgres = postgres
        self.values: list[Any] = list(values)

    def bind(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}" if self.postgres else "?"


def like_prefix(prefix: str) -> str:
    """The LIKE pattern of the strings that start with `prefix` (its `\\`, `%` and `_`
    escaped), for `LIKE … ESCAPE '\\'`."""
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
