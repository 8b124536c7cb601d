"""Ids from outside (bodies, query strings, paths) and the key columns they name.

Accounts' tables (units, members, roles, sessions, tokens) have INTEGER keys; every other
table has BIGINT keys. A number outside a key column's range names no row, yet the database
does not answer "no row" for it: SQLite cannot bind an integer past 2**63 - 1 and PostgreSQL
refuses a parameter wider than its column, and either fails the query (a 500). So an id from
outside is held to its key's range before any query: in a body or a query string it is a
422 naming the field (`RowId`, `AccountId`); in a path the route does not match, a 404
(`web.routing.register_id_paths`).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

INTEGER_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1

RowId = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
"""An id of a row with a BIGINT key (ideas, comments, contests, entries, ...)."""

AccountId = Annotated[int, Field(ge=1, le=INTEGER_MAX)]
"""An id of a unit, member or role (accounts' INTEGER keys)."""
