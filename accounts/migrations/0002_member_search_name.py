from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from accounts.models import search_name


async def fill_search_names(apps: Any, schema_editor: Any) -> None:
    # Members that existed before the column: their folded names, for the member lookup.
    client = schema_editor.client
    rows = await client.execute_query_dict(
        "SELECT id, display_name FROM member WHERE search_name = ''"
    )
    mark = "$1" if client.capabilities.dialect == "postgres" else "?"
    other = "$2" if client.capabilities.dialect == "postgres" else "?"
    for row in rows:
        await client.execute_query(
            f"UPDATE member SET search_name = {mark} WHERE id = {other}",  # noqa: S608 - placeholders only
            [search_name(str(row["display_name"])), row["id"]],
        )


class Migration(migrations.Migration):
    dependencies = [('accounts', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Member',
            name='search_name',
            field=fields.CharField(default='', db_default='', max_length=100),
        ),
        ops.RunPython(fill_search_names, ops.RunPython.noop),
    ]
