"""Indexes for reading a round's board from the database while Redis rebuilds it, and for
the scorer's batch (hand-written: partial and expression indexes; the same SQL runs on
SQLite and PostgreSQL).

- `quiz_attempt_board`: scored attempts of a round in the live ranking order with the
  default tie-breakers (more correct answers, then shorter time, then earlier finish, then
  member id; the prediction error is the same for everyone until the round freezes), so
  the top-N page is an index walk (`contests.board_sql`).
- `quiz_attempt_final`: a frozen round's stored ranks (`final_rank`), for its pages and
  "my rank".
- `quiz_attempt_waiting`: a round's attempts not yet scored, by id (the scorer's batch).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("contests", "0002_unit_board_retire_rescore")]

    initial = False

    operations = [
        ops.RunSQL(
            [
                "CREATE INDEX IF NOT EXISTS quiz_attempt_board ON quiz_attempt "
                "(round_id, correct_count DESC, duration_ms, (COALESCE(submitted_at, deadline)), "
                "member_id) WHERE scored_at IS NOT NULL",
                "CREATE INDEX IF NOT EXISTS quiz_attempt_final ON quiz_attempt "
                "(round_id, final_rank) WHERE final_rank IS NOT NULL",
                "CREATE INDEX IF NOT EXISTS quiz_attempt_waiting ON quiz_attempt "
                "(round_id, id) WHERE scored_at IS NULL",
            ],
            reverse_sql=[
                "DROP INDEX IF EXISTS quiz_attempt_board",
                "DROP INDEX IF EXISTS quiz_attempt_final",
                "DROP INDEX IF EXISTS quiz_attempt_waiting",
            ],
        )
    ]
