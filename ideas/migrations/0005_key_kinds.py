"""An Idempotency-Key may now come with any write that makes something, not only a new
idea (`ideas.idempotency`): its row says what the write made (`kind`, `made_id`). Rows
stored before are new ideas' keys, so `kind` defaults to "idea" in the database too (the
grouped idea write, `ideas.submit_batch`, leaves it to that default). Both columns are
added by `ALTER TABLE … ADD COLUMN` on SQLite and PostgreSQL alike: no table is rebuilt.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("ideas", "0004_lookup_indexes")]

    initial = False

    operations = [
        ops.AddField(
            model_name="SubmissionKey",
            name="kind",
            field=fields.CharField(default="idea", db_default="idea", max_length=16),
        ),
        ops.AddField(
            model_name="SubmissionKey",
            name="made_id",
            field=fields.BigIntField(null=True),
        ),
    ]
