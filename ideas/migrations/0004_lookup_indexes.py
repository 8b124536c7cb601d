"""Indexes for what an idea's page and a member's lists read by key. Tortoise creates no
index for a foreign key, so each of these reads scanned its whole table (every comment,
attachment, status change or idea in the bank) on every page view:

- `idea_comment_by_idea`: an idea's comments, oldest first (`ideas.discussion`);
- `idea_attachment_by_idea`, `idea_status_change_by_idea`: its files and its history
  (`ideas.present`);
- `idea_merged`: the ideas merged into it, whose comments it shows (partial: few are);
- `idea_by_author`, `idea_co_author_by_member`: "My ideas" and what a member may enter in
  an idea contest (`ideas.service.mine`, `contests.judging.entries`).

Hand-written: the same SQL runs on SQLite and PostgreSQL.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

INDEXES = {
    "idea_comment_by_idea": "idea_comment (idea_id, created_at, id)",
    "idea_attachment_by_idea": "idea_attachment (idea_id, id)",
    "idea_status_change_by_idea": "idea_status_change (idea_id, created_at, id)",
    "idea_merged": "idea (merged_into_id) WHERE merged_into_id IS NOT NULL",
    "idea_by_author": "idea (author_id, created_at)",
    "idea_co_author_by_member": "idea_co_author (member_id)",
}


class Migration(migrations.Migration):
    dependencies = [("ideas", "0003_idea_top_order")]

    initial = False

    operations = [
        ops.RunSQL(
            [f"CREATE INDEX IF NOT EXISTS {name} ON {spec}" for name, spec in INDEXES.items()],
            reverse_sql=[f"DROP INDEX IF EXISTS {name}" for name in INDEXES],
        )
    ]
