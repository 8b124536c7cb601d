from datetime import UTC, datetime
from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


async def mark_open_rankings_stale(apps: Any, schema_editor: Any) -> None:
    # Rankings computed before the mark existed may miss a review whose job was lost: the
    # catch-up cron recomputes each unfrozen one once, then only what changes.
    client = schema_editor.client
    mark = "$1" if client.capabilities.dialect == "postgres" else "?"
    await client.execute_query(
        f"UPDATE judging_settings SET ranking_stale_since = {mark} WHERE frozen_at IS NULL",  # noqa: S608 - placeholder only
        [datetime.now(UTC)],
    )


class Migration(migrations.Migration):
    dependencies = [('judging', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='JudgingSettings',
            name='ranking_stale_since',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunPython(mark_open_rankings_stale, ops.RunPython.noop),
    ]
