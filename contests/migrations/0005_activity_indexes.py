"""Indexes for the organisers' live activity (`participation.activity`): a round's attempts
by when they started and by when they were submitted, so the dashboard reads the rows of
its window only. Without them each refresh scanned every attempt of the round three times
(3.3 s of PostgreSQL over a round of 1.08M attempts, measured). Hand-written: a partial
index (the same SQL runs on SQLite and PostgreSQL)."""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("contests", "0004_open_attempts_index")]

    initial = False

    operations = [
        ops.RunSQL(
            [
                "CREATE INDEX IF NOT EXISTS quiz_attempt_started ON quiz_attempt "
                "(round_id, started_at)",
                "CREATE INDEX IF NOT EXISTS quiz_attempt_submitted ON quiz_attempt "
                "(round_id, submitted_at) WHERE submitted_at IS NOT NULL",
            ],
            reverse_sql=[
                "DROP INDEX IF EXISTS quiz_attempt_started",
                "DROP INDEX IF EXISTS quiz_attempt_submitted",
            ],
        )
    ]
