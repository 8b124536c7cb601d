"""Indexes for finding members (`accounts.lookup.find_members`, a unit's member list and
count): by name without tone marks matched anywhere (`search_name LIKE '%…%'`), the first
matches by display name, and by unit. Without them every lookup, unit page and unit member
list read the whole member table (290 ms over 1M members, measured; the app is modelled on
one of 22M users).

- `member_by_name` (display name, id): the answer's order, so a name many members share
  ("nguyễn văn") stops at the first matches instead of sorting them all (0.15 ms).
- `member_by_unit` (unit, display name, id): a unit's members in the order its list shows
  them, and their count.
- PostgreSQL: `member_search_name_trgm`, a trigram index (extension pg_trgm, trusted: the
  database's owner may create it) for the rarer names (30 ms on the bench's 1M near-identical
  names, against 290). SQLite (one unit's machine) has no such index and needs none.
"""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

POSTGRES = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS member_search_name_trgm ON member USING gin (search_name gin_trgm_ops);
"""
BOTH = """
CREATE INDEX IF NOT EXISTS member_by_name ON member (display_name, id);
CREATE INDEX IF NOT EXISTS member_by_unit ON member (unit_id, display_name, id);
"""


async def create(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(POSTGRES)
    await client.execute_script(BOTH)


async def drop(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script("DROP INDEX IF EXISTS member_search_name_trgm;")
    await client.execute_script(
        "DROP INDEX IF EXISTS member_by_name; DROP INDEX IF EXISTS member_by_unit;"
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_member_must_change_password")]

    initial = False

    operations = [ops.RunPython(create, reverse_code=drop)]
