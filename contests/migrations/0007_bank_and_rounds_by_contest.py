"""A contest's questions and rounds by contest: the scorer reads the answer key of a round's
contest for every batch it scores (`scoring.answer_key`), a start reads the bank (once a
second per process, `question_banks`), the contest page lists its rounds; each scanned the
questions or rounds of every contest. Hand-written: the same SQL runs on SQLite and
PostgreSQL."""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("contests", "0006_member_attempts_index")]

    initial = False

    operations = [
        ops.RunSQL(
            [
                "CREATE INDEX IF NOT EXISTS quiz_question_by_contest ON quiz_question "
                "(contest_id, id)",
                "CREATE INDEX IF NOT EXISTS quiz_round_by_contest ON quiz_round "
                "(contest_id, opens_at)",
            ],
            reverse_sql=[
                "DROP INDEX IF EXISTS quiz_question_by_contest",
                "DROP INDEX IF EXISTS quiz_round_by_contest",
            ],
        )
    ]
