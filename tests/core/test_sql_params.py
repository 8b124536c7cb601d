"""`core.sql_params`: raw SQL written once with `$n`, run on either database, and the
escaped LIKE prefix."""

from __future__ import annotations

from tortoise import connections

from core.db import is_postgres
from core.sql_params import Params, in_dialect, like_prefix


def test_params_number_the_values_on_postgresql_and_mark_them_in_order_on_sqlite() -> None:
    numbered = Params(postgres=True, values=["a"])
    assert [numbered.bind("b"), numbered.bind("c")] == ["$2", "$3"]
    assert numbered.values == ["a", "b", "c"]
    marked = Params(postgres=False)
    assert [marked.bind(1), marked.bind(2)] == ["?", "?"]
    assert marked.values == [1, 2]


def test_like_prefix_escapes_the_wildcards_and_the_escape_character() -> None:
    assert like_prefix("VN/01/") == "VN/01/%"
    assert like_prefix("a_b%c\\d/") == "a\\_b\\%c\\\\d/%"


async def test_a_statement_written_with_numbered_placeholders_runs_on_the_database(
    database: None,
) -> None:
    sql = in_dialect("SELECT $1 AS a, $2 AS b")
    assert sql == ("SELECT $1 AS a, $2 AS b" if is_postgres() else "SELECT ? AS a, ? AS b")
    rows = await connections.get("default").execute_query_dict(sql, ["x", "y"])
    assert [(r["a"], r["b"]) for r in rows] == [("x", "y")]


async def test_a_like_prefix_matches_its_own_strings_only(database: None) -> None:
    like = in_dialect("SELECT $1 LIKE $2 ESCAPE '\\' AS hit")
    conn = connections.get("default")
    for text, prefix, hit in [
        ("a_b/c", "a_b/", True),
        ("axb/c", "a_b/", False),  # `_` is no wildcard
        ("50%/x", "50%/", True),
        ("50 x/x", "50%/", False),  # nor is `%`
        ("a\\b/", "a\\b", True),
    ]:
        rows = await conn.execute_query_dict(like, [text, like_prefix(prefix)])
        assert bool(rows[0]["hit"]) is hit, (text, prefix)
