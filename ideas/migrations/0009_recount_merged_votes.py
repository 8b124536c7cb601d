"""Vote counters of ideas that took part in a merge are counted again from their votes:
before merges and undos moved counters by the rows they really moved (`ideas.merging`), a
merged duplicate kept its old count and an undo could restore a count its votes no longer
had. The ideas' search documents are written again with the true counts (outbox)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

class Migration(migrations.Migration):
    dependencies = [("ideas", "0008_one_idea_report")]

    initial = False

    operations = [
        ops.RunSQL(
            [
                "UPDATE idea SET votes = (SELECT COUNT(*) FROM idea_vote v"
                " WHERE v.idea_id = idea.id) WHERE id IN"
                " (SELECT source_id FROM idea_merge UNION SELECT target_id FROM idea_merge)",
                "INSERT INTO outbox_event (topic, entity_id, created_at, attempts)"
                " SELECT 'idea', id, CURRENT_TIMESTAMP, 0 FROM idea WHERE id IN"
                " (SELECT source_id FROM idea_merge UNION SELECT target_id FROM idea_merge)",
            ],
            reverse_sql=[],
        )
    ]
