"""Every idea's search document is written again once: the documents gained `author_id`,
`comments` and `updated_at` (the idea list's `author`, `comments`, `updated_at`), and those
indexed before lack them. One outbox row per idea; the worker drains them in its usual
batches after the upgrade, so nobody has to remember to run `ideabank reindex`."""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("ideas", "0005_key_kinds"), ("core", "0002_outbox_claim")]

    initial = False

    operations = [
        ops.RunSQL(
            [
                "INSERT INTO outbox_event (topic, entity_id, created_at, attempts) "
                "SELECT 'idea', id, CURRENT_TIMESTAMP, 0 FROM idea",
            ],
            reverse_sql=[],
        )
    ]
