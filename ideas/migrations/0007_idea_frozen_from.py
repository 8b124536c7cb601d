"""`idea.frozen_from`: when the authors' changes end because the idea is entered in an idea
contest whose entries close then (`ideas.rules.frozen`). Filled for ideas already entered,
with the statement `contests.judging.frozen` keeps it with (the earliest closing time of
their contests). `ADD COLUMN` on both databases: no table is rebuilt."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("ideas", "0006_reindex_documents"), ("judging", "0002_ranking_stale")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Idea",
            name="frozen_from",
            field=fields.DatetimeField(null=True),
        ),
        ops.RunSQL(
            [
                "UPDATE idea SET frozen_from = ("
                " SELECT MIN(c.closes_at) FROM judging_entry e JOIN contest c"
                " ON c.id = e.contest_id WHERE e.idea_id = idea.id)"
                " WHERE id IN (SELECT idea_id FROM judging_entry)",
            ],
            reverse_sql=[],
        ),
    ]
