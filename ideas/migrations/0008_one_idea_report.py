"""A member reports an idea once (`ideas.discussion`), now also when two reports of theirs
race: `unique_together (idea, comment, member)` never held for idea reports, whose
`comment_id` is NULL (NULLs never collide), so one member could send three reports at once
and hide any idea. A partial unique index covers them (the same SQL on SQLite and
PostgreSQL); duplicates stored before are dropped first, the earliest report kept."""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("ideas", "0007_idea_frozen_from")]

    initial = False

    operations = [
        ops.RunSQL(
            [
                "DELETE FROM idea_report WHERE comment_id IS NULL AND id NOT IN ("
                " SELECT MIN(id) FROM idea_report WHERE comment_id IS NULL"
                " GROUP BY idea_id, member_id)",
                "CREATE UNIQUE INDEX IF NOT EXISTS idea_report_idea_once"
                " ON idea_report (idea_id, member_id) WHERE comment_id IS NULL",
            ],
            reverse_sql=["DROP INDEX IF EXISTS idea_report_idea_once"],
        )
    ]
