"""Database setup: one Tortoise configuration for SQLite (embedded) and PostgreSQL (production).

Every domain package is its own Tortoise app with its own built-in migrations; the same
migration files run on both databases.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api import migrate as tortoise_migrate
from tortoise.models import Model

from core.settings import Settings, get_settings

# app label -> (model modules, migrations package). Order matters only for readability:
# migrations declare their own cross-app dependencies.
APPS: dict[str, tuple[list[str], str]] = {
    "core": (["core.outbox"], "core.migrations"),
    "accounts": (["accounts.models"], "accounts.migrations"),
    "search": (["search.models"], "search.migrations"),
    "ideas": (["ideas.models"], "ideas.migrations"),
    "contests": (["contests.models"], "contests.migrations"),
    "judging": (["contests.judging.models"], "contests.judging.migrations"),
}


def connection_config(settings: Settings) -> dict[str, Any]:
    """The connection dict, with the PostgreSQL pool sized by settings (not Tortoise's 5)."""
    url = settings.database_url
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    conn = expand_db_url(url)
    creds = conn["credentials"]
    if conn["engine"].endswith("sqlite"):
        path = Path(creds["file_path"])
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
    else:
        creds.setdefault("minsize", settings.db_pool_min)
        creds.setdefault("maxsize", settings.db_pool_max)
        creds["minsize"] = int(creds["minsize"])
        creds["maxsize"] = int(creds["maxsize"])
        creds["reset"] = _keep_session
    return conn


async def _keep_session(connection: object) -> None:
    """How a pooled PostgreSQL connection is reset when a query gives it back: asyncpg
    itself rolls back a transaction left open; nothing else is needed, because ideabank
    keeps no session state (no SET outside a transaction, LISTEN, advisory lock or cursor).
    asyncpg's default reset sends one more statement after every query."""


def tortoise_config(settings: Settings | None = None) -> dict[str, Any]:
    settings = settings or get_settings()
    return {
        "connections": {"default": connection_config(settings)},
        "apps": {
            label: {"models": models, "migrations": migrations, "default_connection": "default"}
            for label, (models, migrations) in APPS.items()
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def init(settings: Settings) -> None:
    # The lifespan runs in its own task; requests and worker jobs find the ORM through the
    # global fallback.
    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)


async def close() -> None:
    await Tortoise.close_connections()


async def migrate(settings: Settings) -> None:
    """Apply every pending migration of every app."""
    await tortoise_migrate(config=tortoise_config(settings))
    await Tortoise.close_connections()


def is_postgres() -> bool:
    return bool(connections.get("default").capabilities.dialect == "postgres")


def arrays(first: int, *types: str) -> str:
    """Bind parameters `$first`, `$first + 1`, … as arrays of `types` (PostgreSQL), for a
    batched statement: `unnest({arrays(1, "bigint", "int")})`, `= ANY({arrays(1, "text")})`.

    The rule: a batched statement takes its arrays behind scalar subqueries, so PostgreSQL
    plans it once per connection. Given plainly, each execution's custom plan knows the
    arrays' length while the generic plan guesses 10 rows and so costs more than a custom
    plan of the 1–3 rows a batch mostly holds: the plan cache then never settles on the
    generic plan and plans the statement again at every execution (measured on the submit
    UPDATE at 1,000 submits/s: 0.21 ms of planning per execution, as long as running it).
    Behind a subquery the length is unknown to both plans, so after five executions the
    generic plan is kept. `tests/core/test_batched_plans.py` checks each such statement.
    """
    # The outer cast makes `= ANY(…)` read an array, not the rows of a subquery.
    return ", ".join(
        f"(SELECT ${first + n}::{type_}[])::{type_}[]" for n, type_ in enumerate(types)
    )


async def update_rows(
    model: type[Model],
    ids: Sequence[int],
    columns: dict[str, tuple[str, Sequence[Any]]],
    *,
    where: str = "",
    conn: BaseDBAsyncClient | None = None,
) -> None:
    """Give the row whose `id` is `ids[i]` the i-th value of each column (`columns`: column
    -> its PostgreSQL type, values), where `where` (SQL naming the columns unqualified) also
    holds. PostgreSQL gets one statement, the values as arrays: a statement takes at most
    32,767 parameters but arrays of any length. SQLite has no arrays: the statement runs
    once per row (executemany, in one transaction)."""
    if any(len(values) != len(ids) for _, values in columns.values()):
        raise ValueError("one value per id in every column")  # unnest would pad with NULL
    if not ids:
        return
    conn = conn or connections.get("default")
    table = model._meta.db_table
    also = f" AND ({where})" if where else ""
    if is_postgres():
        sets = ", ".join(f"{name} = v.c{i}" for i, name in enumerate(columns))
        params = arrays(1, "bigint", *(type_ for type_, _ in columns.values()))
        names = "".join(f", c{i}" for i in range(len(columns)))
        sql = (
            f"UPDATE {table} SET {sets} FROM unnest({params}) AS v(row_id{names}) "  # noqa: S608 - names from code; values bound
            f"WHERE {table}.id = v.row_id{also}"
        )
        await conn.execute_query(sql, [list(ids), *(list(vs) for _, vs in columns.values())])
        return
    sets = ", ".join(f"{name} = ?" for name in columns)
    sql = f"UPDATE {table} SET {sets} WHERE id = ?{also}"  # noqa: S608 - as above
    rows = zip(*(values for _, values in columns.values()), ids, strict=True)
    await conn.execute_many(sql, [list(row) for row in rows])


def __getattr__(name: str) -> Any:
    # `tortoise -c core.db.TORTOISE_ORM makemigrations` reads the config from here.
    if name == "TORTOISE_ORM":
        return tortoise_config()
    raise AttributeError(name)
